r"""Barto, Sutton & Anderson (1983): two neuronlike adaptive elements that learn to balance a pole.

The **associative search element** (ASE, the actor) holds a weight $w_i$ per box and pushes right
when $w_i$ plus a little Gaussian noise is at least 0, left otherwise. The **adaptive critic
element** (ACE, the critic) holds a prediction $v_i$ per box and turns the external reinforcement
$r$ (-1 on failure, 0 on every other step) into an internal one every step:

    r_hat = r + gamma * p(next) - p(now)        p = v[box], and p = 0 once the pole has fallen

Both learn from ``r_hat`` through eligibility traces, which remember which boxes were visited lately
(the critic's ``xbar``) and which way the actor pushed in them (the actor's ``e``):

    w_i += alpha * r_hat * e_i          e_i    <- delta * e_i    + (1 - delta) * y * [i is the box]
    v_i += beta  * r_hat * xbar_i       xbar_i <- lam   * xbar_i + (1 - lam)      * [i is the box]

A trace is zero in every box not yet visited in the current trial (traces are reset after each
failure), so the updates loop over the boxes visited this trial only: the same arithmetic, without
multiplying the other hundred-odd zeros.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from policywerk.math.checks import whole
from policywerk.math.random import Rng
from policywerk.session import progress
from policywerk.worlds.cartpole import N_BOXES, CartPole, State, box_of


@dataclass(frozen=True)
class Params:
    """The paper's parameters (Barto, Sutton & Anderson 1983), used for every run in lesson 02."""

    alpha: float = 1000.0  # ASE learning rate
    beta: float = 0.5  # ACE learning rate
    delta: float = 0.9  # ASE trace decay
    lam: float = 0.8  # ACE trace decay
    gamma: float = 0.95  # discount of the ACE's prediction
    sigma: float = 0.01  # standard deviation of the ASE's noise


class Visited:
    """The boxes visited in this trial, in order: the only ones whose traces can be non-zero."""

    def __init__(self):
        self.boxes: list[int] = []
        self._seen: set[int] = set()

    def add(self, box: int) -> None:
        if box not in self._seen:
            self._seen.add(box)
            self.boxes.append(box)

    def clear(self, traces: list[float]) -> None:
        """Zero ``traces`` in every visited box and forget the visits."""
        for box in self.boxes:
            traces[box] = 0.0
        self.boxes.clear()
        self._seen.clear()


class Actor:
    """The associative search element: a weight per box, a push of +1 (right) or -1 (left)."""

    def __init__(self, params: Params, n_boxes: int = N_BOXES):
        self.alpha, self.delta, self.sigma = params.alpha, params.delta, params.sigma
        self.w = [0.0] * n_boxes
        self.e = [0.0] * n_boxes
        self.visited = Visited()

    def act(self, box: int, rng: Rng) -> int:
        return 1 if self.w[box] + rng.gauss(0.0, self.sigma) >= 0.0 else -1

    def remember(self, box: int, y: int) -> None:
        self.visited.add(box)
        self.e[box] += (1.0 - self.delta) * y

    def learn(self, r_hat: float) -> None:
        w, e, step, delta = self.w, self.e, self.alpha * r_hat, self.delta
        for i in self.visited.boxes:
            w[i] += step * e[i]
            e[i] *= delta

    def reset_traces(self) -> None:
        self.visited.clear(self.e)


class Critic:
    """The adaptive critic element: a prediction of (discounted) reinforcement per box."""

    def __init__(self, params: Params, n_boxes: int = N_BOXES):
        self.beta, self.lam, self.gamma = params.beta, params.lam, params.gamma
        self.v = [0.0] * n_boxes
        self.xbar = [0.0] * n_boxes
        self.visited = Visited()

    def internal_reinforcement(self, r: float, box: int, next_box: int | None) -> float:
        """r_hat = r + gamma p(next) - p(now), with p = 0 after a failure (``next_box`` None)."""
        p_next = 0.0 if next_box is None else self.v[next_box]
        return r + self.gamma * p_next - self.v[box]

    def remember(self, box: int) -> None:
        self.visited.add(box)
        self.xbar[box] += 1.0 - self.lam

    def learn(self, r_hat: float) -> None:
        v, xbar, step, lam = self.v, self.xbar, self.beta * r_hat, self.lam
        for i in self.visited.boxes:
            v[i] += step * xbar[i]
            xbar[i] *= lam

    def reset_traces(self) -> None:
        self.visited.clear(self.xbar)


@dataclass
class Trial:
    """One trial: how long the pole stayed up and (if asked) what the learner knew at the start."""

    number: int
    steps: int
    balanced: bool  # reached the step limit without failing
    states: list[State] = field(default_factory=list)  # the first ``keep`` states, starting upright
    pushes: list[int] = field(default_factory=list)  # the push (+1/-1) taken in each kept state
    w: list[float] = field(default_factory=list)  # the actor's weights at the start of the trial
    v: list[float] = field(default_factory=list)  # the critic's predictions at the trial's start


def train(seed: int, max_trials: int = 100, max_steps: int = 100_000,
          params: Params = Params(), critic: bool = True,
          keep: int = 0, on_trial: Callable[[Trial], None] | None = None) -> list[Trial]:
    """Run trials until one balances for ``max_steps`` steps or ``max_trials`` have failed (the
    paper's protocol). Without the ``critic``, the actor learns from the external reinforcement
    alone (r_hat = r). ``keep`` > 0 records each trial's first ``keep`` states and the weights it
    started with."""
    whole(seed, "seed")
    whole(max_trials, "max_trials", least=1)
    whole(max_steps, "max_steps", least=1)
    whole(keep, "keep", least=0)
    rng = Rng(seed)
    env = CartPole(max_steps=max_steps)
    actor, ace = Actor(params), Critic(params)
    trials = []
    who = "actor and critic" if critic else "actor alone"
    for number in progress(range(1, max_trials + 1), f"{who}, seed {seed}, trials"):
        trial = Trial(number, 0, False)
        if keep:
            trial.w, trial.v = actor.w[:], ace.v[:]
        state, _ = env.reset()
        box = box_of(state)
        while True:
            y = actor.act(box, rng)
            actor.remember(box, y)
            ace.remember(box)
            if len(trial.states) < keep:
                trial.states.append(state)
                trial.pushes.append(y)
            state, r, failed, truncated, _ = env.step(1 if y > 0 else 0)
            next_box = None if failed else box_of(state)
            r_hat = ace.internal_reinforcement(r, box, next_box) if critic else r
            actor.learn(r_hat)
            if critic:
                ace.learn(r_hat)
            if failed or truncated:
                break
            box = next_box
        trial.steps, trial.balanced = env.steps, truncated
        if len(trial.states) < keep:
            trial.states.append(state)  # the state it fell in
        actor.reset_traces()
        ace.reset_traces()
        trials.append(trial)
        if on_trial is not None:
            on_trial(trial)
        if trial.balanced:
            break
    return trials
