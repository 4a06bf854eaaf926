"""Experience replay (Lin 1992; DQN): keep the last ``capacity`` transitions and learn from random
minibatches of them, so that consecutive, strongly correlated steps are not learned from in a row
and each experience is used many times."""

from dataclasses import dataclass

from policywerk.math.checks import whole
from policywerk.math.random import Rng


@dataclass(frozen=True)
class Transition:
    state: list[float]
    action: int
    reward: float
    next_state: list[float]
    terminal: bool  # the episode ended here (a truncation is not an end: its future still counts)


class ReplayBuffer:
    def __init__(self, capacity: int):
        self.capacity = whole(capacity, "capacity", least=1)
        self.items: list[Transition] = []
        self._next = 0  # where the next transition goes once the buffer is full (the oldest one)

    def __len__(self) -> int:
        return len(self.items)

    def add(self, transition: Transition) -> None:
        if len(self.items) < self.capacity:
            self.items.append(transition)
        else:
            self.items[self._next] = transition
        self._next = (self._next + 1) % self.capacity

    def sample(self, n: int, rng: Rng) -> list[Transition]:
        """``n`` transitions drawn uniformly, with replacement."""
        if not self.items:
            raise ValueError("cannot sample from an empty replay buffer")
        return [self.items[rng.randrange(len(self.items))] for _ in range(n)]
