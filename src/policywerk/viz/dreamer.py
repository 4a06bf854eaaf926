"""Lesson 07's pictures: frames as the model sees and draws them, its learning, reality against
imagination, and the agent that learned in imagination playing for real."""

import statistics
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.patches import Rectangle

from policywerk.agents.dreamer import Agent, imagine
from policywerk.math.vectors import moving_average
from policywerk.session import rendering
from policywerk.show import Animation
from policywerk.viz.frames import FrameInfo
from policywerk.viz.panes import footer, save_animation, save_png, three_panes
from policywerk.viz.style import BLUE, INK, MUTED, ORANGE, PAPER, VERMILION, house_style, new_figure

# A pixel's probability of being lit, from white (0) to ink (1): real frames are 0s and 1s, the
# model's drawings anything between.
LIT_CMAP = LinearSegmentedColormap.from_list("policywerk_lit", [PAPER, "#9aa7b4", INK], N=64)
ARROWS = ("·", "↑", "↓", "←", "→")


def as_image(frame: list[float], side: int) -> list[list[float]]:
    return [frame[r * side:(r + 1) * side] for r in range(side)]


Mark = tuple[int, int, int]  # (row, column, size) of a square to outline: where the target is


class FrameView:
    """One frame drawn as pixels in an inset of ``ax``, with a caption under it and, if ``mark`` is
    given, an orange outline around that square of pixels."""

    def __init__(self, ax: Axes, bounds: tuple[float, float, float, float], side: int,
                 title: str = "", mark: Mark | None = None):
        self.side = side
        self.ax = ax.inset_axes(bounds)
        self.image = self.ax.imshow([[0.0] * side for _ in range(side)], cmap=LIT_CMAP, vmin=0.0,
                                    vmax=1.0, interpolation="nearest")
        for k in range(1, side):  # pixel edges, as lines over the image so they survive each redraw
            self.ax.axvline(k - 0.5, color=PAPER, lw=0.5)
            self.ax.axhline(k - 0.5, color=PAPER, lw=0.5)
        self.ax.set_xticks([])
        self.ax.set_yticks([])
        for spine in self.ax.spines.values():
            spine.set_visible(True)
            spine.set_color(MUTED)
            spine.set_linewidth(0.8)
        if mark is not None:
            row, col, size = mark
            square = Rectangle((col - 0.5, row - 0.5), size, size, fill=False, ec=ORANGE, lw=1.6)
            self.ax.add_patch(square)
        self.title = self.ax.set_title(title, fontsize=9.5, fontweight="normal")
        self.caption = self.ax.text(0.5, -0.06, "", transform=self.ax.transAxes, ha="center",
                                    va="top", fontsize=9, color=INK)
        self.artists = [self.image, self.caption]

    def show(self, frame: list[float] | None, caption: str = "") -> None:
        blank = [[0.0] * self.side] * self.side
        self.image.set_data(as_image(frame, self.side) if frame is not None else blank)
        self.caption.set_text(caption)


@rendering
def frames_figure(rows: list[tuple[str, list[list[float]], list[str]]], side: int, name: str,
                  alt: str, width_px: int = 1000, mark: Mark | None = None) -> None:
    """Rows of frames with a label on the left of each row and a caption under each frame."""
    columns = max(len(frames) for _, frames, _ in rows)
    with house_style():
        fig = new_figure(30 + 125 * len(rows), width_px)
        ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
        ax.axis("off")
        left, width = 0.1, 0.89 / columns
        height = 0.97 / len(rows)
        for k, (label, frames, captions) in enumerate(rows):
            bottom = 1.0 - (k + 1) * height + 0.2 * height
            ax.text(0.01, bottom + 0.36 * height, label, fontsize=10.5, va="center", ha="left",
                    color=INK)
            for j, frame in enumerate(frames):
                bounds = (left + j * width + 0.08 * width, bottom, 0.84 * width, 0.7 * height)
                view = FrameView(ax, bounds, side, mark=mark)
                view.show(frame, captions[j] if j < len(captions) else "")
    save_png(fig, name, alt)


