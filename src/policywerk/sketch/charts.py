"""Line and bar charts as SVG: a learning curve, or estimates beside the values they should reach."""

import math
from collections.abc import Mapping, Sequence

from policywerk.session import Shown
from policywerk.sketch.axes import BOTTOM, HEIGHT, WIDTH, Frame, heading, log_ticks, ticks
from policywerk.sketch.palette import INK, SERIES
from policywerk.sketch.svg import document, element, polyline, save, text


def line_chart(series: Mapping[str, Sequence[float]], *, name: str, alt: str, title: str = "",
               x_label: str = "", y_label: str = "", xs: Sequence[float] | None = None,
               log_y: bool = False) -> Shown:
    """Draw each of ``series`` (name: its values) as a line over ``xs`` (1, 2, 3, … unless given), saved
    as ``name.svg`` and shown under the cell. A value that is not finite leaves a gap in its line."""
    if not series or not all(len(values) for values in series.values()):
        raise ValueError(f"{name}: every series needs at least one value")
    if len(series) > len(SERIES):
        raise ValueError(f"{name}: at most {len(SERIES)} series, got {len(series)}")
    longest = max(len(values) for values in series.values())
    xs = list(xs) if xs is not None else list(range(1, longest + 1))
    if len(xs) < longest:
        raise ValueError(f"{name}: {len(xs)} x values for a series of {longest}")
    points = [v for values in series.values() for v in values if _usable(v, log_y)]
    if not points:
        hint = " (a log scale needs values above zero)" if log_y else ""
        raise ValueError(f"{name}: no finite value to draw{hint}")
    legend = [(label, colour, "line") for label, colour in zip(series, SERIES)] if len(series) > 1 else []
    body, top = heading(title, legend)
    y_ticks = log_ticks(min(points), max(points)) if log_y else ticks(min(points), max(points))
    frame = Frame(xs[0], xs[longest - 1], y_ticks, log_y, top)
    x_ticks = [t for t in ticks(frame.x_low, frame.x_high, 7) if frame.x_low <= t <= frame.x_high]
    body += frame.draw(x_ticks, _step(x_ticks), x_label, y_label)
    for values, colour in zip(series.values(), SERIES):
        for run in _runs(xs, values, log_y):
            points_px = [(frame.x(x), frame.y(v)) for x, v in run]
            if len(points_px) == 1:
                (px, py), = points_px
                body.append(element("circle", cx=px, cy=py, r=3.0, fill=colour))
            else:
                body.append(polyline(points_px, colour))
    return save(name, document(WIDTH, HEIGHT, body, alt), alt)


def bar_chart(categories: Sequence[str], series: Mapping[str, Sequence[float]], *, name: str, alt: str,
              title: str = "", y_label: str = "", reference: Sequence[float] | None = None,
              reference_label: str = "") -> Shown:
    """Bars for each category, one per series side by side, and a black mark at each category's
    ``reference`` (the value the bars should reach), saved as ``name.svg`` and shown under the cell."""
    if not categories or len(series) > len(SERIES) or not series:
        raise ValueError(f"{name}: needs categories and 1 to {len(SERIES)} series")
    rows = [list(values) for values in series.values()] + ([list(reference)] if reference is not None else [])
    if any(len(row) != len(categories) for row in rows):
        raise ValueError(f"{name}: every series needs one value for each of the {len(categories)} categories")
    if not all(math.isfinite(v) for row in rows for v in row):
        raise ValueError(f"{name}: every value must be finite")
    values = [v for row in rows for v in row] + [0.0]
    legend = [(label, colour, "box") for label, colour in zip(series, SERIES)]
    legend += [(reference_label, INK, "tick")] if reference is not None and reference_label else []
    body, top = heading(title, legend)
    frame = Frame(0.0, float(len(categories)), ticks(min(values), max(values)), False, top)
    body += frame.draw([], 1.0, "", y_label)
    group = frame.x(1.0) - frame.x(0.0)
    width = group * 0.7 / len(series)
    for k, category in enumerate(categories):
        left = frame.x(float(k)) + group * 0.15
        for j, (row, colour) in enumerate(zip(series.values(), SERIES)):
            y0, y1 = sorted((frame.y(0.0), frame.y(row[k])))
            body.append(element("rect", x=left + j * width, y=y0, width=width - 1.0, height=max(y1 - y0, 0.5),
                                fill=colour))
        if reference is not None:
            y = frame.y(reference[k])
            body.append(element("line", x1=left - 4, x2=left + group * 0.7 + 4, y1=y, y2=y, stroke=INK,
                                stroke_width=3.0))
        middle = frame.x(k + 0.5)
        body.append(text(middle, HEIGHT - BOTTOM + 18, category, text_anchor="middle"))
    return save(name, document(WIDTH, HEIGHT, body, alt), alt)


def _usable(value: float, log_y: bool) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value) and (value > 0 or not log_y)


def _runs(xs: Sequence[float], values: Sequence[float], log_y: bool) -> list[list[tuple[float, float]]]:
    """The stretches of a series without a gap: its points in order, split where a value is missing."""
    runs, run = [], []
    for x, v in zip(xs, values):
        if _usable(v, log_y):
            run.append((x, v))
        elif run:
            runs.append(run)
            run = []
    return runs + [run] if run else runs


def _step(x_ticks: list[float]) -> float:
    return x_ticks[1] - x_ticks[0] if len(x_ticks) > 1 else 1.0
