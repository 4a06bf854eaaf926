"""Lesson 06's pictures: the clipped objective, learning curves, and the policy balancing as it
learns; and the records and summaries the page shows beside them."""

import math
from dataclasses import dataclass

from matplotlib.axes import Axes

from policywerk.agents.ppo import Frame, Iteration, Snapshot, clipped_objective
from policywerk.session import rendering
from policywerk.show import Animation
from policywerk.viz.cartpole import CartPolePane
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
    VERMILION,
    house_style,
    new_figure,
)

REFERENCE_COLOURS = (VERMILION, GREEN, BLUE)
MAX_STEPS = 500  # the cart-pole's episodes are cut off here


@dataclass(frozen=True)
class Episode:
    """One recorded episode of the policy as it was after ``iteration`` iterations."""

    iteration: int
    frames: list[Frame]  # the last one is the state the episode ended in

    @property
    def steps(self) -> int:
        return len(self.frames) - 1

    @property
    def episode_return(self) -> float:
        """+1 for every step after which the pole was still up: the step on which it fell earns
        nothing."""
        return self.steps - 1.0 if self.steps < MAX_STEPS else float(MAX_STEPS)


@rendering
def objective_figure(clip: float, name: str, alt: str) -> None:
    """min(ρ A, clip(ρ) A) against the ratio ρ, for a positive and a negative advantage."""
    ratios = [k / 200 for k in range(0, 401)]
    with house_style():
        fig = new_figure(340, 900)
        for k, advantage in enumerate((1.0, -1.0)):
            ax = fig.add_axes((0.07 + k * 0.49, 0.15, 0.41, 0.70))
            flat = (1.0 + clip, 2.0) if advantage > 0 else (0.0, 1.0 - clip)
            ax.axvspan(*flat, color=GRID, alpha=0.5, lw=0)
            ax.plot(ratios, [r * advantage for r in ratios], color=MUTED, lw=1.3, ls="--",
                    label="ρ A, unclipped")
            ax.plot(ratios, [clipped_objective(r, advantage, clip) for r in ratios], color=BLUE,
                    lw=2.4, label="min(ρ A, clip(ρ, 1-ε, 1+ε) A)")
            for edge in (1.0 - clip, 1.0 + clip):
                ax.axvline(edge, color=MUTED, lw=0.8, ls=":")
            ax.axvline(1.0, color=INK, lw=0.8)
            ax.set_xlim(0, 2)
            ax.set_ylim(-2.1, 2.1)
            ax.set_xlabel("probability ratio ρ = π_new(a|s) / π_old(a|s)")
            note_x = (flat[0] + flat[1]) / 2
            ax.text(note_x, 1.8 if advantage < 0 else -1.85, "gradient 0", ha="center",
                    fontsize=9.5, color=INK)
            sign = "A > 0: the action was better than expected" if advantage > 0 else \
                "A < 0: the action was worse than expected"
            ax.set_title(sign, fontsize=10.5)
            if k == 0:
                ax.set_ylabel("objective per sample")
                ax.legend(loc="upper left", fontsize=9)
    save_png(fig, name, alt)


@rendering
def learning_figure(runs: dict[str, dict[int, list[Iteration]]], name: str, alt: str) -> None:
    """Mean return per iteration, one line style per seed, and the clip fraction: each seed faint,
    the mean over the seeds bold."""
    colours, styles = (BLUE, VERMILION), ("-", "--", ":", "-.")
    with house_style():
        fig = new_figure(380, 1000)
        left = fig.add_axes((0.06, 0.14, 0.50, 0.74))
        right = fig.add_axes((0.67, 0.14, 0.31, 0.74))
        for (label, seeds), colour in zip(runs.items(), colours):
            for k, (seed, iterations) in enumerate(seeds.items()):
                steps = [it.steps for it in iterations]
                left.plot(steps, mean_returns(iterations), color=colour, lw=1.5,
                          ls=styles[k % len(styles)], alpha=0.9, label=f"{label}, seed {seed}")
                right.plot(steps, [it.clip_fraction for it in iterations], color=colour, lw=0.8,
                           alpha=0.35)
            every = list(seeds.values())
            mean = [sum(run[i].clip_fraction for run in every) / len(every)
                    for i in range(len(steps))]
            right.plot(steps, mean, color=colour, lw=2.2, label=f"{label}, mean of the seeds")
        left.axhline(500, color=MUTED, lw=0.8, ls=":")
        left.set_ylim(0, 530)
        left.set_xlabel("environment steps")
        left.set_ylabel("mean return of the episodes that ended")
        left.set_title("Return per iteration, on the same seeds")
        left.legend(loc="lower right", fontsize=8.5, ncol=2)
        right.set_xlabel("environment steps")
        right.set_title("Clip fraction")
        right.set_ylabel("share of ratios outside [0.8, 1.2]")
        right.legend(loc="upper left", fontsize=8.5)
    save_png(fig, name, alt)


