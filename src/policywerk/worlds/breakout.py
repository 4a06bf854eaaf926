"""A miniature Breakout whose observation is the screen itself: a few dozen pixels, each 0 or 1.

The screen is ``width`` x ``height`` pixels. The top rows (after one empty row) hold bricks; a
paddle ``paddle`` pixels wide runs along the bottom row; a one-pixel ball moves one pixel diagonally
per step. The ball bounces off the side walls and the ceiling; a brick it runs into disappears,
pays +1 and sends it back; the paddle sends it back up, to the left if it lands on the paddle's left
end, to the right on the right end, and straight on in the middle. If the ball reaches the bottom
row where the paddle is not, the episode ends. Clearing every brick brings a new wall.
``max_steps`` truncates an episode.

Actions: 0 stay, 1 move the paddle left, 2 move it right (Gymnasium's Atari Breakout has NOOP, FIRE,
RIGHT, LEFT; there is no serve to fire here). A single frame does not show which way the ball is
going, so the observation stacks the last ``frames`` screens (DQN stacked four), each flattened
row by row.
"""

from dataclasses import dataclass

from policywerk.math.checks import whole
from policywerk.math.random import Rng
from policywerk.rl.mdp import Discrete, check_max_steps

STAY, LEFT, RIGHT = 0, 1, 2


@dataclass(frozen=True)
class Layout:
    width: int = 8
    height: int = 10
    brick_rows: int = 2
    paddle: int = 3

    def __post_init__(self) -> None:
        if (self.width < self.paddle + 2 or self.height < self.brick_rows + 5 or self.brick_rows < 1
                or self.paddle < 1):
            raise ValueError("a layout needs room for the bricks, the ball and the paddle, "
                             f"got {self}")


class Breakout:
    """Gymnasium-style: ``reset(seed) -> (obs, info)``,
    ``step(a) -> (obs, reward, terminated, truncated, info)``."""

    def __init__(self, layout: Layout = Layout(), frames: int = 2, max_steps: int | None = 400):
        self.layout, self.frames = layout, whole(frames, "frames", least=1)
        self.max_steps = check_max_steps(max_steps)
        self.pixels = layout.width * layout.height
        # Every pixel is 0 or 1 (a size, not used).
        self.observation_space = Discrete(2 ** (self.pixels * frames))
        self.action_space = Discrete(3)
        self.obs_size = self.pixels * frames
        self._rng: Rng | None = None
        self.ball: tuple[int, int] | None = None
        self.steps = 0

    # --- the game ---------------------------------------------------------------------------------
    def _new_wall(self) -> None:
        w = self.layout.width
        rows = range(1, 1 + self.layout.brick_rows)
        self.bricks = {(row, col) for row in rows for col in range(w)}

    def reset(self, seed: int | None = None) -> tuple[list[float], dict]:
        if seed is not None or self._rng is None:
            self._rng = Rng(0 if seed is None else seed)
        lay = self.layout
        self._new_wall()
        self.paddle_x = (lay.width - lay.paddle) // 2  # the paddle's leftmost pixel
        self.ball = (lay.height - 3, self._rng.randrange(1, lay.width - 1))  # row, col
        self.velocity = (-1, self._rng.choice((-1, 1)))  # moving up, left or right
        self.steps, self.score, self.done = 0, 0, False
        screen = self.screen()
        self._history = [screen] * self.frames
        return self._observation(), {"score": 0}

    def step(self, action: int) -> tuple[list[float], float, bool, bool, dict]:
        if self.ball is None:
            raise RuntimeError("call reset() before step()")
        if self.done:
            raise RuntimeError("the episode has ended; call reset() to start a new one")
        if not self.action_space.contains(action):
            raise ValueError(f"action must be 0 (stay), 1 (left) or 2 (right), got {action!r}")
        lay = self.layout
        if action == LEFT:
            self.paddle_x = max(0, self.paddle_x - 1)
        elif action == RIGHT:
            self.paddle_x = min(lay.width - lay.paddle, self.paddle_x + 1)
        reward, terminated = self._move_ball()
        self.steps += 1
        self.score += reward
        truncated = not terminated and self.max_steps is not None and self.steps >= self.max_steps
        self.done = terminated or truncated
        self._history = self._history[1:] + [self.screen()]
        return self._observation(), reward, terminated, truncated, {"score": self.score}

    def _move_ball(self) -> tuple[float, bool]:
        lay = self.layout
        (row, col), (d_row, d_col) = self.ball, self.velocity
        if not 0 <= col + d_col < lay.width:  # a side wall
            d_col = -d_col
        if row + d_row < 0:  # the ceiling
            d_row = 1
        reward = 0.0
        target = (row + d_row, col + d_col)
        if target in self.bricks:  # hit a brick: it breaks, the ball turns back
            self.bricks.discard(target)
            reward = 1.0
            d_row = -d_row
            if not self.bricks:
                self._new_wall()
            target = (row + d_row, col + d_col)
            if not 0 <= target[0] < lay.height:
                target = (row, col + d_col)
        if target[0] == lay.height - 1:  # the paddle's row
            offset = target[1] - self.paddle_x
            if 0 <= offset < lay.paddle:  # caught: back up, steered by where it landed
                d_row = -1
                d_col = -1 if offset == 0 else 1 if offset == lay.paddle - 1 else d_col
                if not 0 <= col + d_col < lay.width:
                    d_col = -d_col
                target = (row + d_row, col + d_col)
            else:
                self.ball, self.velocity = target, (d_row, d_col)
                return reward, True
        self.ball, self.velocity = target, (d_row, d_col)
        return reward, False

    # --- what the agent sees ----------------------------------------------------------------------
    def screen(self) -> list[float]:
        """The current frame, row by row: bricks, ball and paddle are 1, the rest 0."""
        lay = self.layout
        pixels = [0.0] * self.pixels
        for row, col in self.bricks:
            pixels[row * lay.width + col] = 1.0
        for col in range(self.paddle_x, self.paddle_x + lay.paddle):
            pixels[(lay.height - 1) * lay.width + col] = 1.0
        row, col = self.ball
        if 0 <= row < lay.height:
            pixels[row * lay.width + col] = 1.0
        return pixels

    def _observation(self) -> list[float]:
        return [p for frame in self._history for p in frame]