@rendering
def model_learning_figure(reconstruction: list[float], kl: list[float], reward: list[float],
                          pretrain: int, mean_frame_nll: float, name: str, alt: str,
                          window: int = 25) -> None:
    """The world model's three losses per update (moving means), the pretraining marked."""
    with house_style():
        fig = new_figure(330, 1000)
        axes = [fig.add_axes((0.06 + k * 0.33, 0.16, 0.26, 0.68)) for k in range(3)]
        series = ((reconstruction, "reconstruction: −log p(o | h, z)", "nats per frame", BLUE),
                  (kl, "KL(posterior ‖ prior)", "nats per step", ORANGE),
                  (reward, "reward: ½ (r̂ − r)²", "per step", VERMILION))
        for ax, (values, title, unit, colour) in zip(axes, series):
            ax.plot(range(1, len(values) + 1), values, color=colour, lw=0.6, alpha=0.3)
            ax.plot(range(1, len(values) + 1), moving_average(values, window), color=colour, lw=1.8)
            ax.axvline(pretrain, color=MUTED, lw=0.8, ls=":")
            ax.set_title(title, fontsize=10.5)
            ax.set_xlabel("model updates")
            ax.set_ylabel(unit)
            if ax is not axes[2]:
                ax.set_ylim(0, None)
        axes[0].axhline(mean_frame_nll, color=INK, lw=1.0, ls="--")
        axes[0].text(0.97 * len(reconstruction), mean_frame_nll, "the mean frame", ha="right",
                     va="bottom", fontsize=9)
        axes[0].set_ylim(0, 1.25 * mean_frame_nll)
        axes[2].set_yscale("log")
        for ax in axes:
            _, top = ax.get_ylim()
            ax.text(pretrain, top, " actor starts", fontsize=8.5, color=MUTED, va="top")
    save_png(fig, name, alt)


@rendering
def horizon_figure(open_loop: list[float], reconstruction: float, one_step: float,
                   mean_frame: float, slips: list[float], name: str, alt: str) -> None:
    """Pixels wrong per frame against the number of steps imagined without a frame, with the
    posterior's reconstruction, the one-step prediction and the mean frame for scale; the share of
    episodes with a slip so far, on the right."""
    steps = list(range(1, len(open_loop) + 1))
    with house_style():
        fig = new_figure(340, 900)
        ax = fig.add_axes((0.08, 0.16, 0.62, 0.7))
        ax.plot(steps, open_loop, color=VERMILION, marker="o", ms=4,
                label="imagined open loop (prior)")
        ax.axhline(reconstruction, color=BLUE, lw=1.6,
                   label="reconstructed from its frame (posterior)")
        ax.axhline(one_step, color=BLUE, lw=1.2, ls=":",
                   label="one step ahead, after seeing every frame before")
        ax.axhline(mean_frame, color=INK, lw=1.2, ls="--", label="the mean frame")
        ax.set_xlabel("steps imagined since the last frame seen")
        ax.set_ylabel("pixels wrong per frame (of 100)")
        ax.set_ylim(0, 1.15 * max(max(open_loop), mean_frame))
        ax.set_xlim(0.5, len(open_loop) + 0.5)
        ax.set_title("How far imagination can be trusted")
        ax.legend(loc="lower right", fontsize=9, bbox_to_anchor=(1.0, 0.08))
        side = fig.add_axes((0.8, 0.16, 0.18, 0.7))
        side.plot(steps, slips, color=MUTED, lw=1.6)
        side.set_ylim(0, 1)
        side.set_xlabel("steps")
        side.set_title("with a slip so far", fontsize=10)
        side.set_ylabel("expected share")
    save_png(fig, name, alt)


@rendering
def behaviour_figure(real: list[float], imagined: list[float], random_mean: float, best_mean: float,
                     name: str, alt: str, window: int = 10) -> None:
    """The real return of each training episode and the mean imagined lambda-return, per round."""
    rounds = list(range(1, len(real) + 1))
    with house_style():
        fig = new_figure(340, 1000)
        left = fig.add_axes((0.075, 0.16, 0.52, 0.7))
        left.plot(rounds, real, color=BLUE, lw=0.7, alpha=0.35)
        left.plot(rounds, moving_average(real, window), color=BLUE, lw=2.0,
                  label=f"{window}-episode mean")
        left.axhline(random_mean, color=MUTED, lw=1.0, ls="--")
        left.text(1, random_mean, "random policy", va="bottom", fontsize=9, color=MUTED)
        left.axhline(best_mean, color=INK, lw=1.0, ls=":")
        left.text(1, best_mean, "shortest path", va="bottom", fontsize=9, color=INK)
        left.set_ylim(0, 1.12 * best_mean)
        left.set_xlabel("round (one real episode each, with exploration)")
        left.set_ylabel("real return of the episode")
        left.set_title("The real return, never seen by the actor")
        left.legend(loc="lower right", fontsize=9)
        right = fig.add_axes((0.7, 0.16, 0.28, 0.7))
        right.plot(rounds, imagined, color=ORANGE, lw=1.8)
        right.set_xlabel("round")
        right.set_ylabel("mean imagined λ-return")
        right.set_title("What the actor trains on", fontsize=10.5)
        right.set_ylim(0, None)
    save_png(fig, name, alt)


@dataclass
class Dream:
    """What the model imagines from one state when the actor picks, most likely action and the
    prior's mean at every step."""

    frames: list[list[float]]  # each imagined frame, as each pixel's probability of being lit
    actions: list[int]  # the actor's choice at each imagined step
    rewards: list[float]  # the reward predicted for each


