"""Lesson 05's pictures: the pixel game as the network sees it, its Q-values, and the learning
curves; and the summaries the page shows beside them."""

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.ticker import MaxNLocator, NullFormatter

from policywerk.agents.dqn import Config, Frame, Run, play
from policywerk.math.vectors import moving_average
from policywerk.nn.layers import Sequential
from policywerk.session import rendering
from policywerk.show import Animation
from policywerk.viz.frames import FrameInfo
from policywerk.viz.panes import footer, save_animation, save_png, three_panes
from policywerk.viz.style import (
    BLUE,
    GRID,
    INK,
    MUTED,
    ORANGE,
    PAPER,
    VERMILION,
    house_style,
    new_figure,
)
from policywerk.worlds.breakout import Breakout, Layout

ACTIONS = ("stay", "left", "right")
# Pixel kinds: 0 empty, 1 brick, 2 paddle, 3 ball. The network sees only 0 and 1; colour is for
# the reader.
SCREEN_CMAP = ListedColormap(["#f6f8fa", ORANGE, BLUE, INK])


@dataclass
class Game:
    """One recorded game of a network, and how long that network had trained."""

    label: str  # what the animation calls it ("early", "trained")
    step: int  # environment steps of training behind the network that plays
    frames: list[Frame]


def screens_text(obs: list[float], width: int, height: int) -> str:
    """The two stacked screens of an observation side by side, # for a lit pixel."""

    def line(screen: int, row: int) -> str:
        start = screen * width * height + row * width
        return "".join("#" if obs[start + c] else "." for c in range(width))

    rows = [f"{line(0, r)}    {line(1, r)}" for r in range(height)]
    return "\n".join(["previous  current", *rows])


def favourite_share(net: Sequential, layout: Layout, games: int = 5) -> float:
    """How often the network's greedy play presses its most used key, over a few games."""
    counts = [0, 0, 0]
    for g in range(games):
        for frame in play(net, Breakout(layout), seed=500 + g, epsilon=0.0)[:-1]:
            counts[frame.action] += 1
    return max(counts) / sum(counts)


def block_means(run: Run, blocks: range) -> list[str]:
    """The mean score of the training episodes that ended in each block of steps (each block starts
    at an element of ``blocks`` and is ``blocks.step`` long), for a table; — where none ended."""
    means = []
    for start in blocks:
        inside = [s for s, end in zip(run.scores, run.ends) if start < end <= start + blocks.step]
        means.append(f"{statistics.mean(inside):.2f}" if inside else "—")
    return means


