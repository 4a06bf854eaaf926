"""Lesson 02's exercise: the critic's internal reinforcement, the TD error the actor learns from."""

from policywerk.agents.adaptive_elements import Critic, Params
from policywerk.exercises.spec import Case, Exercise
from policywerk.math.random import Rng


def internal_reinforcement(v, r, box, next_box, gamma):
    """The library's, from a critic holding the predictions ``v``."""
    critic = Critic(Params(gamma=gamma), n_boxes=len(v))
    critic.v = list(v)
    return critic.internal_reinforcement(r, box, next_box)


def _cases():
    v = [0.0, -0.2, -0.5, -0.9]
    yield Case((v, 0.0, 1, 2, 0.95), "no failure: 0 + 0.95 (−0.5) − (−0.2) = −0.275, a worse box next",
               hint=1)
    yield Case((v, -1.0, 2, None, 0.95), "the pole fell (no next box): −1 − (−0.5) = −0.5", hint=2)
    yield Case((v, 0.0, 3, 0, 0.95), "from a bad box to a safe one: a positive signal", hint=1)
    rng = Rng(10)
    for k in range(30):
        values = [round(rng.uniform(-1, 0), 3) for _ in range(8)]
        failed = rng.random() < 0.3
        yield Case((values, -1.0 if failed else 0.0, rng.randrange(8), None if failed else rng.randrange(8),
                    round(rng.uniform(0.8, 1.0), 2)), f"random case {k + 1}", hint=3)


CRITIC = Exercise(
    key="l02.internal_reinforcement",
    title="The critic's internal reinforcement",
    level="warm-up",
    statement=(
        "Write `internal_reinforcement(v, r, box, next_box, gamma)`: the signal $\\hat r = r + \\gamma "
        "p(\\text{next}) - p(\\text{now})$ the critic gives the actor, where $p$ is the critic's "
        "prediction `v[box]` of the box the cart-pole was in, and of the box it moved to. When the pole "
        "has fallen there is no next box (`next_box` is None) and its prediction counts as 0; `r` is −1 "
        "then, and 0 otherwise."),
    stub=('def internal_reinforcement(v, r, box, next_box, gamma):\n'
          '    """r + gamma * p(next) - p(now), with p = 0 after a failure (next_box None)."""\n'
          '    raise NotImplementedError\n'),
    hints=("It is a TD error: how much better things look after the step than before it.",
           "After a failure nothing follows: the next prediction is 0, not `v[box]` or `v[-1]`.",
           "Discount the next prediction only, by γ; the current one is subtracted whole."),
    reference=internal_reinforcement,
    shown=Critic.internal_reinforcement,
    cases=_cases,
    tolerance=1e-12,
)

EXERCISES = (CRITIC,)