@dataclass
class PlayedEpisode:
    """One real episode of an agent choosing its most likely action, and what its model made of
    it."""

    after_round: int  # the round of training after which the agent played (0: after pretraining)
    frames: list[list[float]]  # the real frames, the first one included
    reconstructions: list[list[float]]  # each frame as the posterior that saw it draws it
    open_loop: list[list[float]]  # each frame imagined from the first one and the actions since
    dreams: list[Dream]  # the actor's dream from the state at each step
    rewards: list[float]  # the real reward of each step after the first frame


def played_episode(agent: Agent, after_round: int, env, horizon: int, seed: int) -> PlayedEpisode:
    """Play one greedy episode of ``agent`` in ``env`` and collect, step by step, what the
    animation shows of its model: the reconstruction, the open-loop imagination, and a dream of
    ``horizon`` steps."""
    steps, _ = agent.act(env, None, explore=False, seed=seed)
    model = agent.model
    states = model.filter(steps)
    actions = [action for action, _, _ in steps[1:]]
    imagined = [states[0], *model.rollout(*states[0], actions)]
    dreams = []
    for state in states:
        dream = imagine(model, agent.actor, state, horizon, None)
        deter = model.c.deter  # a state's features are h and z joined: h first
        frames = [model.decode(f[:deter], f[deter:]) for f in dream.features[1:]]
        dreams.append(Dream(frames, dream.actions, dream.rewards))
    return PlayedEpisode(after_round, frames=[obs for _, obs, _ in steps],
                         reconstructions=[model.decode(*state) for state in states],
                         open_loop=[model.decode(*state) for state in imagined], dreams=dreams,
                         rewards=[reward for _, _, reward in steps[1:]])


def policy_map(chosen: dict[tuple[int, int], int], cells: int, target: tuple[int, int]) -> str:
    """The action ``chosen`` on each cell of the lattice as an arrow, row by row, the target's
    in [ ]."""
    lines = []
    for row in range(cells):
        marks = []
        for col in range(cells):
            arrow = ARROWS[chosen[row, col]]
            marks.append(f"[{arrow}]" if (row, col) == target else f" {arrow} ")
        lines.append(" ".join(marks))
    return "\n".join(lines)


def trace_rows(rounds: list[int], episodes: list[PlayedEpisode], reconstruction: list[float],
               real_returns: list[float], pretrain: int, updates_per_round: int) -> list[list]:
    """The animation's trace pane as table rows, one per round in ``rounds``: the model updates so
    far, the mean reconstruction loss of the last 25 of them, the mean real return of the last 10
    rounds, and the return of the greedy episode played after the round, where ``episodes`` has
    one."""
    played = {episode.after_round: sum(episode.rewards) for episode in episodes}
    rows = []
    for k in rounds:
        updates = pretrain + k * updates_per_round
        model_loss = statistics.mean(reconstruction[:updates][-25:])
        real_return = f"{statistics.mean(real_returns[:k][-10:]):.2f}" if k else ""
        greedy = f"{played[k]:.2f}" if k in played else ""
        rows.append([k, f"{updates:,}", f"{model_loss:.2f}", real_return, greedy])
    return rows


class DreamPane:
    """From the current state, the actor's dream: the frames the model imagines for its next steps
    and the reward it predicts for each."""

    def __init__(self, ax: Axes, side: int, shown: int, horizon: int, mark: Mark | None = None):
        ax.axis("off")
        ax.set_title("The actor's dream from here")
        width = 1.0 / shown
        self.views = [FrameView(ax, (k * width + 0.06 * width, 0.56, 0.88 * width, 0.34), side,
                                f"+{k + 1}", mark) for k in range(shown)]
        self.bars_ax = ax.inset_axes((0.08, 0.0, 0.9, 0.36))
        self.bars = self.bars_ax.bar(range(1, horizon + 1), [0.0] * horizon, color=ORANGE,
                                     width=0.6)
        (self.real,) = self.bars_ax.plot([], [], "o", color=INK, ms=4.5)
        self.bars_ax.set_ylim(0, 1.1)
        self.bars_ax.set_xlim(0.4, horizon + 0.6)
        self.bars_ax.set_xticks(range(1, horizon + 1))
        self.bars_ax.set_xlabel("imagined step")
        self.bars_ax.set_title("reward r̂ imagined (bars), real (dots)", fontsize=9.5)
        self.artists = [*(a for v in self.views for a in v.artists), *self.bars, self.real]

    def update(self, dream: Dream, real: list[float]) -> None:
        """Show ``dream``'s first frames and all its predicted rewards, and the ``real`` rewards."""
        for view, frame, action, reward in zip(self.views, dream.frames, dream.actions,
                                               dream.rewards):
            view.show(frame, f"{ARROWS[action]}  r̂ {reward:.2f}")
        for bar, reward in zip(self.bars, dream.rewards):
            bar.set_height(max(0.0, reward))
        self.real.set_data(range(1, len(real) + 1), real)


