"""Lesson 06's exercises: generalised advantage estimates over a batch of steps, and the gradient of
the clipped surrogate."""

from policywerk.agents.ppo import clipped_objective_grad, gae
from policywerk.exercises.spec import Case, Exercise
from policywerk.math.random import Rng


def _batch(rng: Rng, steps: int):
    rewards = [1.0] * steps
    values = [round(rng.uniform(0, 20), 3) for _ in range(steps)]
    ends = [rng.random() < 0.15 for _ in range(steps - 1)] + [True]
    terminated = [end and rng.random() < 0.7 for end in ends]
    next_values = [0.0 if done else round(rng.uniform(0, 20), 3) for done in terminated]
    return rewards, values, next_values, ends


def _gae_cases():
    yield Case(([1.0, 1.0, 1.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [False, False, True], 1.0, 1.0),
               "values 0, γ = λ = 1: each advantage is the sum of the rewards still to come, 3, 2, 1", hint=1)
    yield Case(([1.0, 1.0], [5.0, 5.0], [5.0, 5.0], [True, True], 0.9, 0.95),
               "two stretches of one step each: no advantage reaches back past an end", hint=2)
    yield Case(([1.0, 1.0], [5.0, 7.0], [0.0, 3.0], [True, True], 0.99, 0.95),
               "an episode that terminates after one step, then another begins: no future after the "
               "first, and the next entry of values is the other episode's", hint=3)
    rng = Rng(7)
    for k in range(30):
        yield Case((*_batch(rng, 12), 0.99, round(rng.uniform(0.5, 1), 2)), f"random batch {k + 1}", hint=1)


GAE = Exercise(
    key="l06.gae",
    title="Generalised advantage estimation",
    level="hard",
    statement=(
        "Write `gae(rewards, values, next_values, ends, gamma, lam)`: the advantage of every step of a "
        "batch, $A_t = \\delta_t + \\gamma\\lambda A_{t+1}$ with $\\delta_t = r_t + \\gamma V(s_{t+1}) - "
        "V(s_t)$. `values[t]` is $V(s_t)$ and `next_values[t]` is $V(s_{t+1})$, already 0 where the "
        "episode terminated. `ends[t]` marks the last step of a stretch (an episode that ended or was "
        "cut off, or the end of the batch): the sum stops there and does not reach into the next one."),
    stub=('def gae(rewards, values, next_values, ends, gamma, lam):\n'
          '    """The advantage of every step, computed backwards from the end of the batch."""\n'
          '    raise NotImplementedError\n'),
    hints=("Go backwards through the batch keeping a running advantage: A ← δ + γλ A.",
           "At a step with `ends[t]`, start afresh: the advantage is δ alone, with nothing added from the "
           "step after it, which belongs to another episode.",
           "Use `next_values[t]` for V(s_{t+1}), not `values[t + 1]`: after the last step of an episode "
           "the next entry of `values` is another episode's first state."),
    reference=gae,
    cases=_gae_cases,
    tolerance=1e-9,
)

def _clip_cases():
    yield Case((1.1, 2.0, 0.2), "inside the window: the gradient is the advantage", hint=1)
    yield Case((1.3, 2.0, 0.2), "past 1 + ε with a positive advantage: clipped, 0", hint=2)
    yield Case((1.3, -2.0, 0.2), "past 1 + ε but with a negative advantage: moving back is never "
               "clipped", hint=3)
    yield Case((0.7, -2.0, 0.2), "below 1 − ε with a negative advantage: clipped, 0", hint=2)
    yield Case((0.7, 2.0, 0.2), "below 1 − ε with a positive advantage: not clipped", hint=3)
    yield Case((5.0, 2.0, None), "no clip (the ablation): always the advantage", hint=1)
    rng = Rng(11)
    for k in range(30):
        yield Case((round(rng.uniform(0.5, 1.5), 3), round(rng.uniform(-3, 3), 3), rng.choice([0.1, 0.2, 0.3])),
                   f"random case {k + 1}", hint=3)


CLIP_GRADIENT = Exercise(
    key="l06.clipped_objective_grad",
    title="The gradient of the clipped surrogate",
    level="core",
    statement=(
        "Write `clipped_objective_grad(ratio, advantage, clip)`: the derivative with respect to the "
        "ratio $r$ of PPO's objective for one sample, $\\min(r A,\\ \\mathrm{clip}(r, 1 - \\varepsilon, "
        "1 + \\varepsilon) A)$, with `clip` the $\\varepsilon$ (None: no clipping, the plain $r A$)."),
    stub=('def clipped_objective_grad(ratio, advantage, clip):\n'
          '    """d/d ratio of min(r A, clip(r, 1 - eps, 1 + eps) A)."""\n'
          '    raise NotImplementedError\n'),
    hints=("Where the unclipped term r A is the smaller one, the derivative is A.",
           "The clipped term is flat in r, so where it is the smaller one the derivative is 0: r has "
           "already moved past the window in the direction the advantage favours.",
           "Only one side of the window clips for a given sign of A: with A > 0 only r > 1 + ε, with "
           "A < 0 only r < 1 − ε. Moving back towards the old policy is never clipped."),
    reference=clipped_objective_grad,
    cases=_clip_cases,
)

EXERCISES = (GAE, CLIP_GRADIENT)
