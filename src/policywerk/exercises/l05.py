"""Lesson 05's exercise: the Huber loss and its gradient, DQN's clipped error."""

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

EXERCISES = (HUBER,)
