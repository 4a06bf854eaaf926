"""Lesson 03's exercises: one episode of TD(0), and the lambda-return of every step of a walk."""

from policywerk.agents.td_prediction import lambda_returns, td0
from policywerk.exercises.spec import Case, Exercise
from policywerk.math.random import Rng
from policywerk.worlds.random_walk import RandomWalk, Step


def _walks(seed: int, count: int):
    walk, rng = RandomWalk(), Rng(seed)
    for k in range(count):
        values = [0.0] + [round(rng.uniform(0, 1), 3) for _ in walk.states] + [0.0]
        yield k, values, walk.episode(rng)


def _td0_cases():
    walk = RandomWalk()
    start = [0.0] + [0.5] * walk.n + [0.0]
    right = [Step(3, 0.0, 4), Step(4, 0.0, 5), Step(5, 1.0, 6)]
    yield Case((start, right, 0.1), "the lesson's start, 0.5 everywhere, and a walk C, D, E, out on the "
               "right: only E's estimate moves, to 0.55", hint=1)
    yield Case(([0.0, *walk.true_values(), 0.0], right, 0.1), "the true values, 1/6 to 5/6: on this walk "
               "each TD error is 1/6 (they are 0 only on average)", hint=2)
    for k, values, episode in _walks(3, 30):
        yield Case((values, episode, round(0.05 + 0.05 * (k % 6), 2)), f"random walk {k + 1}", hint=3)


TD0 = Exercise(
    key="l03.td0",
    title="One episode of TD(0)",
    level="warm-up",
    statement=(
        "Write `td0(values, episode, alpha)`: present one walk to TD(0), step by step. `episode` is a list "
        "of steps `(state, reward, next_state)`; after each step, move `values[state]` toward the target "
        "`reward + values[next_state]` by `alpha` times the TD error, in place (no discount, as in the "
        "lesson; the two terminal entries of `values` stay 0). Return the list of TD errors, one per step."),
    stub=('def td0(values, episode, alpha):\n'
          '    """Update `values` in place after every step of `episode`; return each step\'s TD error."""\n'
          '    raise NotImplementedError\n'),
    hints=("The TD error is δ = r + V(s') − V(s); the update is V(s) ← V(s) + α δ.",
           "Compute the error before you update: the update must use the value of s as it was.",
           "Update after each step, not at the end of the walk: a state visited twice sees its first "
           "update the second time."),
    reference=td0,
    cases=_td0_cases,
    tolerance=1e-12,
    pure=False,
)


def _lambda_cases():
    walk = RandomWalk()
    right = [Step(3, 0.0, 4), Step(4, 0.0, 5), Step(5, 1.0, 6)]
    start = [0.0] + [0.5] * walk.n + [0.0]
    yield Case((start, right, 1.0), "λ = 1: every step's return is the walk's outcome, 1", hint=1)
    yield Case((start, right, 0.0), "λ = 0: the one-step target r + V(s')", hint=1)
    for k, values, episode in _walks(5, 30):
        yield Case((values, episode, round(0.1 * (k % 11), 1)), f"random walk {k + 1}", hint=2)


LAMBDA_RETURN = Exercise(
    key="l03.lambda_returns",
    title="The λ-return of every step",
    level="core",
    statement=(
        "Write `lambda_returns(values, episode, lam)`: for every step t of the walk, the λ-return "
        "$G^\\lambda_t = r_{t+1} + (1 - \\lambda) V(s_{t+1}) + \\lambda G^\\lambda_{t+1}$, a blend of "
        "all the n-step returns (no discount). The walk's last step ends in a terminal state, whose value "
        "is 0, so the recursion starts there. Return the list, one per step, in the walk's order."),
    stub=('def lambda_returns(values, episode, lam):\n'
          '    """The lambda-return following each step of `episode` (a list of (s, r, s_next))."""\n'
          '    raise NotImplementedError\n'),
    hints=("Go backwards: start with G = 0 after the last step and apply G ← r + (1 − λ) V(s') + λ G.",
           "Collect the returns backwards, then reverse them; leave `values` as it is."),
    reference=lambda_returns,
    cases=_lambda_cases,
    tolerance=1e-12,
)

EXERCISES = (TD0, LAMBDA_RETURN)
