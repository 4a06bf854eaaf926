"""Lesson 01's exercises: the Bellman backup of one state and action, and the greedy policy of values."""

from policywerk.agents.value_iteration import value_iteration
from policywerk.exercises.spec import Case, Exercise
from policywerk.math.random import Rng
from policywerk.rl.bellman import greedy_policy, q_value, q_values
from policywerk.worlds.gridworld import GridWorld

GAMMA, THETA = 0.9, 1e-6  # the lesson's


def _lesson_values(world: GridWorld) -> list[float]:
    return value_iteration(world, GAMMA, THETA)[-1].values


def _random_values(world: GridWorld, rng: Rng) -> list[float]:
    """Values between -1 and 1, 0 in terminal states and walls, as value iteration keeps them."""
    return [0.0 if s not in world.states or world.is_terminal(s) else round(rng.uniform(-1, 1), 3)
            for s in range(world.n_states)]


def _backup_cases():
    world = GridWorld(slip=0.2)
    solved = _lesson_values(world)
    below_pit = 17  # the cell the lesson watches: its two routes
    for action in range(4):
        yield Case((world, solved, below_pit, action, GAMMA), f"the lesson's grid and V*, the cell "
                   f"below the pit, action {action}", hint=1)
    yield Case((GridWorld(slip=0.0), [0.0] * 25, 9, 2, GAMMA), "no slip, all values 0: the move "
               "down into the goal pays 1", hint=2)
    rng = Rng(1)
    for k in range(40):
        world = GridWorld(slip=round(rng.uniform(0.0, 0.5), 2))
        state = rng.choice([s for s in world.states if not world.is_terminal(s)])
        yield Case((world, _random_values(world, rng), state, rng.randrange(4), round(rng.uniform(0, 1), 2)),
                   f"random case {k + 1}", hint=3)


BACKUP = Exercise(
    key="l01.q_value",
    title="The Bellman backup of one state and action",
    level="warm-up",
    statement=(
        "Write `q_value(mdp, values, state, action, gamma)`: the expected reward of taking `action` "
        "in `state`, plus the discounted value of where it lands, "
        "$q(s, a) = \\sum_{s'} P(s' \\mid s, a)\\,[R(s, a, s') + \\gamma V(s')]$. "
        "`mdp.transitions(state, action)` lists the outcomes, each with a `probability`, a "
        "`next_state` and a `reward`. Terminal states and walls hold a value of 0 in `values`."),
    stub=('def q_value(mdp, values, state, action, gamma):\n'
          '    """Expected reward plus discounted value of the next state, over every outcome of\n'
          '    taking `action` in `state`."""\n'
          '    raise NotImplementedError\n'),
    hints=("Loop over `mdp.transitions(state, action)` and add up `probability * (reward + gamma * "
           "values[next_state])`.",
           "The reward belongs to the transition, not to the state you start from: entering the goal "
           "pays 1.",
           "Discount only the next state's value, not the reward; with slip, one action has up to three "
           "outcomes, and their probabilities add up to 1."),
    reference=q_value,
    cases=_backup_cases,
    tolerance=1e-12,
)


def _greedy_cases():
    world = GridWorld(slip=0.2)
    yield Case((world, _lesson_values(world), GAMMA), "the lesson's grid and V*: its optimal policy", hint=1)
    yield Case((world, [0.0] * 25, GAMMA), "all values 0: most actions tie, and only the moves that can "
               "reach the goal or the pit stand out", hint=2)
    yield Case((GridWorld(slip=0.0), [0.0] * 25, 0.5), "no slip, all values 0", hint=2)
    rng = Rng(2)
    for k in range(20):
        world = GridWorld(slip=round(rng.uniform(0.0, 0.5), 2))
        yield Case((world, _random_values(world, rng), round(rng.uniform(0, 1), 2)), f"random case {k + 1}",
                   hint=3)


def _a_greedy_policy(args, expected, returned) -> bool:
    """Right if every state's action has the highest backup (to within 10⁻⁹: rounding can split a
    tie), and terminal states and walls have action 0."""
    mdp, values, gamma = args
    if not isinstance(returned, list) or len(returned) != mdp.n_states:
        return False
    for s in range(mdp.n_states):
        if s not in mdp.states or mdp.is_terminal(s):
            if returned[s] != 0:
                return False
            continue
        backups = q_values(mdp, values, s, gamma)
        if returned[s] not in range(mdp.n_actions) or backups[returned[s]] < max(backups) - 1e-9:
            return False
    return True


GREEDY = Exercise(
    key="l01.greedy_policy",
    title="The greedy policy of a value function",
    level="core",
    statement=(
        "Write `greedy_policy(mdp, values, gamma)`: for every state that is not terminal, the action "
        "with the highest backed-up value $q(s, a)$, as a list with one entry per state (`mdp.n_states` "
        "of them). Where actions tie, any of them will do (the library takes the lowest-numbered); "
        "terminal states and walls get action 0. "
        "`mdp.states` lists the states that are not walls, and `q_value` from "
        "`policywerk.rl.bellman` is the backup of the exercise before."),
    stub=('def greedy_policy(mdp, values, gamma):\n'
          '    """For each state, the action whose backup is highest (ties: the lowest-numbered);\n'
          '    0 in terminal states and walls."""\n'
          '    raise NotImplementedError\n'),
    hints=("Start from `[0] * mdp.n_states` and fill in each non-terminal state of `mdp.states` with the "
           "best of `q_value(mdp, values, s, a, gamma)` over `range(mdp.n_actions)`.",
           "Compare the actions by their backups, reward and discount included, not by the value of the "
           "cell each one aims at: on a slippery floor an action can land elsewhere.",
           "Skip the terminal states (`mdp.is_terminal(s)`): nothing follows them, so their entry stays 0."),
    reference=greedy_policy,
    cases=_greedy_cases,
    accepts=_a_greedy_policy,
)

EXERCISES = (BACKUP, GREEDY)
