"""Lesson 05's exercises: the Huber loss and its gradient, DQN's clipped error; and DQN's target, which
bootstraps from the target network unless the step ended the game."""

from policywerk.agents.dqn import update
from policywerk.exercises.spec import Case, Exercise
from policywerk.math.random import Rng
from policywerk.nn.losses import huber


def _huber_cases():
    yield Case((0.5, 0.0, 1.0), "a small error, 0.5: half its square, and the error itself", hint=1)
    yield Case((3.0, 0.0, 1.0), "a large error, 3: the loss grows linearly, the gradient is clipped to 1",
               hint=2)
    yield Case((-3.0, 0.0, 1.0), "a large negative error: the gradient is −1", hint=2)
    yield Case((1.0, 0.0, 1.0), "an error of exactly δ: both pieces agree", hint=3)
    yield Case((0.0, 5.0, 2.0), "δ = 2: the error −5 is beyond it", hint=3)
    rng = Rng(6)
    for k in range(40):
        yield Case((round(rng.uniform(-4, 4), 3), round(rng.uniform(-4, 4), 3), round(rng.uniform(0.2, 3), 2)),
                   f"random case {k + 1}", hint=3)


HUBER = Exercise(
    key="l05.huber",
    title="The Huber loss and its gradient",
    level="warm-up",
    statement=(
        "Write `huber(prediction, target, delta)`: with $e$ = prediction − target, return the pair "
        "(loss, gradient of the loss with respect to the prediction). The loss is $\\frac12 e^2$ while "
        "$|e| \\le \\delta$ and $\\delta (|e| - \\frac12 \\delta)$ beyond, so its gradient is $e$ clipped "
        "to $[-\\delta, \\delta]$: DQN's \"clip the error term to [−1, 1]\"."),
    stub=('def huber(prediction, target, delta):\n'
          '    """(loss, d loss / d prediction) of the Huber loss with threshold `delta`."""\n'
          '    raise NotImplementedError\n'),
    hints=("Inside the threshold it is the squared error: (½ e², e).",
           "Beyond it, the loss goes up by δ for every unit of error, so the gradient is δ with e's sign.",
           "The linear piece is δ (|e| − ½ δ), which meets ½ e² at |e| = δ; use the δ you are given, not 1."),
    reference=huber,
    cases=_huber_cases,
    tolerance=1e-12,
)

def dqn_target(reward, next_q, terminal, gamma):
    """The target of ``policywerk.agents.dqn.update``, for one transition: ``next_q`` are the target
    network's Q-values of the next screen."""
    bootstrap = 0.0 if terminal else gamma * max(next_q)
    return reward + bootstrap


def _target_cases():
    yield Case((1.0, [0.5, 2.0, 1.0], False, 0.99), "a brick hit, game on: 1 + 0.99 × 2", hint=1)
    yield Case((0.0, [0.5, 2.0, 1.0], True, 0.99), "the ball lost: the game is over, the target is the "
               "reward, 0", hint=2)
    yield Case((0.0, [-1.0, -3.0, -2.0], False, 0.99), "all next values negative: the best is −1", hint=3)
    rng = Rng(12)
    for k in range(30):
        yield Case((float(rng.randrange(2)), [round(rng.uniform(-2, 4), 3) for _ in range(3)],
                    rng.random() < 0.3, 0.99), f"random case {k + 1}", hint=1)


TARGET = Exercise(
    key="l05.dqn_target",
    title="DQN's target, with the end of a game",
    level="warm-up",
    statement=(
        "Write `dqn_target(reward, next_q, terminal, gamma)`: the value a transition's Q-value is pulled "
        "towards, $y = r + \\gamma \\max_{a'} \\hat Q(s', a')$, where `next_q` holds the target network's "
        "Q-values $\\hat Q(s', \\cdot)$ of the next screen. When the step ended the game (`terminal`), "
        "nothing follows it and $y = r$."),
    stub=('def dqn_target(reward, next_q, terminal, gamma):\n'
          '    """r + gamma * max(next_q), or r alone when the step ended the game."""\n'
          '    raise NotImplementedError\n'),
    hints=("Bootstrap from the best next action: max(next_q), not next_q of the action that was taken.",
           "A terminal step has no next state worth anything: multiply the bootstrap by (1 − done), or "
           "leave it out.",
           "Take the maximum of the values themselves; the best of several negative values is the one "
           "closest to 0."),
    reference=dqn_target,
    shown=update,
    cases=_target_cases,
    tolerance=1e-12,
)

EXERCISES = (HUBER, TARGET)
