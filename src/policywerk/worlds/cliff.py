"""The cliff world (Sutton & Barto, Example 6.6), laid out exactly as Gymnasium's ``CliffWalking``.

A 4 x 12 grid. The agent starts in the bottom-left corner and must reach the bottom-right corner;
the cells between them on the bottom row are the cliff. Every step costs -1, the step into the goal
included. Stepping into the cliff costs -100 and sends the agent back to the start, without ending
the episode. A move off the grid leaves the agent where it was.

States are ``row * 12 + col`` with row 0 at the top: the start is 36, the goal 47, the cliff 37..46.
Actions are 0 up, 1 right, 2 down, 3 left.
"""

from policywerk.math.vectors import argmax
from policywerk.rl.mdp import Discrete, check_max_steps

ROWS, COLS = 4, 12
START, GOAL = 36, 47
CLIFF = frozenset(range(37, 47))
MOVES = ((-1, 0), (0, 1), (1, 0), (0, -1))  # up, right, down, left
ARROWS = ("↑", "→", "↓", "←")
STEP_REWARD, CLIFF_REWARD = -1.0, -100.0


def move(state: int, action: int) -> tuple[int, float, bool]:
    """Where ``action`` leads from ``state``: (next state, reward, reached the goal)."""
    row, col = divmod(state, COLS)
    d_row, d_col = MOVES[action]
    row, col = min(max(row + d_row, 0), ROWS - 1), min(max(col + d_col, 0), COLS - 1)
    landed = row * COLS + col
    if landed in CLIFF:
        return START, CLIFF_REWARD, False
    return landed, STEP_REWARD, landed == GOAL


class CliffWalking:
    """Gymnasium-style: ``reset() -> (state, info)``,
    ``step(a) -> (state, reward, terminated, truncated, info)``."""

    def __init__(self, max_steps: int | None = None):
        self.max_steps = check_max_steps(max_steps)
        self.observation_space = Discrete(ROWS * COLS)
        self.action_space = Discrete(len(MOVES))
        self.state: int | None = None
        self.steps = 0

    def text_map(self) -> str:
        """The grid as text, a line per row: S the start, G the goal, C the cliff, . another cell."""
        def symbol(state: int) -> str:
            if state in (START, GOAL):
                return "S" if state == START else "G"
            return "C" if state in CLIFF else "."

        rows = range(ROWS)
        return "\n".join(" ".join(symbol(row * COLS + col) for col in range(COLS)) for row in rows)

    def reset(self, seed: int | None = None) -> tuple[int, dict]:
        # The world is deterministic; ``seed`` is accepted for the familiar signature only.
        self.state, self.steps = START, 0
        return self.state, {}

    def step(self, action: int) -> tuple[int, float, bool, bool, dict]:
        if self.state is None:
            raise RuntimeError("call reset() before step()")
        if self.state == GOAL:
            raise RuntimeError("the episode has ended; call reset() to start a new one")
        if not self.action_space.contains(action):
            raise ValueError("action must be 0 (up), 1 (right), 2 (down) or 3 (left), "
                             f"got {action!r}")
        self.state, reward, terminated = move(self.state, action)
        self.steps += 1
        truncated = not terminated and self.max_steps is not None and self.steps >= self.max_steps
        return self.state, reward, terminated, truncated, {}


def greedy_path(q: list[list[float]], limit: int = ROWS * COLS) -> list[int]:
    """The states visited by always taking the best action (ties: the first) from the start, until
    the goal, a repeated state or ``limit`` steps."""
    path, state = [START], START
    while state != GOAL and len(path) <= limit:
        state, _, _ = move(state, argmax(q[state]))
        if state in path:
            path.append(state)
            break
        path.append(state)
    return path
