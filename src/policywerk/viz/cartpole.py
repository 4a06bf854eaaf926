"""Lesson 02's pictures: the cart-pole drawn to scale, the 162 boxes as two maps, steps per trial."""

import math
import statistics
from dataclasses import dataclass, replace

from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap, Normalize, SymLogNorm
from matplotlib.patches import Polygon, Rectangle

from policywerk.agents.adaptive_elements import Trial
from policywerk.session import rendering
from policywerk.show import Animation
from policywerk.viz.frames import FrameInfo
from policywerk.viz.panes import footer, save_animation, save_png, three_panes
from policywerk.viz.style import BLUE, GRID, INK, MUTED, ORANGE, PAPER, VALUE_CMAP, VERMILION, house_style, new_figure
from policywerk.worlds.cartpole import (
    BINS,
    THETA_CUTS,
    THETA_DOT_CUTS,
    X_CUTS,
    X_DOT_CUTS,
    Physics,
    State,
    box_bins,
    box_of,
)

CART_W, CART_H = 0.4, 0.2  # m; the paper gives no size for the cart, only for the pole
UNVISITED = "#b1bac4"  # darker than any prediction near zero, so "never visited" stands out
PREDICTION_CMAP = LinearSegmentedColormap.from_list("policywerk_prediction", [VERMILION, "#f7f7f7"], N=64
                                                    ).with_extremes(bad=UNVISITED)
WEIGHT_CMAP = VALUE_CMAP.with_extremes(bad=UNVISITED)

# The four gauges under the track show each variable against its decoder thresholds.
GAUGES = (  # label, unit scale for display, half-range shown, thresholds, failure limit (or None)
    ("x", 1.0, 2.4, X_CUTS, 2.4, "m"),
    ("ẋ", 1.0, 2.0, X_DOT_CUTS, None, "m/s"),
    ("θ", 180 / math.pi, 12.0, tuple(math.degrees(c) for c in THETA_CUTS), 12.0, "°"),
    ("θ̇", 180 / math.pi, 150.0, tuple(math.degrees(c) for c in THETA_DOT_CUTS), None, "°/s"),
)
TRACK = 2.4


class CartPolePane:
    """The cart and pole to scale on the 4.8 m track with the push (top), and under it the four state
    variables, each on a gauge marked with the failure limits in red and (``thresholds``) the decoder's
    thresholds, its value beside it (``readouts``; the digits cost an animation much of its size)."""

    def __init__(self, ax: Axes, physics: Physics | None = None, thresholds: bool = True, readouts: bool = True):
        self.pole_length = 2 * (physics or Physics()).half_length
        ax.axis("off")
        top = ax.inset_axes((0.0, 0.42, 1.0, 0.58))
        top.set_xlim(-2.6, 2.6)
        top.set_ylim(-0.12, 1.3)
        top.set_aspect("equal")
        top.axis("off")
        top.plot([-TRACK, TRACK], [0, 0], color=MUTED, lw=2, solid_capstyle="butt")
        for end in (-TRACK, TRACK):
            top.plot([end, end], [0, 0.18], color=INK, lw=3)
        self.cart = top.add_patch(Rectangle((-CART_W / 2, 0.0), CART_W, CART_H, color=INK, zorder=3))
        (self.pole,) = top.plot([], [], color=ORANGE, lw=6, solid_capstyle="round", zorder=4)
        self.push = top.add_patch(Polygon([[0, 0]] * 3, closed=True, color=BLUE, zorder=5))
        self.status = ax.text(0.5, 1.0, "", ha="center", va="top", fontsize=10.5, color=INK, transform=ax.transAxes)
        gauges = ax.inset_axes((0.08, 0.0, 0.70, 0.36))
        gauges.set_xlim(-1.05, 1.05)
        gauges.set_ylim(-3.5, 0.5)
        gauges.axis("off")
        self.markers, self.readouts = [], []
        for k, (label, _, half, cuts, limit, _) in enumerate(GAUGES):
            y = -k
            gauges.text(-1.1, y, label, ha="right", va="center", fontsize=11, color=INK)
            gauges.plot([-1, 1], [y, y], color=GRID, lw=7, solid_capstyle="butt")
            for c in cuts if thresholds else ():
                gauges.plot([c / half] * 2, [y - 0.25, y + 0.25], color=MUTED, lw=1.2)
            if limit is not None:
                for end in (-1, 1):
                    gauges.plot([end, end], [y - 0.32, y + 0.32], color=VERMILION, lw=2)
            (marker,) = gauges.plot([], [], "o", color=BLUE, ms=7, zorder=3)
            self.markers.append(marker)
            if readouts:
                self.readouts.append(gauges.text(1.1, y, "", ha="left", va="center", fontsize=9, color=INK,
                                                 family="DejaVu Sans Mono"))
        self.artists = [self.cart, self.pole, self.push, self.status, *self.markers, *self.readouts]

    def update(self, state: State, push: float | None, fallen: bool = False) -> None:
        """``push`` in [-1, 1]: the force as a share of the largest, its sign the direction (None: none)."""
        x, _, theta, _ = state
        self.cart.set_x(x - CART_W / 2)
        self.pole.set_data([x, x + self.pole_length * math.sin(theta)],
                           [CART_H, CART_H + self.pole_length * math.cos(theta)])
        self.pole.set_color(VERMILION if fallen else ORANGE)
        if push is None:
            self.push.set_xy([[x, 0.1]] * 3)
        else:  # an arrowhead at the side of the cart the force pushes towards, as long as the force is strong
            side = 1.0 if push >= 0 else -1.0
            base = x + side * (CART_W / 2 + 0.06)
            tip = base + push * 0.22
            self.push.set_xy([[base, 0.02], [base, 0.18], [tip, 0.1]])
        for k, (gauge, value) in enumerate(zip(GAUGES, state)):
            _, scale, half, _, _, unit = gauge
            shown = value * scale
            self.markers[k].set_data([max(-1.0, min(1.0, shown / half))], [-k])
            if self.readouts:
                self.readouts[k].set_text(f"{shown:+6.1f} {unit}")


