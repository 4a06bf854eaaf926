"""Lesson 01's pictures: a gridworld's values and greedy arrows, one cell's Bellman backup, convergence."""

from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from policywerk.agents.value_iteration import Sweep
from policywerk.math.vectors import argmax
from policywerk.rl.bellman import q_values
from policywerk.session import rendering
from policywerk.show import Animation
from policywerk.viz.frames import FrameInfo
from policywerk.viz.panes import footer, save_animation, save_png, three_panes
from policywerk.viz.style import BLUE, GRID, INK, MUTED, ORANGE, PAPER, VALUE_CMAP, VERMILION, house_style, new_figure
from policywerk.worlds.gridworld import ARROWS, GridWorld

WALL = "#57606a"


def cell_name(world: GridWorld, state: int) -> str:
    row, col = divmod(state, world.cols)
    return f"({row},{col})"


class GridPane:
    """Values as colour and number, the greedy action as an arrow; walls grey, goal and pit labelled."""

    def __init__(self, ax: Axes, world: GridWorld, focus: int | None = None):
        self.world = world
        rows, cols = world.rows, world.cols
        self.image = ax.imshow([[0.0] * cols for _ in range(rows)], cmap=VALUE_CMAP, vmin=-1.0, vmax=1.0,
                               extent=(-0.5, cols - 0.5, rows - 0.5, -0.5))
        ax.set_xticks([])
        ax.set_yticks([])
        for k in range(cols + 1):
            ax.axvline(k - 0.5, color=PAPER, lw=2)
        for k in range(rows + 1):
            ax.axhline(k - 0.5, color=PAPER, lw=2)
        self.values, self.arrows = {}, {}
        for s in range(world.n_states):
            row, col = divmod(s, cols)
            kind = world.kind(s)
            if kind == "#":
                ax.add_patch(Rectangle((col - 0.5, row - 0.5), 1, 1, color=WALL, zorder=2))
            elif kind in "GP":
                ax.text(col, row, "goal" if kind == "G" else "pit", ha="center", va="center", fontsize=10,
                        fontweight="bold", color=INK)
            else:
                self.arrows[s] = ax.text(col, row - 0.12, "", ha="center", va="center", fontsize=17, color=INK)
                self.values[s] = ax.text(col, row + 0.28, "", ha="center", va="center", fontsize=8.5, color=INK)
        if world.start is not None and world.kind(world.start) == "S":
            row, col = divmod(world.start, cols)
            ax.text(col - 0.42, row - 0.40, "S", ha="left", va="top", fontsize=8, color=MUTED)
        if focus is not None:
            row, col = divmod(focus, cols)
            ax.add_patch(Rectangle((col - 0.47, row - 0.47), 0.94, 0.94, fill=False, ec=ORANGE, lw=3, zorder=3))
        for spine in ax.spines.values():
            spine.set_visible(False)
        self.artists = [self.image, *self.values.values(), *self.arrows.values()]  # what ``update`` changes

    def update(self, values: list[float], policy: list[int], undecided: set[int] = frozenset()) -> None:
        """Redraw for new values; cells in ``undecided`` (every action equally good) get a dot, not an arrow."""
        cols = self.world.cols
        self.image.set_data([[values[r * cols + c] if self.world.kind(r * cols + c) != "#" else 0.0
                              for c in range(cols)] for r in range(self.world.rows)])
        for s, text in self.values.items():
            text.set_text(f"{values[s]:+.2f}")
        for s, text in self.arrows.items():
            text.set_text("·" if s in undecided else ARROWS[policy[s]])


class BackupPane:
    """The Bellman backup of one state: each action's expected value as a bar, the winner's sum in full."""

    def __init__(self, ax: Axes, world: GridWorld, state: int, gamma: float):
        self.world, self.state, self.gamma = world, state, gamma
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.axis("off")
        self.title = ax.set_title("")
        self.bars, self.labels = [], []
        for a in range(world.n_actions):
            y = 0.90 - a * 0.105
            ax.text(0.0, y, f"q(s,{ARROWS[a]})", ha="left", va="center", fontsize=10.5, family="DejaVu Sans Mono")
            ax.add_patch(Rectangle((0.22, y - 0.035), 0.56, 0.07, color=GRID, lw=0))
            self.bars.append(ax.add_patch(Rectangle((0.5, y - 0.035), 0.0, 0.07, color=MUTED, lw=0)))
            self.labels.append(ax.text(1.0, y, "", ha="right", va="center", fontsize=10.5,
                                       family="DejaVu Sans Mono"))
        ax.plot([0.5, 0.5], [0.44, 0.95], color=INK, lw=0.8)
        self.sum = ax.text(0.0, 0.37, "", ha="left", va="top", fontsize=9.6, family="DejaVu Sans Mono",
                           linespacing=1.55)
        self.artists = [self.title, *self.bars, *self.labels, self.sum]

    def update(self, previous: list[float], number: int) -> None:
        """Show the backup computed in sweep ``number`` from the previous sweep's values."""
        w, s, gamma = self.world, self.state, self.gamma
        qs = q_values(w, previous, s, gamma)
        best = argmax(qs)
        for a, (bar, label) in enumerate(zip(self.bars, self.labels)):
            q = max(-1.0, min(1.0, qs[a]))
            bar.set_x(0.5 + min(0.0, q) * 0.28)
            bar.set_width(abs(q) * 0.28)
            bar.set_color(BLUE if a == best else MUTED)
            label.set_text(f"{qs[a]:+.3f}")
            label.set_color(BLUE if a == best else INK)
        self.title.set_text(f"Bellman backup at cell {cell_name(w, s)}, sweep {number}")
        lines = [f"new V(s) = max over a of q(s,a) = q(s,{ARROWS[best]})"]
        for i, t in enumerate(w.transitions(s, best)):
            lines.append(f"{'  = ' if i == 0 else '  + '}{t.probability:.2f}·[{t.reward:+.0f} + {gamma:g}·"
                         f"{previous[t.next_state]:.3f}]   to {cell_name(w, t.next_state)}")
        lines.append(f"  = {qs[best]:+.3f}")
        self.sum.set_text("\n".join(lines))