def mean_returns(iterations: list[Iteration]) -> list[float]:
    """Each iteration's mean return; an iteration in which no episode ended repeats the last value
    (it balanced through the whole batch)."""
    means, last = [], 0.0
    for it in iterations:
        last = sum(it.returns) / len(it.returns) if it.returns else last
        means.append(last)
    return means


def gaussian_curve(mu: float, sigma: float, forces: list[float]) -> list[float]:
    return [math.exp(-0.5 * ((f - mu) / sigma) ** 2) / (sigma * math.sqrt(2 * math.pi))
            for f in forces]


class GaussianPane:
    """The policy's density over the force at the reference states; under it, the current state's
    mean and one standard deviation either side, and the force drawn there."""

    def __init__(self, ax: Axes, labels: list[str], max_force: float, peak: float):
        self.forces = [-1.6 * max_force + k * 3.2 * max_force / 240 for k in range(241)]
        self.strip = -0.09 * peak  # the height of the current state's line, under the curves
        for side in (-1, 1):
            ax.axvspan(side * max_force, side * 1.6 * max_force, color=GRID, alpha=0.5, lw=0)
        ax.text(1.3 * max_force, 0.45 * peak, f"clipped\nto {max_force:g} N", ha="center",
                fontsize=8.5, color=MUTED)
        ax.axvline(0, color=MUTED, lw=0.8)
        ax.axhline(0, color=MUTED, lw=0.8)
        self.references = [ax.plot([], [], color=colour, lw=1.8, label=label)[0]
                           for colour, label in zip(REFERENCE_COLOURS, labels)]
        (self.here,) = ax.plot([], [], color=INK, lw=2.2, marker="|", ms=9, mew=2.2,
                               label="here: μ ± σ")
        (self.mean_dot,) = ax.plot([], [], "o", color=INK, ms=6)
        (self.drawn,) = ax.plot([], [], "v", color=ORANGE, ms=9, label="the force drawn")
        ax.set_xlim(self.forces[0], self.forces[-1])
        ax.set_ylim(2.2 * self.strip, peak)
        ax.set_yticks([])
        ax.spines["left"].set_visible(False)
        ax.set_xlabel("force (N), negative pushes left")
        ax.set_title("π(force | state): the policy's Gaussian")
        ax.legend(loc="upper left", fontsize=8.5)
        self.sigma_text = ax.text(0.98, 0.97, "", transform=ax.transAxes, ha="right", va="top",
                                  fontsize=10, color=INK)
        self.artists = [*self.references, self.here, self.mean_dot, self.drawn, self.sigma_text]

    def update(self, snapshot: Snapshot, frame: Frame) -> None:
        sigma = snapshot.sigma
        for line, mu in zip(self.references, snapshot.means):
            line.set_data(self.forces, gaussian_curve(mu, sigma, self.forces))
        self.here.set_data([frame.mu - sigma, frame.mu + sigma], [self.strip] * 2)
        self.mean_dot.set_data([frame.mu], [self.strip])
        if frame.action is None:
            self.drawn.set_data([], [])
        else:
            drawn = max(self.forces[0], min(self.forces[-1], frame.action))  # kept in the pane
            self.drawn.set_data([drawn], [0.55 * self.strip])
        self.sigma_text.set_text(f"σ = {sigma:.2f} N")