def _box_grid(values: list[float], visited: set[int]) -> list[list[float]]:
    """162 boxes as a 9 x 18 grid: rows are (x, x_dot) bins, columns are (theta, theta_dot) bins."""
    rows, cols = BINS[0] * BINS[1], BINS[2] * BINS[3]
    grid = [[math.nan] * cols for _ in range(rows)]
    for box, value in enumerate(values):
        i, j, k, n = box_bins(box)
        if box in visited:
            grid[i * BINS[1] + j][k * BINS[3] + n] = value
    return grid


def box_cell(box: int) -> tuple[int, int]:
    i, j, k, n = box_bins(box)
    return i * BINS[1] + j, k * BINS[3] + n


class BoxMap:
    """One value per box on the 9 x 18 grid, boxes never visited in light grey, the current box outlined."""

    THETA_LABELS = ("< -6°", "-6..-1°", "-1..0°", "0..1°", "1..6°", "> 6°")

    def __init__(self, ax: Axes, title: str, cmap, norm, labels: bool = True):
        self.image = ax.imshow(_box_grid([0.0] * 162, set()), cmap=cmap, norm=norm, aspect="auto",
                               interpolation="nearest", extent=(-0.5, 17.5, 8.5, -0.5))
        ax.set_title(title, fontsize=10.5)
        for c in range(1, 6):
            ax.axvline(c * 3 - 0.5, color=PAPER, lw=2)
        for r in (1, 2):
            ax.axhline(r * 3 - 0.5, color=PAPER, lw=2)
        ax.set_yticks([1, 4, 7], ["x < -0.8", "|x| ≤ 0.8", "x > 0.8"] if labels else [], fontsize=9.5)
        ax.set_xticks([1 + 3 * c for c in range(6)], self.THETA_LABELS if labels else [], fontsize=9.5)
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        self.outline = ax.add_patch(Rectangle((0, 0), 1, 1, fill=False, ec=INK, lw=2.2, zorder=3, visible=False))
        self.artists = [self.image, self.outline]

    def update(self, values: list[float], visited: set[int], box: int | None) -> None:
        self.image.set_data(_box_grid(values, visited))
        if box is None:
            self.outline.set_visible(False)
        else:
            row, col = box_cell(box)
            self.outline.set_xy((col - 0.5, row - 0.5))
            self.outline.set_visible(True)


def weight_norm() -> SymLogNorm:
    return SymLogNorm(linthresh=1.0, vmin=-1000.0, vmax=1000.0, base=10)


def prediction_norm() -> Normalize:
    return Normalize(vmin=-1.0, vmax=0.0)


class StepsPane:
    """Steps balanced per trial on a log scale, revealed up to the current trial."""

    def __init__(self, ax: Axes, steps: list[int], max_steps: int):
        self.steps = steps
        trials = range(1, len(steps) + 1)
        ax.semilogy(trials, steps, color=GRID, lw=1.5)
        (self.line,) = ax.semilogy([], [], color=BLUE, lw=2)
        (self.dot,) = ax.semilogy([], [], "o", color=BLUE, ms=7)
        for level in (10_000, max_steps):
            if level <= max_steps:
                ax.axhline(level, color=MUTED, lw=0.8, ls=":")
                ax.text(1, level * 1.15, f"{level:,}", color=MUTED, fontsize=8.5, va="bottom")
        ax.set_xlim(0, len(steps) + 1)
        ax.set_ylim(5, max_steps * 3)
        ax.set_xlabel("trial")
        ax.set_title("Steps balanced per trial")
        self.artists = [self.line, self.dot]

    def update(self, trial: int) -> None:
        xs = list(range(1, trial + 1))
        self.line.set_data(xs, self.steps[:trial])
        self.dot.set_data([trial], [self.steps[trial - 1]])


