"""A block that must reach a target, seen only as a 10 x 10 image: lesson 07's world.

The agent lives on a ``cells`` x ``cells`` lattice (8 x 8) and is drawn as a solid
``size`` x ``size`` block (3 x 3) whose top-left pixel is its cell, so the frame is
``cells + size - 1`` pixels a side (10 x 10) and a one-cell move shifts the block by one pixel.
Neighbouring positions share most of their pixels; a model that puts the block one cell off is
mostly right, which is what lets a small network learn to draw it. The target is the hollow outline
of a block (its 8 border pixels); on the target, the agent fills it. The frame is flattened row by
row, 0s and 1s.

Actions: 0 stay, 1 up, 2 down, 3 left, 4 right; a move into the edge stays. A move slips with
probability ``slip`` and the agent stays where it was, so the next frame is not a fixed function of
this one and the action: there is something for a model to be unsure about.

Every step earns ``falloff ** d``, where d is the number of moves between the agent and the target:
1 on the target, 1/2 next to it, 1/4 two moves away, and so on (``falloff`` 0 pays on the target
only). The best policy goes there by the shortest path and stays. An episode always lasts
``max_steps`` steps (it is truncated, never terminated). The agent starts on a random cell other
than the target; the target is fixed if given, else drawn at random for each episode.
"""

from policywerk.math.checks import is_whole, whole
from policywerk.math.random import Rng
from policywerk.rl.mdp import Discrete, check_max_steps

STAY, UP, DOWN, LEFT, RIGHT = range(5)
MOVES = ((0, 0), (-1, 0), (1, 0), (0, -1), (0, 1))  # (row, column) change of each action
ACTION_NAMES = ("stay", "up", "down", "left", "right")


class Reach:
    """Gymnasium-style: ``reset(seed) -> (obs, info)``,
    ``step(a) -> (obs, reward, terminated, truncated, info)``."""

    def __init__(self, cells: int = 8, size: int = 3, slip: float = 0.1, max_steps: int | None = 20,
                 target: tuple[int, int] | None = None, falloff: float = 0.5):
        whole(cells, "cells", least=2)
        whole(size, "size", least=3)
        if not 0.0 <= slip < 1.0:  # also rejects nan
            raise ValueError(f"slip must be a probability in [0, 1), got {slip!r}")
        if not 0.0 <= falloff < 1.0:
            raise ValueError(f"falloff must be in [0, 1), got {falloff!r}")
        if target is not None and not (len(target) == 2 and all(
                is_whole(v) and 0 <= v < cells for v in target)):
            raise ValueError(f"target must be a (row, column) cell of the {cells} x {cells} "
                             f"lattice, got {target!r}")
        self.cells, self.size, self.slip, self.falloff = cells, size, slip, falloff
        self.fixed_target = target
        self.max_steps = check_max_steps(max_steps)
        self.side = cells + size - 1  # pixels per row of the frame
        self.obs_size = self.side * self.side
        self.action_space = Discrete(len(MOVES))
        # Every pixel is 0 or 1 (a size, not used).
        self.observation_space = Discrete(2 ** self.obs_size)
        self.agent: tuple[int, int] | None = None
        self.target: tuple[int, int] | None = None
        self.steps = 0
        self._rng: Rng | None = None

    def reset(self, seed: int | None = None) -> tuple[list[float], dict]:
        if seed is not None or self._rng is None:
            self._rng = Rng(0 if seed is None else seed)
        n = self.cells
        if self.fixed_target is None:
            first, second = self._rng.sample(range(n * n), 2)
            self.agent, self.target = divmod(first, n), divmod(second, n)
        else:
            self.target = self.fixed_target
            cells = [divmod(k, n) for k in range(n * n) if divmod(k, n) != self.target]
            self.agent = cells[self._rng.randrange(len(cells))]
        self.steps = 0
        return self.frame(), {}

    def step(self, action: int) -> tuple[list[float], float, bool, bool, dict]:
        if self.agent is None:
            raise RuntimeError("call reset() before step()")
        if self.max_steps is not None and self.steps >= self.max_steps:
            raise RuntimeError("the episode is over; call reset() to start a new one")
        if not self.action_space.contains(action):
            raise ValueError("action must be an int in 0..4 (stay, up, down, left, right), "
                             f"got {action!r}")
        slipped = action != STAY and self._rng.random() < self.slip
        if not slipped:
            dr, dc = MOVES[action]
            row, col = self.agent
            last = self.cells - 1
            self.agent = (min(max(row + dr, 0), last), min(max(col + dc, 0), last))
        self.steps += 1
        reward = self.falloff ** self.distance()
        truncated = self.max_steps is not None and self.steps >= self.max_steps
        return self.frame(), reward, False, truncated, {"slipped": slipped}

    def distance(self) -> int:
        """Moves between the agent and the target (on the lattice, the Manhattan distance)."""
        return abs(self.agent[0] - self.target[0]) + abs(self.agent[1] - self.target[1])

    def frame(self) -> list[float]:
        """The image, row by row: the target's outline, then the agent's solid block over it."""
        return draw(self.agent, self.target, self.cells, self.size)


def draw(agent: tuple[int, int], target: tuple[int, int],
         cells: int = 8, size: int = 3) -> list[float]:
    """The frame showing ``agent`` and ``target`` (each a cell) on a lattice of ``cells``."""
    side = cells + size - 1
    pixels = [0.0] * (side * side)
    row, col = target
    for i in range(size):
        for j in range(size):
            if i in (0, size - 1) or j in (0, size - 1):
                pixels[(row + i) * side + col + j] = 1.0
    row, col = agent
    for i in range(size):
        for j in range(size):
            pixels[(row + i) * side + col + j] = 1.0
    return pixels