class TrainingPane:
    """The model's reconstruction loss per update (top) and the real return per round (bottom), with
    the point in training the playing agent comes from."""

    def __init__(self, ax: Axes, reconstruction: list[float], pretrain: int, updates_per_round: int,
                 real: list[float], window: int = 10):
        ax.axis("off")
        top = ax.inset_axes((0.0, 0.6, 0.94, 0.32))
        bottom = ax.inset_axes((0.0, 0.0, 0.94, 0.4))
        rounds = [(u - pretrain) / updates_per_round for u in range(1, len(reconstruction) + 1)]
        top.plot(rounds, moving_average(reconstruction, 25), color=BLUE, lw=1.5)
        top.set_title("model: reconstruction (nats)", fontsize=10)
        top.set_ylim(0, None)
        top.set_xticklabels([])
        bottom.plot(range(1, len(real) + 1), moving_average(real, window), color=BLUE, lw=1.8)
        bottom.set_title(f"real return ({window}-episode mean)", fontsize=10)
        bottom.set_xlabel("round (pretraining before 0)")
        bottom.set_ylim(0, 1.15 * max(real + [1.0]))
        for axes in (top, bottom):
            axes.set_xlim(rounds[0], len(real) + 0.5)
        (self.top_line,) = top.plot([], [], color=INK, lw=1.2, ls=":")
        (self.dot,) = bottom.plot([], [], "o", color=INK, ms=8, zorder=5)
        self.top_ylim = top.get_ylim()
        self.artists = [self.top_line, self.dot]

    def update(self, round_: int, episode_return: float) -> None:
        self.top_line.set_data([round_, round_], self.top_ylim)
        self.dot.set_data([max(round_, 0.5)], [episode_return])


@rendering
def play_animation(episodes: list[PlayedEpisode], side: int, reconstruction: list[float],
                   pretrain: int, updates_per_round: int, real_returns: list[float], name: str,
                   alt: str, mark: Mark | None = None) -> Animation:
    """Real episodes of the agent after chosen rounds, one after another (each from
    ``played_episode``)."""
    plan = [(episode, t) for episode in episodes for t in range(len(episode.frames))]
    durations = [1600 if t == len(episode.frames) - 1 else 320 for episode, t in plan]
    shown = 5
    horizon = len(episodes[0].dreams[0].rewards)
    title = "Dreamer learns to reach the target in its imagination  ·  Hafner et al. 2020"
    panes = three_panes(title, height_px=480, widths=(1.25, 1.2, 0.85))
    with house_style():
        panes.env.axis("off")
        panes.env.set_title("What the model makes of the world")
        real = FrameView(panes.env, (0.0, 0.40, 0.31, 0.5), side, "real frame", mark)
        recon = FrameView(panes.env, (0.345, 0.40, 0.31, 0.5), side, "reconstructed", mark)
        dream = FrameView(panes.env, (0.69, 0.40, 0.31, 0.5), side, "imagined", mark)
        status = panes.env.text(0.0, 0.22, "", transform=panes.env.transAxes, fontsize=10.5,
                                va="top", color=INK)
        panes.env.text(0.0, 0.1, "imagined: from the first frame and the actions taken,\n"
                       "without a frame since. Orange: where the target is.",
                       transform=panes.env.transAxes, fontsize=9, va="top", color=MUTED)
        dream_pane = DreamPane(panes.internals, side, shown, horizon, mark)
        trace = TrainingPane(panes.trace, reconstruction, pretrain, updates_per_round, real_returns)
    counter = footer(panes.fig, "", left=True)

    def draw(i: int) -> FrameInfo:
        episode, t = plan[i]
        k, rewards, last = episode.after_round, episode.rewards, len(episode.frames) - 1
        real.show(episode.frames[t], f"step {t}")
        recon.show(episode.reconstructions[t])
        dream.show(episode.open_loop[t])
        so_far = sum(rewards[:t])
        status.set_text(f"the agent after round {k}: return so far {so_far:.2f}")
        dream_pane.update(episode.dreams[t], rewards[t:t + horizon])
        trace.update(k, sum(rewards))
        rounds = len(real_returns)
        counter.set_text(f"episode after round {k} of {rounds}  ·  step {t} of {last}")
        return FrameInfo(f"the agent after round {k} of {rounds}, step {t} of {last}", k,
                         {"return so far": so_far, "return of the episode": sum(rewards)})

    dynamic = [*real.artists, *recon.artists, *dream.artists, status, *dream_pane.artists,
               *trace.artists, counter]
    return save_animation(panes, len(plan), draw, name, alt, durations_ms=durations,
                          dynamic=dynamic)
