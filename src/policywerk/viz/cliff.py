"""Lesson 04's pictures: the cliff world with greedy arrows and a path, one cell's action values, rewards."""

from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from policywerk.agents.td_control import Episode
from policywerk.math.vectors import argmax, moving_average
from policywerk.session import rendering
from policywerk.show import Animation
from policywerk.viz.frames import FrameInfo
from policywerk.viz.panes import footer, save_animation, save_png, three_panes
from policywerk.viz.style import (
    BLUE,
    GREEN,
    GRID,
    INK,
    MUTED,
    ORANGE,
    PAPER,
    PURPLE,
    SKY,
    VERMILION,
    house_style,
    new_figure,
)
from policywerk.worlds.cliff import ARROWS, CLIFF, COLS, GOAL, ROWS, START

METHOD_COLOURS = (BLUE, VERMILION, ORANGE, GREEN, PURPLE, SKY)  # a method a reader adds gets the next

CLIFF_COLOUR = "#57606a"


class CliffPane:
    """The 4 x 12 grid: the cliff dark, start and goal marked, a greedy arrow per cell, a path on top."""

    def __init__(self, ax: Axes, title: str, colour: str, focus: int | None = None):
        ax.set_xlim(-0.5, COLS - 0.5)
        ax.set_ylim(ROWS - 0.5, -0.5)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.add_patch(Rectangle((-0.5, -0.5), COLS, ROWS, color="#f6f8fa", zorder=0))
        for k in range(COLS + 1):
            ax.plot([k - 0.5] * 2, [-0.5, ROWS - 0.5], color=GRID, lw=0.8, zorder=1)
        for k in range(ROWS + 1):
            ax.plot([-0.5, COLS - 0.5], [k - 0.5] * 2, color=GRID, lw=0.8, zorder=1)
        for s in CLIFF:
            row, col = divmod(s, COLS)
            ax.add_patch(Rectangle((col - 0.5, row - 0.5), 1, 1, color=CLIFF_COLOUR, zorder=1))
        ax.text((min(CLIFF) % COLS + max(CLIFF) % COLS) / 2, ROWS - 1, "the cliff  (−100, back to start)",
                ha="center", va="center", color=PAPER, fontsize=9, zorder=2)
        for s, label in ((START, "S"), (GOAL, "G")):
            row, col = divmod(s, COLS)
            ax.text(col, row, label, ha="center", va="center", fontsize=12, fontweight="bold", color=INK, zorder=2)
        if focus is not None:
            row, col = divmod(focus, COLS)
            ax.add_patch(Rectangle((col - 0.46, row - 0.46), 0.92, 0.92, fill=False, ec=INK, lw=2.0, ls="--",
                                   zorder=3))
        self.arrows = {}
        for s in range(ROWS * COLS):
            if s not in CLIFF and s not in (START, GOAL):
                row, col = divmod(s, COLS)
                self.arrows[s] = ax.text(col, row, "", ha="center", va="center", fontsize=13, color="#424a53",
                                         zorder=2)
        (self.path,) = ax.plot([], [], color=colour, lw=2.4, alpha=0.8, zorder=4, solid_capstyle="round")
        (self.falls,) = ax.plot([], [], "x", color=VERMILION, ms=9, mew=2.5, zorder=5)
        self.title = ax.set_title(title, fontsize=10.5)
        self.artists = [*self.arrows.values(), self.path, self.falls, self.title]

    def update(self, q: list[list[float]], states: list[int], title: str) -> None:
        for s, text in self.arrows.items():
            values = q[s]
            text.set_text(ARROWS[argmax(values)] if max(values) != min(values) else "·")
        xs, ys, fell_x, fell_y = [], [], [], []
        for previous, s in zip([None, *states], states):
            if previous is not None and s == START and previous + COLS in CLIFF:  # a fall, not a walk
                fell_x.append(previous % COLS)
                fell_y.append(previous // COLS + 1)
                xs.append(float("nan"))
                ys.append(float("nan"))
            xs.append(s % COLS)
            ys.append(s // COLS)
        self.path.set_data(xs, ys)
        self.falls.set_data(fell_x, fell_y)
        self.title.set_text(title)


class QBarsPane:
    """The action values of one cell for each method, as grouped bars."""

    def __init__(self, ax: Axes, labels: tuple[str, ...], colours: tuple[str, ...], cell: int, low: float):
        self.labels = labels
        self.bars = []
        width = 0.8 / len(labels)
        for k, (label, colour) in enumerate(zip(labels, colours)):
            xs = [a + (k - (len(labels) - 1) / 2) * width for a in range(len(ARROWS))]
            self.bars.append(ax.bar(xs, [0.0] * len(ARROWS), width=width * 0.95, color=colour, label=label))
        ax.set_xticks(range(len(ARROWS)), ARROWS, fontsize=13)
        ax.set_ylim(low, 0)
        ax.axhline(0, color=MUTED, lw=0.8)
        row, col = divmod(cell, COLS)
        ax.set_title(f"Q(s, a) at the marked cell ({row}, {col})", fontsize=10.5)
        ax.legend(loc="lower left", fontsize=9)
        self.artists = [patch for bars in self.bars for patch in bars]
        self.cell = cell

    def update(self, qs: list[list[list[float]]]) -> None:
        for bars, q in zip(self.bars, qs):
            for patch, value in zip(bars, q[self.cell]):
                patch.set_height(value)


class RewardPane:
    """Reward per episode, smoothed: the average over many runs (thin) and this run (revealed)."""

    def __init__(self, ax: Axes, averages: dict[str, list[float]], runs: dict[str, list[float]],
                 colours: tuple[str, ...], window: int):
        self.runs = runs
        self.lines = []
        for curve, colour in zip(averages.values(), colours):
            ax.plot(range(1, len(curve) + 1), curve, color=colour, lw=1.2, alpha=0.5)
        for label, colour in zip(runs, colours):
            (line,) = ax.plot([], [], color=colour, lw=2.0, label=label)
            self.lines.append(line)
        ax.set_xlim(0, max(len(c) for c in runs.values()))
        ax.set_yscale("symlog", linthresh=100)  # linear from -100 to 0, logarithmic below
        ax.set_ylim(-3000, 0)
        ax.set_yticks([-1000, -100, -50, 0], ["-1000", "-100", "-50", "0"])
        ax.set_xlabel("episode")
        ax.set_title(f"Reward, {window}-episode mean", fontsize=10.5)
        self.artists = list(self.lines)

    def update(self, episode: int) -> None:
        for line, curve in zip(self.lines, self.runs.values()):
            line.set_data(range(1, episode + 1), curve[:episode])


@rendering
def cliff_animation(histories: dict[str, list[Episode]], averages: dict[str, list[float]], cell: int,
                    frames: list[int], window: int, name: str, alt: str) -> Animation:
    """One frame per chosen episode: each method's greedy arrows and that episode's path, the marked
    cell's action values, and the smoothed reward per episode."""
    labels = tuple(histories)
    colours = (BLUE, VERMILION, ORANGE)[:len(labels)]
    panes = three_panes("Q-learning and SARSA on the cliff  ·  ε = 0.1, α = 0.5", height_px=460,
                        widths=(1.5, 0.95, 0.95))
    with house_style():
        panes.env.axis("off")
        grids = [CliffPane(panes.env.inset_axes((0.0, 0.53 - 0.53 * k, 1.0, 0.45)), label, colour, focus=cell)
                 for k, (label, colour) in enumerate(zip(labels, colours))]
        low = min(min(h[-1].q[cell]) for h in histories.values())
        bars = QBarsPane(panes.internals, labels, colours, cell, low=min(-20.0, 1.15 * low))
        smoothed = {label: moving_average([e.reward for e in h], window) for label, h in histories.items()}
        rewards = RewardPane(panes.trace, averages, smoothed, colours, window)
    counter = footer(panes.fig, "", left=True)

    def draw(i: int) -> FrameInfo:
        k = frames[i]
        for grid, (label, history) in zip(grids, histories.items()):
            episode = history[k - 1]
            grid.update(episode.q, episode.states, f"{label} · episode {k} · reward {episode.reward:g}")
        bars.update([history[k - 1].q for history in histories.values()])
        rewards.update(k)
        counter.set_text(f"episode {k} of {len(next(iter(histories.values())))}; the line is that episode's "
                         f"path, exploration and falls included")
        return FrameInfo(f"episode {k} of {len(next(iter(histories.values())))}", k,
                     {f"{label} {window}-episode mean reward": smoothed[label][k - 1] for label in labels})

    return save_animation(panes, len(frames), draw, name, alt, frame_ms=250,
                   dynamic=[*[a for g in grids for a in g.artists], *bars.artists, *rewards.artists, counter])


@rendering
def paths_figure(panels: list[tuple[str, list[list[float]], list[int]]], name: str, alt: str) -> None:
    """Greedy arrows and the greedy path from the start, one grid per method."""
    colours = METHOD_COLOURS
    with house_style():
        fig = new_figure(230)
        for k, (title, q, path) in enumerate(panels):
            ax = fig.add_axes((0.01 + k / len(panels), 0.02, 1 / len(panels) - 0.02, 0.78))
            grid = CliffPane(ax, title, colours[k % len(colours)])
            grid.update(q, path, title)
    save_png(fig, name, alt)


@rendering
def reward_figure(averages: dict[str, list[float]], single: dict[str, list[float]], runs: int, window: int,
                  name: str, alt: str, bands: dict[str, list[float]] | None = None) -> None:
    """The textbook's figure: the sum of rewards per episode averaged over runs, and one run beside it;
    ``bands`` shades each average ± its half-width (a 95% interval, say)."""
    if len(averages) > len(METHOD_COLOURS):
        raise ValueError(f"the figure has colours for {len(METHOD_COLOURS)} methods, got {len(averages)}")
    colours = METHOD_COLOURS
    with house_style():
        fig = new_figure(380)
        for k, (title, curves) in enumerate(((f"Averaged over {runs} runs, {window}-episode mean", averages),
                                             ("One run, every episode", single))):
            ax = fig.add_axes((0.07 + 0.48 * k, 0.14, 0.42, 0.74))
            for (label, curve), colour in zip(curves.items(), colours):
                episodes = range(1, len(curve) + 1)
                ax.plot(episodes, curve, color=colour, lw=1.6 if k == 0 else 0.9, label=label)
                if k == 0 and bands and label in bands:
                    ax.fill_between(episodes, [c - b for c, b in zip(curve, bands[label])],
                                    [c + b for c, b in zip(curve, bands[label])], color=colour, alpha=0.2, lw=0)
            if k == 0:
                ax.set_ylim(-100, 0)
            else:  # the first episodes cost over a thousand: linear down to -100, logarithmic below
                ax.set_yscale("symlog", linthresh=100)
                ax.set_ylim(min(min(c) for c in curves.values()) * 1.3, 0)
                ax.set_yticks([-1000, -100, -50, 0], ["-1000", "-100", "-50", "0"])
            ax.set_xlabel("episode")
            ax.set_title(title)
            if k == 0:
                ax.set_ylabel("sum of rewards during the episode")
                ax.legend(loc="lower right", fontsize=9.5)
    save_png(fig, name, alt)
