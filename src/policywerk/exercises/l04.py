"""Lesson 04's exercises: the Expected SARSA target, and epsilon-greedy with ties broken at random."""

from policywerk.agents.td_control import epsilon_greedy, expected_sarsa
from policywerk.exercises.spec import Case, Exercise
from policywerk.math.random import Rng


def _target_cases():
    row = [-1.0, -2.0, -3.0, -4.0]
    yield Case(([[0.0] * 4, row], -1.0, 1, 3, 1.0, 0.1), "one greedy action worth -1 among four: "
               "-1 + 0.9 (-1) + 0.1 (-2.5) = -2.15", hint=1)
    yield Case(([[0.0] * 4, row], -1.0, 1, 3, 1.0, 0.0), "epsilon 0: Q-learning's target", hint=2)
    yield Case(([[0.0] * 4, [0.0] * 4], -100.0, 1, 0, 1.0, 0.1), "a terminal next state, all of whose "
               "values are 0: only the reward is left", hint=3)
    rng = Rng(4)
    for k in range(40):
        q = [[round(rng.uniform(-20, 0), 3) for _ in range(4)] for _ in range(6)]
        yield Case((q, -1.0, rng.randrange(6), rng.randrange(4), round(rng.uniform(0.5, 1), 2),
                    round(rng.uniform(0, 0.5), 2)), f"random case {k + 1}", hint=1)


EXPECTED_SARSA = Exercise(
    key="l04.expected_sarsa",
    title="The Expected SARSA target",
    level="core",
    statement=(
        "Write `expected_sarsa(q, r, s_next, a_next, gamma, epsilon)`: the target "
        "$r + \\gamma \\sum_a \\pi(a \\mid s') Q(s', a)$, where $\\pi$ is the epsilon-greedy policy: "
        "with probability $\\varepsilon$ an action at random, else a greedy one. `q[s][a]` is the "
        "table of action values; `a_next`, the action the agent will take, is SARSA's and is not "
        "needed here. The signature is the one all three methods share, so `td_control` can learn "
        "with yours."),
    stub=('def expected_sarsa(q, r, s_next, a_next, gamma, epsilon):\n'
          '    """r plus gamma times the value of s_next expected under the epsilon-greedy policy."""\n'
          '    raise NotImplementedError\n'),
    hints=("Every action gets ε / (number of actions) from exploring, and the greedy one gets 1 − ε "
           "more: the expectation is (1 − ε) max(q[s_next]) + ε mean(q[s_next]).",
           "With ε = 0 the policy is greedy and the target is Q-learning's, r + γ max(q[s_next]); "
           "`q[s_next][a_next]` would be SARSA's.",
           "A terminal state's values are all 0, so no special case is needed: the target is the "
           "reward."),
    reference=expected_sarsa,
    cases=_target_cases,
    tolerance=1e-12,
)



# epsilon_greedy(values, epsilon, rng): each case is the values and epsilon, how many calls to make with
# one seeded generator, and for each action the least and the most share of those calls it may take.
# The bounds are wide (about four standard deviations), so a right answer passes with any seed.
GREEDY_CASES = (
    (([1.0, 3.0, 2.0], 0.0), 200, [(0, 0), (1, 1), (0, 0)], "ε = 0: always the best action, 1", 1),
    (([3.0, 1.0, 3.0], 0.0), 400, [(0.4, 0.6), (0, 0), (0.4, 0.6)],
     "ε = 0 and a tie between actions 0 and 2: each about half the time", 2),
    (([1.0, 3.0, 2.0], 1.0), 600, [(0.26, 0.41)] * 3, "ε = 1: every action about a third of the time", 3),
    (([0.0, 5.0, 1.0, 2.0], 0.2), 1000, [(0.02, 0.09), (0.80, 0.90), (0.02, 0.09), (0.02, 0.09)],
     "ε = 0.2 over four actions: the best 1 − ε + ε/4 = 0.85 of the time, each other 0.05", 3),
)


def _count_choices(function):
    for number, ((values, epsilon), calls, bounds, about, hint) in enumerate(GREEDY_CASES, 1):
        rng = Rng(100 + number)
        chosen = [function(list(values), epsilon, rng) for _ in range(calls)]
        case = Case((values, epsilon, "Rng(...)"), about, hint)
        strange = [a for a in chosen if a not in range(len(values))]
        if strange:
            return number, case, f"it returned {strange[0]!r}, which is not an action of {len(values)}"
        shares = [chosen.count(a) / calls for a in range(len(values))]
        if any(not low <= share <= high for share, (low, high) in zip(shares, bounds)):
            said = ", ".join(f"action {a} {share:.0%}" for a, share in enumerate(shares))
            return number, case, f"over {calls} calls it chose {said}"
    return None


EPSILON_GREEDY = Exercise(
    key="l04.epsilon_greedy",
    title="Epsilon-greedy, with ties broken at random",
    level="core",
    statement=(
        "Write `epsilon_greedy(values, epsilon, rng)`: the action an ε-greedy agent takes, given the "
        "values of its actions. With probability `epsilon` it picks any action at random; otherwise one "
        "of the best, and when several share the best value, any of them with equal chance. Draw every "
        "random number from `rng` (it has `random()`, `randrange(n)` and `choice(items)`). The result is "
        "random, so the checker calls yours many times and counts its choices."),
    stub=('def epsilon_greedy(values, epsilon, rng):\n'
          '    """With probability epsilon a random action, else a best one (ties broken at random)."""\n'
          '    raise NotImplementedError\n'),
    hints=("Draw `rng.random()` once: below `epsilon`, explore with `rng.randrange(len(values))`.",
           "`values.index(max(values))` always gives the first of tied actions; gather every action whose "
           "value equals the best and `rng.choice` among them. On the cliff, an agent whose ties always go "
           "to 'up' starts every episode with the same bias.",
           "Exploring picks among all the actions, the best one included, so the best is taken a little "
           "more often than 1 − ε."),
    reference=epsilon_greedy,
    cases=lambda: (),  # counted instead: see _count_choices
    counts=_count_choices,
)

EXERCISES = (EXPECTED_SARSA, EPSILON_GREEDY)
