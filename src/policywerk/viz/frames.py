"""What an animation's player needs beside the GIF: each frame's words and numbers, and where each pane is.

The sidecar is a small JSON file written next to ``name.gif`` as ``name.json``. For each frame drawn it
holds the label the player shows and reads out ("sweep 12 of 33, largest change 0.031"), the trace pane's
position (what a trace table's rows link by), those numbers, how long the frame shows, and which of the
GIF's own images shows it (a frame that changed nothing adds no image). It also holds the rectangle of
each pane, measured from the figure's axes as drawn, so that a narrow screen can show one pane at a time
without cropping by guesswork, and the size of the smallest text, from which the player decides when the
whole frame would be too small to read.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from policywerk.math.checks import is_whole

FORMAT = "policywerk-frames-1"
PANES = ("environment", "internals", "trace")
PAD_PX = 4  # around each pane's measured rectangle, for the antialiased edges of its text


@dataclass(frozen=True)
class FrameInfo:
    """What one frame shows, in words and numbers: returned by an animation's ``draw(i)``."""

    label: str  # where the animation is, in words: "sweep 12 of 33", "episode 40, step 7"
    x: float  # where the trace pane stands (the sweep, trial, episode or step it has reached)
    numbers: dict[str, float] = field(default_factory=dict)  # the few numbers the trace pane draws

    def text(self) -> str:
        """The label and the numbers in one line, as the player shows it and a screen reader reads it."""
        return ", ".join([self.label, *(f"{name} {_number(value)}" for name, value in self.numbers.items())])


def _number(value: float) -> str:
    if is_whole(value):
        return f"{value:,}"
    return f"{value:.3g}"


def _round(value: float) -> float | int:
    return value if isinstance(value, int) else float(f"{value:.6g}")


def pane_boxes(fig: Figure, panes: tuple[Axes, Axes, Axes]) -> list[Bbox]:
    """Each pane's extent in display pixels as drawn now: its axes with their titles, labels and ticks, and
    every other axes of the figure that sits in the pane's column (an inset, a gauge)."""
    renderer = fig.canvas.get_renderer()
    columns = [ax.get_position() for ax in panes]
    edges = [0.0] + [(left.x1 + right.x0) / 2 for left, right in zip(columns, columns[1:])] + [1.0]
    boxes = []
    for k, ax in enumerate(panes):
        inside = [other for other in fig.axes if other.get_visible()
                  and edges[k] <= (other.get_position().x0 + other.get_position().x1) / 2 < edges[k + 1]]
        boxes.append(Bbox.union([b for b in (other.get_tightbbox(renderer) for other in {ax, *inside}) if b]))
    return boxes


def smallest_text_px(fig: Figure) -> float:
    """The font size of the smallest text the figure draws, in pixels."""
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return round(min(sizes) * fig.dpi / 72, 2)


def write_sidecar(path: Path, fig: Figure, gif_name: str, frames: list[FrameInfo], gif_images: list[int],
                  durations_ms: list[int], poster: int, boxes: list[Bbox], text_px: float) -> None:
    width, height = (round(v) for v in fig.canvas.get_width_height())
    rects = {}
    for name, box in zip(PANES, boxes):
        left, right = max(0, int(box.x0) - PAD_PX), min(width, int(box.x1) + 1 + PAD_PX)
        top, bottom = max(0, height - int(box.y1) - 1 - PAD_PX), min(height, height - int(box.y0) + PAD_PX)
        rects[name] = [left, top, right - left, bottom - top]
    data = {
        "format": FORMAT,
        "title": fig.get_suptitle(),  # the animation's name, and the player's
        "gif": gif_name,
        "width": width,
        "height": height,
        "poster": poster,
        "smallest_text_px": text_px,
        "panes": rects,
        "frames": [{"label": f.label, "text": f.text(), "x": _round(f.x),
                    "numbers": {k: _round(v) for k, v in f.numbers.items()}, "gif": image, "ms": ms}
                   for f, image, ms in zip(frames, gif_images, durations_ms)],
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)  # NaN is no JSON
    path.write_text(text + "\n", encoding="utf-8")
