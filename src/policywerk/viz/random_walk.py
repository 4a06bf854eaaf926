"""Lesson 03's pictures: value estimates against the true values, TD errors and traces, error curves."""

from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap

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
    PURPLE,
    SERIES,
    SKY,
    VERMILION,
    house_style,
    new_figure,
)
from policywerk.worlds.random_walk import RandomWalk, Step

POSITIVE = "#57606a"  # a TD error above zero (grey: blue and orange already name the two learners)
TRACE_CMAP = LinearSegmentedColormap.from_list("policywerk_trace", ["#ffffff", PURPLE], N=64)


class EstimatesPane:
    """Two learners' estimates as bars side by side per state, the true values as black ticks."""

    def __init__(self, ax: Axes, walk: RandomWalk, labels: tuple[str, str]):
        self.walk = walk
        states = walk.states
        self.bars = []
        for k, (label, colour) in enumerate(zip(labels, (BLUE, ORANGE))):
            xs = [s + (k - 0.5) * 0.36 for s in states]
            self.bars.append(ax.bar(xs, [0.5] * len(states), width=0.34, color=colour, label=label))
        for s, v in zip(states, walk.true_values()):
            ax.plot([s - 0.42, s + 0.42], [v, v], color=INK, lw=2.2, solid_capstyle="butt")
        ax.plot([], [], color=INK, lw=2.2, label="true value")
        ax.set_xticks(states, [walk.name(s) for s in states])
        ax.set_ylim(0, 1)
        ax.set_xlim(0.4, walk.n + 0.6)
        ax.set_ylabel("estimated value")
        ax.legend(loc="upper left", fontsize=9)
        self.artists = [patch for bars in self.bars for patch in bars]

    def update(self, estimates: tuple[list[float], list[float]]) -> None:
        for bars, values in zip(self.bars, estimates):
            for patch, s in zip(bars, self.walk.states):
                patch.set_height(values[s])


class EpisodePane:
    """One episode: the walk's TD errors as bars (top) and the eligibility traces of every state after
    every step as a heat map (bottom), for a TD(lambda) learner."""

    def __init__(self, ax: Axes, walk: RandomWalk, lam: float, max_steps: int):
        self.walk, self.lam, self.max_steps = walk, lam, max_steps
        ax.axis("off")
        self.top = ax.inset_axes((0.1, 0.58, 0.88, 0.34))
        self.bottom = ax.inset_axes((0.1, 0.06, 0.88, 0.36))
        self.top.set_xlim(-0.5, max_steps - 0.5)
        self.top.set_ylim(-1.0, 1.0)
        self.top.axhline(0, color=MUTED, lw=0.8)
        self.top.set_ylabel("TD error δ")
        self.top.set_title("TD(0) errors along the walk", fontsize=10.5)
        self.error_bars = self.top.bar(range(max_steps), [0.0] * max_steps, width=0.8, color=POSITIVE)
        self.image = self.bottom.imshow([[0.0] * max_steps for _ in walk.states], cmap=TRACE_CMAP, vmin=0.0,
                                        vmax=2.5, aspect="auto",
                                        interpolation="nearest", extent=(-0.5, max_steps - 0.5, walk.n + 0.5, 0.5))
        self.bottom.set_yticks(walk.states, [walk.name(s) for s in walk.states])
        self.bottom.set_xlabel("step of the walk")
        self.bottom.set_title(f"TD(λ = {lam:g}) traces e(s): darker, more credit", fontsize=10.5)
        self.clipped = self.top.text(0.99, 0.95, "", transform=self.top.transAxes, ha="right", va="top",
                                     fontsize=8.5, color=MUTED)
        self.artists = [*self.error_bars, self.image, self.clipped]

    def update(self, episode: list[Step], errors: list[float]) -> None:
        """Show the walk's last ``max_steps`` steps, which always include the one that pays."""
        skip = max(0, len(episode) - self.max_steps)
        for t, patch in enumerate(self.error_bars):
            delta = errors[skip + t] if skip + t < len(episode) else 0.0
            patch.set_height(delta)
            patch.set_color(POSITIVE if delta >= 0 else VERMILION)
        traces, grid = [0.0] * (self.walk.n + 2), [[0.0] * self.max_steps for _ in self.walk.states]
        for t, (s, _, _) in enumerate(episode):
            traces = [self.lam * e for e in traces]
            traces[s] += 1.0
            if t >= skip:
                for row, state in enumerate(self.walk.states):
                    grid[row][t - skip] = traces[state]
        self.image.set_data(grid)
        self.clipped.set_text(f"last {self.max_steps} of {len(episode)} steps" if skip else "")