def trace_rows(run: Run, c: Config, games: list[Game], steps: Sequence[int]) -> list[list]:
    """The curves pane in numbers after each of ``steps``: training episodes ended so far, the mean
    score of the last 20 of them, the mean loss of the last 50 updates, and the game the animation
    shows of a network trained that long."""
    rows = []
    for step in steps:
        scores = [score for score, end in zip(run.scores, run.ends) if end <= step]
        updates = min(len(run.losses), max(0, (step - c.learning_starts) // c.train_every + 1))
        score = f"{statistics.mean(scores[-20:]):.2f}" if scores else ""
        loss = f"{statistics.mean(run.losses[:updates][-50:]):.2e}" if updates else ""
        shown = next((game.label for game in games if game.step == step), "")
        rows.append([f"{step:,}", len(scores), score, loss, shown])
    return rows


def coloured(frame: Frame, width: int, height: int) -> list[list[int]]:
    """The screen as pixel kinds, row by row."""
    grid = [[int(frame.screen[r * width + c]) for c in range(width)] for r in range(height)]
    for c in range(width):
        grid[height - 1][c] *= 2  # the bottom row holds the paddle
    row, col = frame.ball
    if 0 <= row < height:
        grid[row][col] = 3
    return grid


class ScreenPane:
    def __init__(self, ax: Axes, width: int, height: int):
        self.width, self.height = width, height
        self.image = ax.imshow([[0] * width for _ in range(height)], cmap=SCREEN_CMAP, vmin=0,
                               vmax=3, interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_visible(False)
        for k in range(width + 1):
            ax.axvline(k - 0.5, color=PAPER, lw=1)
        for k in range(height + 1):
            ax.axhline(k - 0.5, color=PAPER, lw=1)
        self.status = ax.set_title("")
        self.artists = [self.image, self.status]

    def update(self, frame: Frame, title: str) -> None:
        self.image.set_data(coloured(frame, self.width, self.height))
        self.status.set_text(title)


class QPane:
    """The network's three Q-values for the current screen; the action taken is highlighted."""

    def __init__(self, ax: Axes, low: float, high: float):
        self.bars = ax.bar(range(3), [0.0] * 3, color=GRID, width=0.6)
        ax.set_xticks(range(3), ACTIONS)
        ax.set_ylim(low, high)
        ax.axhline(0, color=MUTED, lw=0.8)
        ax.set_title("Q(s, a), the action taken in blue")
        self.labels = [ax.text(a, high * 0.97, "", ha="center", va="top", fontsize=10,
                               family="DejaVu Sans Mono") for a in range(3)]
        self.artists = [*self.bars, *self.labels]

    def update(self, frame: Frame) -> None:
        for a, (bar, label) in enumerate(zip(self.bars, self.labels)):
            bar.set_height(frame.q[a])
            bar.set_color(BLUE if a == frame.action else GRID)
            label.set_text(f"{frame.q[a]:+.2f}")


class CurvesPane:
    """Training score per episode (moving mean) against steps, and the loss below it."""

    def __init__(self, ax: Axes, run: Run, c: Config, window: int):
        ax.axis("off")
        top = ax.inset_axes((0.0, 0.47, 0.94, 0.45))
        bottom = ax.inset_axes((0.0, 0.0, 0.94, 0.32))
        self.ends, self.smoothed = run.ends, moving_average(run.scores, window)
        top.plot(self.ends, self.smoothed, color=BLUE, lw=1.8)
        top.set_title(f"score per training episode ({window}-episode mean)", fontsize=10)
        top.set_xticklabels([])
        update_steps = [c.learning_starts + c.train_every * k for k in range(len(run.losses))]
        bottom.semilogy(update_steps, moving_average(run.losses, 50), color=VERMILION, lw=1.4)
        bottom.yaxis.set_minor_formatter(NullFormatter())
        bottom.set_title("Huber loss per update (50-update mean)", fontsize=10)
        bottom.set_xlabel("environment steps")
        for axes in (top, bottom):
            axes.set_xlim(0, max(self.ends[-1], update_steps[-1] if update_steps else 1))
            axes.xaxis.set_major_locator(MaxNLocator(4))
        (self.marker,) = top.plot([], [], "o", color=INK, ms=9, zorder=5)
        self.artists = [self.marker]

    def update(self, step: int) -> None:
        """Mark the training curve where the playing network was taken."""
        k = max((i for i, end in enumerate(self.ends) if end <= step), default=0)
        self.marker.set_data([step], [self.smoothed[k]])


@rendering
def play_animation(games: list[Game], run: Run, c: Config, width: int, height: int, name: str,
                   alt: str, window: int = 20) -> Animation:
    """The recorded games one after another: each frame shows the screen, the Q-values of that
    screen, and where in training the playing network came from."""
    plan = [(game, k) for game in games for k in range(len(game.frames))]
    low = min(min(f.q) for game in games for f in game.frames)
    high = max(max(f.q) for game in games for f in game.frames)
    pad = 0.1 * (high - low + 1e-9)
    panes = three_panes("DQN learns Breakout from pixels  ·  the screen, its Q-values, the "
                        "training curves", height_px=460, widths=(0.8, 1.0, 1.2))
    with house_style():
        screen = ScreenPane(panes.env, width, height)
        q = QPane(panes.internals, min(0.0, low - pad), high + pad)
        curves = CurvesPane(panes.trace, run, c, window)
    counter = footer(panes.fig, "", left=True)

    def draw(i: int) -> FrameInfo:
        game, k = plan[i]
        frame = game.frames[k]
        over = k == len(game.frames) - 1
        missed = over and frame.action < 0 and len(game.frames) < 400
        status = f"{game.label}: score {frame.score:g}" + ("  (missed)" if missed else "")
        screen.update(frame, status)
        q.update(frame)
        curves.update(game.step)
        counter.set_text(f"{game.label}, step {k} of the game; the network as it was after "
                         f"{game.step:,} training steps")
        return FrameInfo(f"{game.label} network (after {game.step:,} training steps), step {k} of "
                         f"{len(game.frames) - 1} of its game",
                         game.step, {"score": frame.score, "largest Q": max(frame.q)})

    durations = [900 if k == len(game.frames) - 1 else 120 for game, k in plan]
    return save_animation(panes, len(plan), draw, name, alt, durations_ms=durations,
                          dynamic=[*screen.artists, *q.artists, *curves.artists, counter])


@rendering
def learning_figure(runs: dict[str, list[Run]], random_score: float, window: int, name: str,
                    alt: str) -> None:
    """Training score against steps for each variant and seed, with the random policy's score."""
    colours = (BLUE, VERMILION, ORANGE)
    with house_style():
        fig = new_figure(380, 900)
        ax = fig.add_axes((0.07, 0.14, 0.62, 0.76))
        for (label, seeds), colour in zip(runs.items(), colours):
            for k, run in enumerate(seeds):  # from the first full window on
                smoothed = moving_average(run.scores, window)
                ax.plot(run.ends[window - 1:], smoothed[window - 1:], color=colour, lw=1.3,
                        alpha=0.9, label=label if k == 0 else None)
        ax.axhline(random_score, color=MUTED, ls="--", lw=1.2, label="random policy")
        ax.set_xlabel("environment steps")
        ax.set_ylabel(f"score per episode ({window}-episode mean)")
        ax.set_title("Training on the same seeds: DQN, and without replay or target network")
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=9.5)
    save_png(fig, name, alt)