class TracePane:
    """Mean return of each batch against the updates its policy had (top) and the clip fraction of
    each update (bottom); a dot marks the episode playing, at the updates its policy had."""

    def __init__(self, ax: Axes, iterations: list[Iteration]):
        ax.axis("off")
        top = ax.inset_axes((0.0, 0.47, 0.94, 0.45))
        bottom = ax.inset_axes((0.0, 0.0, 0.94, 0.32))
        n = len(iterations)
        # x = k: the batch gathered after k updates, the (k + 1)-th
        top.plot(range(n), mean_returns(iterations), color=BLUE, lw=1.8)
        top.axhline(500, color=MUTED, lw=0.8, ls=":")
        top.set_ylim(0, 540)
        top.set_title("return: each batch's mean, this episode (dot)", fontsize=10)
        top.set_xticklabels([])
        bottom.plot(range(1, n + 1), [it.clip_fraction for it in iterations], color=PURPLE, lw=1.4)
        bottom.set_title("clip fraction of each update", fontsize=10)
        bottom.set_xlabel("updates (iterations) so far")
        bottom.set_ylim(0, 1.15 * max(it.clip_fraction for it in iterations) + 1e-3)
        for axes in (top, bottom):
            axes.set_xlim(-1, n + 1)
        (self.dot,) = top.plot([], [], "o", color=INK, ms=8, zorder=5)
        (self.line,) = bottom.plot([], [], color=INK, lw=1.2, ls=":")
        self.artists = [self.dot, self.line]

    def update(self, iteration: int, episode_return: float) -> None:
        self.dot.set_data([iteration], [episode_return])
        self.line.set_data([iteration, iteration], [0, 1])


@rendering
def policy_animation(episodes: list[Episode], snapshots: list[Snapshot],
                     iterations: list[Iteration], labels: list[str], max_force: float, name: str,
                     alt: str, stride: int = 5) -> Animation:
    """Episodes of the policy after chosen iterations, one after another: the cart-pole, the
    Gaussian over the force, and where in training the policy came from."""
    plan = []  # (episode, frame, milliseconds it is shown)
    for episode in episodes:
        short = len(episode.frames) < 60
        last = len(episode.frames) - 1
        for k in [*range(0, last, 1 if short else stride), last]:
            plan.append((episode, k, 1200 if k == last else (40 if short else 20 * stride)))
    densest = max(1.0 / (snapshots[e.iteration].sigma * math.sqrt(2 * math.pi)) for e in episodes)
    peak = densest * 1.7  # room for the legend
    panes = three_panes("PPO learns to balance with a continuous force  ·  Schulman et al. 2017",
                        height_px=470, widths=(1.3, 1.1, 0.9))
    with house_style():
        cart = CartPolePane(panes.env, thresholds=False, readouts=False)
        panes.env.set_title("The cart-pole under the current policy")
        gauss = GaussianPane(panes.internals, labels, max_force, peak)
        trace = TracePane(panes.trace, iterations)
    counter = footer(panes.fig, "", left=True)

    def draw(i: int) -> FrameInfo:
        episode, k, _ = plan[i]
        iteration, frame, steps = episode.iteration, episode.frames[k], episode.steps
        last = k == steps
        fallen = last and steps < MAX_STEPS
        push = None if frame.applied is None else frame.applied / max_force
        cart.update(frame.state, push, fallen)
        if last:
            ending = f"fell after {steps} steps" if fallen else f"balanced all {steps} steps"
            cart.status.set_text(f"after iteration {iteration}: {ending}")
        else:
            cart.status.set_text(f"the policy after iteration {iteration}")
        snapshot = snapshots[iteration]
        gauss.update(snapshot, frame)
        trace.update(iteration, episode.episode_return)
        counter.set_text(f"the policy after {iteration} of {len(iterations)} iterations  ·  "
                         f"{k * 0.02:5.2f} s into the episode")
        numbers = {"return of this episode": episode.episode_return, "σ (N)": snapshot.sigma}
        return FrameInfo(f"the policy after {iteration} of {len(iterations)} iterations, step {k} "
                         "of its episode", iteration, numbers)

    return save_animation(panes, len(plan), draw, name, alt, durations_ms=[d for _, _, d in plan],
                          dynamic=[*cart.artists, *gauss.artists, *trace.artists, counter])