class ErrorPane:
    """RMS error against episodes: averages over many runs (thin) and this run (revealed)."""

    def __init__(self, ax: Axes, averages: dict[str, list[float]], runs: dict[str, list[float]]):
        self.runs = runs
        self.lines = {}
        for (label, curve), colour in zip(averages.items(), (BLUE, ORANGE)):
            ax.plot(range(len(curve)), curve, color=colour, lw=1.4, alpha=0.55, label=f"{label}, average")
        for label, colour in zip(runs, (BLUE, ORANGE)):
            (self.lines[label],) = ax.plot([], [], color=colour, lw=2.2, label=f"{label}, this run")
        ax.set_xlim(0, max(len(c) for c in averages.values()) - 1)
        ax.set_ylim(0, 0.3)
        ax.set_xlabel("episodes")
        ax.set_title("RMS error over the 5 states")
        ax.legend(loc="upper right", fontsize=8.5)
        self.artists = list(self.lines.values())

    def update(self, episode: int) -> None:
        for label, line in self.lines.items():
            line.set_data(range(episode + 1), self.runs[label][:episode + 1])


@rendering
def walk_animation(walk: RandomWalk, episodes: list[list[Step]], estimates: list[tuple[list[float], list[float]]],
                   td_errors: list[list[float]], averages: dict[str, list[float]], runs: dict[str, list[float]],
                   lam: float, frames: list[int], name: str, alt: str) -> Animation:
    """One frame per chosen episode: estimates after it, its TD errors and traces, the error curves."""
    labels = tuple(runs)
    panes = three_panes(f"TD(0) and Monte Carlo on the random walk  ·  {labels[0]} vs {labels[1]}",
                        widths=(1.0, 1.15, 1.0))
    with house_style():
        values = EstimatesPane(panes.env, walk, labels)
        title = panes.env.set_title("")
        longest = max(len(episodes[k - 1]) for k in frames if k > 0)
        episode_pane = EpisodePane(panes.internals, walk, lam, min(max(longest, 10), 30))
        errors = ErrorPane(panes.trace, averages, runs)
    counter = footer(panes.fig, "", left=True)

    def draw(i: int) -> FrameInfo:
        k = frames[i]
        values.update(estimates[k])
        title.set_text(f"Estimates after {k} episode{'s' if k != 1 else ''}")
        if k > 0:
            episode = episodes[k - 1]
            episode_pane.update(episode, td_errors[k - 1])
            path = " ".join(walk.name(s) for s, _, _ in episode[:12]) + (" …" if len(episode) > 12 else "")
            last = episode[-1]
            counter.set_text(f"episode {k}: {path} → {walk.name(last.next_state).lower()} end, reward "
                             f"{last.reward:g}")
        else:
            episode_pane.update([], [])
            counter.set_text("before any episode: every estimate is 0.5")
        errors.update(k)
        return FrameInfo(f"{k} of {frames[-1]} walks", k, {f"RMS error of {label}": runs[label][k] for label in labels})

    return save_animation(panes, len(frames), draw, name, alt, frame_ms=350,
                   dynamic=[*values.artists, title, *episode_pane.artists, *errors.artists, counter])


@rendering
def cool_and_warm(solid: list[str], dashed: list[str]) -> dict[str, dict]:
    """Line styles for two families of curves: ``solid`` in cool colours, ``dashed`` in warm ones,
    each family from dark to light in the order given (lesson 03: TD(0) against Monte Carlo)."""
    styles = {label: {"color": colour} for label, colour in zip(solid, (BLUE, SKY, GREEN))}
    for label, colour in zip(dashed, (VERMILION, ORANGE, PURPLE, "#6e7781")):
        styles[label] = {"color": colour, "ls": "--"}
    return styles


def curves_figure(curves: dict[str, list[float]], title: str, xlabel: str, name: str, alt: str,
                  xs: list[float] | None = None, ylim: tuple[float, float] | None = None,
                  styles: dict[str, dict] | None = None,
                  bands: dict[str, list[float]] | None = None) -> None:
    """Several error curves on one plot; ``bands`` shades each named curve ± its half-width."""
    with house_style():
        fig = new_figure(380, 760)
        ax = fig.add_axes((0.09, 0.14, 0.62, 0.76))
        for k, (label, curve) in enumerate(curves.items()):
            style = {"color": SERIES[k % len(SERIES)], **(styles or {}).get(label, {})}
            at = list(xs) if xs is not None else list(range(len(curve)))
            ax.plot(at, curve, label=label, **style)
            if bands and label in bands:
                low = [c - b for c, b in zip(curve, bands[label])]
                high = [c + b for c, b in zip(curve, bands[label])]
                ax.fill_between(at, low, high, color=style["color"], alpha=0.18, lw=0)
        ax.set_xlabel(xlabel)
        ax.set_ylabel("RMS error")
        if ylim:
            ax.set_ylim(*ylim)
        ax.grid(color=GRID, lw=0.6)
        ax.set_title(title)
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=9.5)
    save_png(fig, name, alt)
