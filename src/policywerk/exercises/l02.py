"""Lesson 02's exercises: the critic's internal reinforcement, the TD error the actor learns from; and one
step of the actor's eligibility trace and weights."""

from policywerk.agents.adaptive_elements import Actor, Critic, Params
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

def actor_step(w, e, box, y, r_hat, alpha, delta):
    """The library's actor, for one step: it remembers pushing ``y`` in ``box``, then learns from
    ``r_hat``; ``w`` and ``e`` are changed in place."""
    actor = Actor(Params(alpha=alpha, delta=delta), n_boxes=len(w))
    actor.w, actor.e = w, e
    for i, trace in enumerate(e):  # the boxes whose trace is not 0 were visited earlier in the trial
        if trace:
            actor.visited.add(i)
    actor.remember(box, y)
    actor.learn(r_hat)


def _step_cases():
    yield Case(([0.0] * 4, [0.0] * 4, 2, 1, -1.0, 1000.0, 0.9), "the first step of a trial, a push right "
               "(y = 1) and a signal of −1: e[2] becomes 0.1, w[2] −100, then e[2] decays to 0.09", hint=1)
    yield Case(([0.0, 5.0, 0.0, 0.0], [0.0, 0.2, 0.0, 0.0], 2, -1, 0.5, 10.0, 0.9), "an older trace in box "
               "1 still earns its share: every box learns in proportion to its trace", hint=2)
    rng = Rng(13)
    for k in range(30):
        traces = [round(rng.uniform(-0.3, 0.3), 3) if rng.random() < 0.5 else 0.0 for _ in range(6)]
        yield Case(([round(rng.uniform(-50, 50), 2) for _ in range(6)], traces, rng.randrange(6),
                    rng.choice([-1, 1]), round(rng.uniform(-1, 0.5), 3), 1000.0, 0.9),
                   f"random case {k + 1}", hint=3)


ACTOR = Exercise(
    key="l02.actor_step",
    title="One step of the actor's trace and weights",
    level="core",
    statement=(
        "Write `actor_step(w, e, box, y, r_hat, alpha, delta)`: one step of the associative search "
        "element, in place. The cart-pole was in `box` and the actor pushed `y` (+1 right, −1 left): "
        "first the trace of that box takes in the push, $e_{box} \\leftarrow e_{box} + (1 - \\delta) y$; "
        "then, given the critic's signal `r_hat`, every weight learns in proportion to its trace, "
        "$w_i \\leftarrow w_i + \\alpha \\hat r e_i$, and every trace decays, $e_i \\leftarrow \\delta e_i$. "
        "Return nothing: change `w` and `e`."),
    stub=('def actor_step(w, e, box, y, r_hat, alpha, delta):\n'
          '    """Mark the push y in box\'s trace, then learn from r_hat and decay every trace, in place."""\n'
          '    raise NotImplementedError\n'),
    hints=("Order matters: the push goes into the trace before the weights learn, so the push just made "
           "is the one that r_hat credits most.",
           "Every box with a trace learns, not only the current one: that is how credit reaches pushes made "
           "a few steps before the signal.",
           "Decay each trace after its weight has learned from it, by δ, not by 1 − δ."),
    reference=actor_step,
    shown=Actor.learn,
    cases=_step_cases,
    tolerance=1e-9,
    pure=False,
)

EXERCISES = (CRITIC, ACTOR)
