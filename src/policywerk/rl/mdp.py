"""The Markov decision process: a world whose model is known, every probability and reward readable.

A Markov decision process here is anything with ``states``, ``n_actions`` and ``transitions(s, a)``.
Dynamic programming (lesson 01) reads the model; ``ModelEnv`` turns the same model into a
Gymnasium-style environment that an agent can only sample from, which later lessons rely on.
"""

from dataclasses import dataclass
from typing import Protocol

from policywerk.math.checks import is_whole
from policywerk.math.random import Rng


@dataclass(frozen=True)
class Transition:
    """One possible outcome of taking an action: with ``probability`` we land in ``next_state``."""

    probability: float
    next_state: int
    reward: float


@dataclass(frozen=True)
class Discrete:
    """A finite space ``{0, 1, ..., n-1}``, as Gymnasium's ``spaces.Discrete``."""

    n: int

    def contains(self, x: object) -> bool:
        return is_whole(x) and 0 <= x < self.n


@dataclass(frozen=True)
class Box:
    """A closed interval of real numbers ``[low, high]``, as Gymnasium's one-dimensional
    ``spaces.Box``."""

    low: float
    high: float

    def contains(self, x: object) -> bool:
        is_number = isinstance(x, (int, float)) and not isinstance(x, bool)
        return is_number and self.low <= x <= self.high


def check_max_steps(max_steps: int | None) -> int | None:
    """An episode's step limit: a positive int, or None for no limit."""
    if max_steps is not None and (not is_whole(max_steps) or max_steps < 1):
        raise ValueError(f"max_steps must be a positive int or None, got {max_steps!r}")
    return max_steps


class MDP(Protocol):
    """The model dynamic programming needs. Terminal states have no outgoing transitions."""

    n_states: int
    n_actions: int

    @property
    def states(self) -> list[int]: ...

    def transitions(self, state: int, action: int) -> list[Transition]: ...

    def is_terminal(self, state: int) -> bool: ...


class ModelEnv:
    """Sample a known model one step at a time: ``reset() -> (obs, info)``,
    ``step(a) -> (obs, reward, terminated, truncated, info)``."""

    def __init__(self, mdp: MDP, start: int, max_steps: int | None = None) -> None:
        if start not in mdp.states or mdp.is_terminal(start):
            raise ValueError(f"start must be a non-terminal state, got {start}")
        self.mdp = mdp
        self.start = start
        self.max_steps = check_max_steps(max_steps)
        self.observation_space = Discrete(mdp.n_states)
        self.action_space = Discrete(mdp.n_actions)
        self._rng: Rng | None = None
        self._state: int | None = None
        self._steps = 0

    def reset(self, seed: int | None = None) -> tuple[int, dict]:
        if seed is not None or self._rng is None:
            self._rng = Rng(0 if seed is None else seed)
        self._state = self.start
        self._steps = 0
        return self._state, {}

    def step(self, action: int) -> tuple[int, float, bool, bool, dict]:
        if self._state is None:
            raise RuntimeError("call reset() before step()")
        if self.mdp.is_terminal(self._state):
            raise RuntimeError("the episode has ended; call reset() to start a new one")
        if not self.action_space.contains(action):
            raise ValueError(f"action must be an int in 0..{self.mdp.n_actions - 1}, "
                             f"got {action!r}")
        outcomes = self.mdp.transitions(self._state, action)
        pick = outcomes[self._rng.choice_weighted([t.probability for t in outcomes])]
        self._state = pick.next_state
        self._steps += 1
        terminated = self.mdp.is_terminal(self._state)
        truncated = not terminated and self.max_steps is not None and self._steps >= self.max_steps
        return self._state, pick.reward, terminated, truncated, {"probability": pick.probability}