@dataclass(frozen=True)
class Shot:
    """One frame of the animation: a kept state of one trial, and how long the frame is shown."""

    trial: int  # the trial's index in the run's list of trials
    step: int  # the index of the state in that trial's kept states
    ms: int


def frame_plan(trials: list[Trial], early: int = 3, steps: int = 250) -> list[Shot]:
    """Which states to show, and for how long: the first ``early`` trials step by step in slow
    motion, then the first ``steps`` steps of one trial from the middle of the run and of the last
    one, at real time."""
    n = len(trials)
    shots = []
    for t in sorted({*range(min(early, n)), (early + n - 1) // 2 if n > early + 1 else 0, n - 1}):
        kept = len(trials[t].states)
        if t < early:
            shots += [Shot(t, s, 60) for s in range(kept)]  # 0.02 s of the world in 0.06 s
        elif t < n - 1:
            shots += [Shot(t, s, 80) for s in range(0, min(kept, steps // 2), 4)]
            if kept <= steps // 2 and shots[-1].step != kept - 1:
                shots.append(Shot(t, kept - 1, 80))  # the state it fell in
        else:
            shots += [Shot(t, s, 100) for s in range(0, min(kept, steps), 5)]
        shots[-1] = replace(shots[-1], ms=900)  # pause at the end of each trial shown
    return shots


@rendering
def balancing_animation(trials: list[Trial], max_steps: int, name: str, alt: str, early: int = 3,
                        steps: int = 250) -> Animation:
    """The lesson's animation: trials falling at once, later ones balancing, and what the elements learned."""
    panes = three_panes("Actor and critic learn to balance the pole  ·  Barto, Sutton & Anderson 1983",
                        height_px=470, widths=(1.35, 1.2, 0.85))
    with house_style():
        cart = CartPolePane(panes.env)
        panes.env.set_title("The cart-pole, to scale")
        panes.internals.axis("off")
        actor_ax = panes.internals.inset_axes((0.12, 0.56, 0.88, 0.36))
        critic_ax = panes.internals.inset_axes((0.12, 0.06, 0.88, 0.36))
        actor = BoxMap(actor_ax, "Actor weight per box (blue: right, red-orange: left)", WEIGHT_CMAP, weight_norm())
        critic = BoxMap(critic_ax, "Critic prediction per box (red-orange: failure ahead)", PREDICTION_CMAP,
                        prediction_norm())
        trace = StepsPane(panes.trace, [t.steps for t in trials], max_steps)
    counter = footer(panes.fig, "", left=True)
    plan = frame_plan(trials, early, steps)
    visited_by = _visited_before(trials)

    def draw(i: int) -> FrameInfo:
        t, s = plan[i].trial, plan[i].step
        trial = trials[t]
        state = trial.states[s]
        fallen = not trial.balanced and s == trial.steps  # the state it fell in (kept for short trials)
        push = None if fallen or s >= len(trial.pushes) else trial.pushes[s]
        cart.update(state, push, fallen)
        box = None if fallen else box_of(state)
        actor.update(trial.w, visited_by[t], box)
        critic.update(trial.v, visited_by[t], box)
        trace.update(trial.number)
        last_shown = i == len(plan) - 1 or plan[i + 1].trial != t
        if fallen:
            cart.status.set_text(f"trial {trial.number}: fell after {trial.steps:,} steps")
        elif last_shown and trial.balanced:
            cart.status.set_text(f"trial {trial.number}: still up after {trial.steps:,} steps "
                                 f"({trial.steps * 0.02 / 60:.0f} min)")  # the footer says how much is shown
        elif last_shown:
            cart.status.set_text(f"trial {trial.number}: first {s * 0.02:.1f} s shown; "
                                 f"fell after {trial.steps:,} steps")
        else:
            cart.status.set_text(f"trial {trial.number} of {len(trials)}, step {s}")
        counter.set_text(f"maps: the weights at the start of trial {trial.number}  ·  "
                         f"{s * 0.02:5.2f} s into the trial")
        return FrameInfo(f"trial {trial.number} of {len(trials)}, {s * 0.02:.2f} s into it", trial.number,
                         {"steps balanced in this trial": trial.steps})

    dynamic = [*cart.artists, *actor.artists, *critic.artists, *trace.artists, counter]
    return save_animation(panes, len(plan), draw, name, alt, durations_ms=[shot.ms for shot in plan],
                          poster=len(plan) - 1, dynamic=dynamic)


def _visited_before(trials: list[Trial]) -> list[set[int]]:
    """For each trial, the boxes whose weights had changed by its start (a weight of exactly 0 = never)."""
    return [{b for b in range(len(t.w)) if t.w[b] != 0.0 or t.v[b] != 0.0} for t in trials]


def _pad(steps: list[int], trials: int, max_steps: int) -> list[int]:
    """A run that balanced stopped early; count its remaining trials as balanced (as the paper's plots do)."""
    if steps and steps[-1] >= max_steps:
        return steps + [max_steps] * (trials - len(steps))
    return steps


@rendering
def learning_curves_figure(with_critic: dict[int, list[int]], alone: dict[int, list[int]], shown_seed: int,
                           max_trials: int, max_steps: int, name: str, alt: str) -> None:
    """Steps per trial for many seeds: the median and the middle half, one run drawn alone; with and
    without the critic side by side on the same log scale."""
    with house_style():
        fig = new_figure(400)
        for k, (title, runs) in enumerate((("Actor and critic (ASE + ACE)", with_critic),
                                           ("Actor alone, learning from failure (ASE)", alone))):
            ax = fig.add_axes((0.07 + k * 0.48, 0.14, 0.42, 0.74))
            padded = [_pad(s, max_trials, max_steps) for s in runs.values()]
            for run in padded:
                ax.semilogy(range(1, len(run) + 1), run, color=GRID, lw=0.8)
            band = _band(padded, max_trials)
            xs = range(1, len(band.median) + 1)
            ax.fill_between(xs, band.low, band.high, color=BLUE, alpha=0.18, lw=0,
                            label="middle half of the seeds")
            ax.semilogy(xs, band.median, color=BLUE, lw=2.4, label=f"median of {len(runs)} seeds")
            one = _pad(runs[shown_seed], max_trials, max_steps)
            ax.semilogy(range(1, len(one) + 1), one, color=ORANGE, lw=1.4, label=f"seed {shown_seed}")
            ax.set_ylim(5, max_steps * 3)
            ax.set_xlim(0, max_trials + 1)
            ax.set_xlabel("trial")
            if k == 0:
                ax.set_ylabel("steps until failure")
            else:  # the legend goes where the actor alone never reaches
                ax.legend(loc="upper left", fontsize=9)
            ax.set_title(title)
    save_png(fig, name, alt)


@dataclass
class Band:
    """Per trial, the median of the runs' steps and the quartiles around it (the middle half)."""

    median: list[float]
    low: list[float]
    high: list[float]


def _band(runs: list[list[int]], trials: int) -> Band:
    band = Band([], [], [])
    for t in range(trials):
        column = sorted(run[t] for run in runs if t < len(run))
        if len(column) < len(runs):  # stop where a run that neither failed out nor balanced has ended
            break
        if len(column) > 1:
            low, _, high = statistics.quantiles(column, n=4, method="inclusive")
        else:
            low = high = column[0]
        band.low.append(low)
        band.median.append(statistics.median(column))
        band.high.append(high)
    return band


@rendering
def boxes_figure(w: list[float], v: list[float], name: str, alt: str) -> None:
    """What the two elements hold after learning: the actor's weights and the critic's predictions."""
    visited = {b for b in range(len(w)) if w[b] != 0.0 or v[b] != 0.0}
    with house_style():
        fig = new_figure(330)
        for k, (title, values, cmap, norm) in enumerate((
                ("Actor weight w per box (blue: push right, red-orange: left)", w, WEIGHT_CMAP, weight_norm()),
                ("Critic prediction v per box (red-orange: failure soon)", v, PREDICTION_CMAP, prediction_norm()))):
            ax = fig.add_axes((0.07 + k * 0.49, 0.2, 0.40, 0.66))
            box_map = BoxMap(ax, title, cmap, norm)
            box_map.update(values, visited, None)
            ax.set_xlabel("pole angle θ (each group: θ̇ < -50, |θ̇| ≤ 50, θ̇ > 50 °/s)", fontsize=9)
            fig.colorbar(box_map.image, ax=ax, fraction=0.05, pad=0.02)
        fig.text(0.07, 0.02, "rows: cart position x, each group split by velocity ẋ < -0.5, |ẋ| ≤ 0.5, ẋ > 0.5 m/s; "
                 "grey: boxes never visited", fontsize=10, color=MUTED)
    save_png(fig, name, alt)
