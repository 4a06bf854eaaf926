"""A chart's frame: where data goes in pixels, the ticks and their labels, the title and the legend."""

import math
from dataclasses import dataclass

from policywerk.sketch.palette import GRID, INK, MUTED
from policywerk.sketch.svg import element, num, text

WIDTH, HEIGHT = 640, 340
LEFT, RIGHT, BOTTOM = 72, 16, 46
SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def ticks(low: float, high: float, most: int = 6) -> list[float]:
    """Round numbers (steps of 1, 2, 2.5 or 5 times a power of ten) from at or below ``low`` to at or
    above ``high``, at most about ``most`` of them."""
    if high <= low:
        low, high = low - max(1.0, abs(low) / 10), high + max(1.0, abs(high) / 10)
    raw = (high - low) / (most - 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw * (1 - 1e-9))
    first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    return [k * step for k in range(first, last + 1)]


def log_ticks(low: float, high: float) -> list[float]:
    """Powers of ten from at or below ``low`` to at or above ``high`` (and 2 and 5 times them when
    the data spans less than a factor of 30)."""
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    last = max(last, first + 1)
    steps = (1,) if high / low >= 30 else (1, 2, 5)
    marks = [m * 10.0 ** e for e in range(first, last) for m in steps] + [10.0 ** last]
    inside = [t for t in marks if low <= t <= high]
    below = max((t for t in marks if t <= low), default=marks[0])
    above = min((t for t in marks if t >= high), default=marks[-1])
    if below == above:  # all the data on one tick: the next one up, so that the scale has a length
        above = min(t for t in marks if t > below)
    return sorted({below, *inside, above})


def label(value: float, step: float) -> str:
    """A tick's label, with as many decimals as its step needs: ``0.25``, ``1,000``, ``−3``."""
    if value == 0:
        return "0"
    if abs(value) < 1e-3 or abs(value) >= 1e7:
        return scientific(value).replace("-", "−")
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    scaled = step * 10 ** decimals
    if abs(scaled - round(scaled)) > 1e-9 * scaled:  # a step of 2.5 times a power of ten
        decimals += 1
    return f"{value:,.{decimals}f}".replace("-", "−")


def scientific(value: float) -> str:
    """``10⁻⁶``, ``2.5×10⁻⁵``, ``−1.5×10⁷``: a number too small or too large to write out."""
    power = math.floor(math.log10(abs(value)) + 1e-9)
    mantissa = round(value / 10.0 ** power, 6)
    head = "" if mantissa == 1 else "−" if mantissa == -1 else f"{mantissa:g}×"
    return head + "10" + str(power).translate(SUPERSCRIPT)


def power_label(value: float) -> str:
    """A log scale's tick: ``0.01``, ``1``, ``1,000``, or beyond those, ``10⁻⁶`` and ``2×10⁻⁵``."""
    power = math.floor(math.log10(value) + 1e-9)
    return f"{value:,.{max(0, -power)}f}" if -3 <= power <= 5 else scientific(value)


@dataclass
class Frame:
    """The plot's area in pixels and the data ranges it shows: ``x`` and ``y`` map data to pixels."""

    x_low: float
    x_high: float
    y_ticks: list[float]
    log_y: bool = False
    top: int = 40

    @property
    def y_low(self) -> float:
        return self.y_ticks[0]

    @property
    def y_high(self) -> float:
        return self.y_ticks[-1]

    def x(self, value: float) -> float:
        if self.x_high == self.x_low:  # one point: in the middle
            return (LEFT + WIDTH - RIGHT) / 2
        return LEFT + (value - self.x_low) / (self.x_high - self.x_low) * (WIDTH - LEFT - RIGHT)

    def y(self, value: float) -> float:
        low, high, v = self.y_low, self.y_high, value
        if self.log_y:
            low, high, v = math.log10(low), math.log10(high), math.log10(value)
        return HEIGHT - BOTTOM - (v - low) / (high - low) * (HEIGHT - BOTTOM - self.top)

    def draw(self, x_ticks: list[float], x_step: float, x_label: str, y_label: str) -> list[str]:
        """Grid lines and labels at the ticks, and the two axes' names."""
        body = []
        y_step = self.y_ticks[1] - self.y_ticks[0]
        for t in self.y_ticks:
            y = self.y(t)
            body.append(element("line", x1=float(LEFT), x2=float(WIDTH - RIGHT), y1=y, y2=y, stroke=GRID))
            words = power_label(t) if self.log_y else label(t, y_step)
            body.append(text(LEFT - 6, y + 4, words, text_anchor="end", fill=MUTED, font_size=12))
        bottom = float(HEIGHT - BOTTOM)
        for t in x_ticks:
            x = self.x(t)
            body.append(element("line", x1=x, x2=x, y1=bottom, y2=bottom + 5, stroke=MUTED))
            body.append(text(x, bottom + 18, label(t, x_step), text_anchor="middle", fill=MUTED, font_size=12))
        body.append(element("line", x1=float(LEFT), x2=float(WIDTH - RIGHT), y1=bottom, y2=bottom, stroke=MUTED))
        if x_label:
            body.append(text((LEFT + WIDTH - RIGHT) / 2, HEIGHT - 6, x_label, text_anchor="middle"))
        if y_label:
            middle = (self.top + HEIGHT - BOTTOM) / 2
            body.append(text(12, middle, y_label, text_anchor="middle",
                             transform=f"rotate(-90 12 {num(middle)})"))
        return body


def heading(title: str, legend: list[tuple[str, str, str]]) -> tuple[list[str], int]:
    """The title on the first line and the legend on the next, each entry a (name, colour, mark) with
    mark "line", "box" or "tick"; and where the plot can start below them."""
    body, y = [], 0
    if title:
        y += 20
        body.append(text(LEFT, y, title, font_weight="bold", font_size=14))
    if legend:
        y += 22
        x = float(LEFT)
        for name, colour, mark in legend:
            if mark == "box":
                body.append(element("rect", x=x, y=float(y - 10), width=12.0, height=12.0, fill=colour))
            else:
                width = 2.0 if mark == "line" else 3.0
                body.append(element("line", x1=x, x2=x + 16, y1=float(y - 4), y2=float(y - 4), stroke=colour,
                                    stroke_width=width))
            body.append(text(x + 22, y, name, fill=INK, font_size=12))
            x += 22 + 7.2 * len(name) + 18
    return body, y + 18
