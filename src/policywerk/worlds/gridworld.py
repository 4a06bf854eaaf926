"""A small gridworld drawn from strings, with a goal, a pit, walls and an optional slip.

    .  floor        #  wall (not a state; bumping into it leaves you in place)
    S  start        G  goal (terminal)        P  pit (terminal)

States are numbered ``row * cols + col`` with row 0 at the top; wall cells keep their number but are
not in ``states``. Actions are 0 up, 1 right, 2 down, 3 left. With probability ``slip`` the move
goes sideways instead (half to each side of the intended one), so the model is genuinely stochastic.
The reward is for the cell you enter: ``goal_reward``, ``pit_reward`` or ``step_reward``; a move that
bumps into the edge or a wall pays ``bump_reward`` instead, if one is given.

A ``Jump`` turns a cell into a springboard: every action taken there moves the agent to another cell
with a reward of its own, whatever the slip (Sutton & Barto's Example 3.5, whose cells A and B send
the agent to A' and B' with +10 and +5).
"""

from dataclasses import dataclass, field
from typing import NamedTuple

from policywerk.rl.mdp import Discrete, ModelEnv, Transition

ACTIONS = ("up", "right", "down", "left")
ARROWS = ("↑", "→", "↓", "←")
MOVES = ((-1, 0), (0, 1), (1, 0), (0, -1))

BELLMAN_LAYOUT = (
    ".....",
    ".##..",
    "...PG",
    ".....",
    "S....",
)


class Jump(NamedTuple):
    """Every action in cell ``source`` lands in ``target`` and pays ``reward``."""

    source: int
    target: int
    reward: float


@dataclass(frozen=True)
class GridWorld:
    layout: tuple[str, ...] = BELLMAN_LAYOUT
    slip: float = 0.0
    goal_reward: float = 1.0
    pit_reward: float = -1.0
    step_reward: float = 0.0
    bump_reward: float | None = None  # None: a bump pays what staying in the cell pays
    jumps: tuple[Jump, ...] = ()
    _cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.layout or len({len(row) for row in self.layout}) != 1 or not self.layout[0]:
            raise ValueError("layout must be a non-empty tuple of equal-length, non-empty strings")
        unknown = set("".join(self.layout)) - set(".#SGP")
        if unknown:
            raise ValueError(f"layout has unknown cells {sorted(unknown)}; allowed are . # S G P")
        if not 0.0 <= self.slip < 1.0:
            raise ValueError(f"slip must be in [0, 1), got {self.slip}")
        rows, cols = len(self.layout), len(self.layout[0])
        derived = {"rows": rows, "cols": cols, "n_states": rows * cols, "n_actions": len(ACTIONS),
                   "observation_space": Discrete(rows * cols),
                   "action_space": Discrete(len(ACTIONS))}
        for name, value in derived.items():  # a frozen dataclass: set once, here
            object.__setattr__(self, name, value)
        starts = self.cells("S") or [s for s in self.states if not self.is_terminal(s)]
        if not starts:
            raise ValueError("layout has no cell to start from (no S and no free floor)")
        object.__setattr__(self, "start", starts[0])
        for jump in self.jumps:
            ends = (jump.source, jump.target)
            if not all(self.observation_space.contains(c) and self.kind(c) in ".S" for c in ends):
                raise ValueError(f"a jump must go from a floor cell to a floor cell, got {jump}")
        if len({jump.source for jump in self.jumps}) != len(self.jumps):
            raise ValueError("a cell can be the source of one jump at most")

    # --- reading the layout -----------------------------------------------------------------------
    def kind(self, state: int) -> str:
        row, col = divmod(state, self.cols)
        return self.layout[row][col]

    def cells(self, kind: str) -> list[int]:
        return [s for s in range(self.n_states) if self.kind(s) == kind]

    @property
    def states(self) -> list[int]:
        return [s for s in range(self.n_states) if self.kind(s) != "#"]

    def is_terminal(self, state: int) -> bool:
        return self.kind(state) in "GP"

    # --- the model --------------------------------------------------------------------------------
    def move(self, state: int, action: int) -> int:
        """Where a move lands if it does not slip: off the grid or into a wall means staying put."""
        row, col = divmod(state, self.cols)
        d_row, d_col = MOVES[action]
        r, c = row + d_row, col + d_col
        if not (0 <= r < self.rows and 0 <= c < self.cols) or self.layout[r][c] == "#":
            return state
        return r * self.cols + c

    def reward(self, next_state: int) -> float:
        kind = self.kind(next_state)
        if kind == "G":
            return self.goal_reward
        return self.pit_reward if kind == "P" else self.step_reward

    def transitions(self, state: int, action: int) -> list[Transition]:
        """Every outcome of ``action`` in ``state``, outcomes landing in the same cell merged."""
        if not self.action_space.contains(action):
            raise ValueError(f"action must be an int in 0..{self.n_actions - 1}, got {action!r}")
        if not self.observation_space.contains(state):
            raise ValueError(f"state must be an int in 0..{self.n_states - 1}, got {state!r}")
        key = (state, action)
        if key not in self._cache:
            self._cache[key] = self._outcomes(state, action)
        return self._cache[key]

    def _outcomes(self, state: int, action: int) -> list[Transition]:
        if self.kind(state) == "#":
            raise ValueError(f"state {state} is a wall, not a state")
        if self.is_terminal(state):
            return []
        for jump in self.jumps:
            if jump.source == state:
                return [Transition(1.0, jump.target, jump.reward)]
        sideways = ((action + 1) % 4, (action + 3) % 4)
        probs: dict[int, float] = {}
        half = self.slip / 2
        for a, p in ((action, 1.0 - self.slip), (sideways[0], half), (sideways[1], half)):
            if p > 0.0:
                s2 = self.move(state, a)
                probs[s2] = probs.get(s2, 0.0) + p
        return [Transition(p, s2, self._reward(state, s2)) for s2, p in probs.items()]

    def _reward(self, state: int, next_state: int) -> float:
        """A move that stays put bumped into the edge or a wall (no floor cell leads to itself)."""
        if next_state == state and self.bump_reward is not None:
            return self.bump_reward
        return self.reward(next_state)

    def env(self, max_steps: int | None = 100) -> ModelEnv:
        """The same world as an environment to sample: ``reset`` / ``step``."""
        return ModelEnv(self, self.start, max_steps)

    def to_text(self, values: list[float] | None = None, policy: list[int] | None = None) -> str:
        """The grid as text: the layout, or each cell's value and greedy arrow."""
        lines = []
        for row in range(self.rows):
            cells = []
            for col in range(self.cols):
                s = row * self.cols + col
                kind = self.kind(s)
                if values is None or kind == "#" or self.is_terminal(s):
                    label = {"#": "###", "G": "goal", "P": "pit", "S": "S", ".": "."}[kind]
                    cells.append(label.center(8 if values is not None else 4))
                else:
                    arrow = ARROWS[policy[s]] if policy is not None else " "
                    cells.append(f"{values[s]:+.3f}{arrow}".rjust(8))
            lines.append(" ".join(cells).rstrip())
        return "\n".join(lines)