class ConvergencePane:
    """The largest value change per sweep on a log scale, drawn up to the current sweep."""

    def __init__(self, ax: Axes, deltas: list[float], theta: float):
        self.deltas = deltas
        xs = list(range(1, len(deltas) + 1))
        ax.semilogy(xs, deltas, color=GRID, lw=2)
        (self.line,) = ax.semilogy([], [], color=BLUE, lw=2.2)
        (self.dot,) = ax.semilogy([], [], "o", color=BLUE, ms=7)
        ax.axhline(theta, color=VERMILION, lw=1.2, ls="--")
        ax.text(1, theta * 1.6, f"θ = {theta:g}", ha="left", va="bottom", color=VERMILION, fontsize=9)
        ax.set_xlabel("sweep")
        ax.set_title("Largest change per sweep")
        ax.set_xlim(0, len(deltas) + 1)
        ax.set_ylim(theta / 5, max(deltas) * 3)
        self.label = ax.text(0.97, 0.95, "", transform=ax.transAxes, ha="right", va="top", fontsize=10)
        self.artists = [self.line, self.dot, self.label]

    def update(self, sweep: int) -> None:
        xs = list(range(1, sweep + 1))
        self.line.set_data(xs, self.deltas[:sweep])
        self.dot.set_data(xs[-1:], self.deltas[sweep - 1:sweep])
        self.label.set_text(f"max |ΔV| = {self.deltas[sweep - 1]:.2e}" if sweep else "")


def ties(world: GridWorld, values: list[float], gamma: float) -> set[int]:
    """States where every action has the same backed-up value: the greedy policy has not decided yet."""
    undecided = set()
    for s in world.states:
        if not world.is_terminal(s):
            qs = q_values(world, values, s, gamma)
            if max(qs) - min(qs) < 1e-12:
                undecided.add(s)
    return undecided


@rendering
def value_iteration_animation(world: GridWorld, sweeps: list[Sweep], gamma: float, theta: float, focus: int,
                              name: str, alt: str) -> Animation:
    """The lesson's animation: one frame per sweep, the poster being the converged values and policy."""
    panes = three_panes(f"Value iteration on the gridworld  ·  γ = {gamma:g}, slip = {world.slip:g}")
    grid = GridPane(panes.env, world, focus)
    backup = BackupPane(panes.internals, world, focus, gamma)
    trace = ConvergencePane(panes.trace, [s.delta for s in sweeps[1:]], theta)
    counter = footer(panes.fig, "")
    with house_style():
        title = panes.env.set_title("")

    def draw(i: int) -> FrameInfo:
        sweep = sweeps[i]
        grid.update(sweep.values, sweep.policy, undecided=ties(world, sweep.values, gamma))
        title.set_text(f"Values and greedy policy, sweep {i}")
        backup.update(sweeps[max(i - 1, 0)].values, max(i, 1))
        trace.update(i)
        counter.set_text(f"sweep {i} of {len(sweeps) - 1}")
        changed = {"largest change": sweeps[i].delta} if i else {}
        return FrameInfo(f"sweep {i} of {len(sweeps) - 1}", i, changed)

    return save_animation(panes, len(sweeps), draw, name, alt,
                   dynamic=[*grid.artists, *backup.artists, *trace.artists, title, counter])


@rendering
def grid_figure(world: GridWorld, values: list[float], policy: list[int], title: str, name: str, alt: str) -> None:
    """A single gridworld: values and greedy arrows."""
    with house_style():
        fig = new_figure(360, 360)
        ax = fig.add_axes((0.03, 0.03, 0.94, 0.86))
        GridPane(ax, world).update(values, policy)
        ax.set_title(title)
    save_png(fig, name, alt)


@rendering
def policy_grid_figure(worlds: list[tuple[str, GridWorld, list[float], list[int]]], name: str, alt: str) -> None:
    """Several gridworlds side by side, one per setting, to compare their policies."""
    with house_style():
        fig = new_figure(330, 340 * len(worlds))
        for k, (title, world, values, policy) in enumerate(worlds):
            ax = fig.add_axes((k / len(worlds) + 0.01, 0.03, 1 / len(worlds) - 0.02, 0.84))
            GridPane(ax, world).update(values, policy)
            ax.set_title(title, fontsize=10.5)
    save_png(fig, name, alt)


@rendering
def convergence_figure(curves: dict[str, list[float]], theta: float, name: str, alt: str) -> None:
    """Largest change per sweep for several runs on one log-scale plot (the static trace)."""
    with house_style():
        fig = new_figure(380, 760)
        ax = fig.add_axes((0.09, 0.14, 0.88, 0.76))
        for label, deltas in curves.items():
            ax.semilogy(range(1, len(deltas) + 1), deltas, label=label)
        ax.axhline(theta, color=VERMILION, lw=1.2, ls="--", label=f"θ = {theta:g}")
        ax.set_xlabel("sweep")
        ax.set_ylabel(r"$\max_s\ |V_k(s) - V_{k-1}(s)|$")
        ax.set_title("Largest change per sweep: the smaller γ, the faster value iteration settles")
        ax.legend()
    save_png(fig, name, alt)
