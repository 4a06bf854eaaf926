"""The one layout every lesson animates in: environment | algorithm internals | training trace."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from policywerk.session import output_path, rendering, show_file
from policywerk.show import Animation
from policywerk.viz.frames import FrameInfo, pane_boxes, smallest_text_px, write_sidecar
from policywerk.viz.gif import FrameGrabber, GifStream
from policywerk.viz.style import DPI, HOUSE_COLOURS, MUTED, house_style, new_figure

HOUSE_RGB = tuple(tuple(round(255 * c) for c in to_rgb(colour)) for colour in HOUSE_COLOURS)
PNG_METADATA = {"Software": None}  # no version string in the file, so the bytes depend only on the pixels


@dataclass
class ThreePanes:
    fig: Figure
    env: Axes
    internals: Axes
    trace: Axes


def three_panes(title: str, height_px: int = 440, widths: tuple[float, float, float] = (1.0, 1.15, 1.0)) -> ThreePanes:
    """A figure with the three panes side by side under a one-line title."""
    with house_style():
        fig = new_figure(height_px)
        grid = fig.add_gridspec(1, 3, width_ratios=widths, left=0.035, right=0.985, bottom=0.12, top=0.85,
                                wspace=0.22)
        panes = ThreePanes(fig, fig.add_subplot(grid[0]), fig.add_subplot(grid[1]), fig.add_subplot(grid[2]))
        fig.suptitle(title, x=0.035, y=0.975, ha="left", fontsize=13, fontweight="bold")
    return panes


def footer(fig: Figure, text: str, left: bool = False):
    """A small grey line under the panes (the frame counter, the setting); returns the artist to update."""
    with house_style():
        return fig.text(0.035 if left else 0.985, 0.02, text, ha="left" if left else "right", va="bottom",
                        fontsize=9, color=MUTED)


@rendering
def save_png(fig: Figure, name: str, alt: str) -> None:
    path = output_path(name, ".png")
    with house_style():
        fig.savefig(path, format="png", dpi=DPI, metadata=PNG_METADATA)
    show_file(path, alt, "image")


@rendering
def save_animation(panes: ThreePanes, n_frames: int, draw: Callable[[int], FrameInfo], name: str, alt: str,
                   frame_ms: int = 300, hold_ms: int = 2500, poster: int | None = None,
                   durations_ms: list[int] | None = None, dynamic: Sequence[Artist] = ()) -> Animation:
    """Render frames ``0..n_frames-1`` with ``draw(i)`` into ``name.gif``, a poster ``name-poster.png`` and
    the player's sidecar ``name.json`` (see ``viz.frames``); returns the animation, to link a trace table to.

    ``draw`` updates the figure's artists in place (set_data, set_text, ...); the figure is never
    cleared or rebuilt. It returns the ``FrameInfo`` of what it drew: its label, the trace pane's position and numbers.
    Name in ``dynamic`` every artist that ``draw`` changes, and only those are redrawn
    per frame (one left out would stay as it was first drawn); with none named, every frame is drawn whole.
    Each frame shows for ``frame_ms`` (or its own entry of ``durations_ms``); the last, for ``hold_ms``.
    """
    if n_frames < 1:
        raise ValueError(f"an animation needs at least one frame, got {n_frames}")
    durations = [frame_ms] * n_frames if durations_ms is None else list(durations_ms)
    if len(durations) != n_frames or min(durations) < 20:
        raise ValueError(f"need {n_frames} frame durations of at least 20 ms (browsers slow shorter ones)")
    durations[-1] = max(durations[-1], hold_ms)
    poster = n_frames - 1 if poster is None else poster
    fig, axes = panes.fig, (panes.env, panes.internals, panes.trace)
    frames: list[FrameInfo] = []
    images: list[int] = []
    with house_style():
        grabber = FrameGrabber(fig, DPI, list(dynamic))
        _drew(draw, poster)
        still = grabber.grab()
        boxes, text_px = pane_boxes(fig, axes), smallest_text_px(fig)
        poster_path = output_path(f"{name}-poster", ".png")
        still.save(poster_path, format="PNG", optimize=True)
        gif_path = output_path(name, ".gif")
        with GifStream(gif_path, still, exact=HOUSE_RGB) as gif:  # the poster fixes the palette
            for i in range(n_frames):
                frames.append(_drew(draw, i))
                images.append(gif.add(grabber.grab(), durations[i]))
                if i == 0:  # the panes as the first frame draws them, too (its labels may be longer)
                    boxes = [Bbox.union([a, b]) for a, b in zip(boxes, pane_boxes(fig, axes))]
        sidecar = output_path(name, ".json")
        write_sidecar(sidecar, fig, gif_path.name, frames, images, durations, poster, boxes, text_px)
    show_file(sidecar, f"Frame labels, numbers and pane rectangles of {gif_path.name}", "frames")
    show_file(gif_path, alt, "animation")
    show_file(poster_path, f"Poster frame: {alt}", "poster")
    return Animation(name, tuple(f.x for f in frames))


def _drew(draw: Callable[[int], FrameInfo], i: int) -> FrameInfo:
    frame = draw(i)
    if not isinstance(frame, FrameInfo):
        raise TypeError(f"an animation's draw({i}) must return the FrameInfo it drew, got {frame!r}")
    return frame
