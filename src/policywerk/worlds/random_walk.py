"""The bounded random walk of Sutton (1988) and Sutton & Barto (Example 6.2).

A row of non-terminal states A B C D E between two terminal ends. Every walk starts in the
middle, C, and steps left or right with equal probability until it falls off an end: off the right
end pays 1, off the left end pays 0, and nothing else pays anything. There is no discount, so the
value of a state is the probability of leaving on the right from there: 1/6, 2/6, ..., 5/6.

States are numbered 0..n+1: 0 is the left end, 1..n are A, B, ... (n = 5), n+1 is the right end.
Sutton's paper names the same states B..F between terminals A and G; the numbers are the same.
"""

from dataclasses import dataclass
from typing import NamedTuple

from policywerk.math.checks import is_whole
from policywerk.math.random import Rng
from policywerk.rl.mdp import Discrete


class Step(NamedTuple):
    """One step of a walk. A tuple, so ``for s, r, s_next in episode`` unpacks it; named, so a single step
    reads as ``step.reward``."""

    state: int
    reward: float
    next_state: int


@dataclass(frozen=True)
class RandomWalk:
    n: int = 5  # non-terminal states

    def __post_init__(self) -> None:
        if not is_whole(self.n) or self.n < 1 or self.n % 2 == 0:
            raise ValueError("n must be a positive odd int (a middle state to start in), "
                             f"got {self.n!r}")

    @property
    def start(self) -> int:
        return (self.n + 1) // 2

    @property
    def states(self) -> list[int]:
        """The non-terminal states, 1..n."""
        return list(range(1, self.n + 1))

    def name(self, state: int) -> str:
        if state == 0:
            return "LEFT"
        return "RIGHT" if state == self.n + 1 else chr(ord("A") + state - 1)

    def is_terminal(self, state: int) -> bool:
        return state == 0 or state == self.n + 1

    def true_values(self) -> list[float]:
        """V(s) for s = 1..n (index 0 is A): the chance of leaving on the right, s / (n + 1)."""
        return [s / (self.n + 1) for s in self.states]

    def episode(self, rng: Rng) -> list[Step]:
        """One walk from the middle to an end, as (state, reward, next state) steps."""
        steps, state = [], self.start
        while not self.is_terminal(state):
            following = state + (1 if rng.random() < 0.5 else -1)
            steps.append(Step(state, 1.0 if following == self.n + 1 else 0.0, following))
            state = following
        return steps

    def env(self) -> "RandomWalkEnv":
        return RandomWalkEnv(self)


class RandomWalkEnv:
    """Gymnasium-style: there is nothing to choose, so the single action 0 means "take a step"."""

    def __init__(self, walk: RandomWalk):
        self.walk = walk
        self.observation_space = Discrete(walk.n + 2)
        self.action_space = Discrete(1)
        self._rng: Rng | None = None
        self.state: int | None = None

    def reset(self, seed: int | None = None) -> tuple[int, dict]:
        if seed is not None or self._rng is None:
            self._rng = Rng(0 if seed is None else seed)
        self.state = self.walk.start
        return self.state, {}

    def step(self, action: int = 0) -> tuple[int, float, bool, bool, dict]:
        if self.state is None:
            raise RuntimeError("call reset() before step()")
        if self.walk.is_terminal(self.state):
            raise RuntimeError("the walk has ended; call reset() to start a new one")
        if not self.action_space.contains(action):
            raise ValueError(f"the random walk has one action, 0; got {action!r}")
        self.state += 1 if self._rng.random() < 0.5 else -1
        terminated = self.walk.is_terminal(self.state)
        return self.state, 1.0 if self.state == self.walk.n + 1 else 0.0, terminated, False, {}
