"""Grids of values as SVG: each cell coloured by its value (vermilion below zero, blue above), with the
value written in it and the greedy action's arrow, and, if given, the route the greedy policy takes."""

from collections.abc import Collection, Mapping, Sequence

from policywerk.session import Shown
from policywerk.sketch.axes import WIDTH
from policywerk.sketch.palette import BLUE, GRID, INK, NEUTRAL, ORANGE, PAPER, VERMILION
from policywerk.sketch.svg import document, element, polyline, save, text
from policywerk.worlds.cliff import ARROWS as CLIFF_ARROWS
from policywerk.worlds.cliff import CLIFF, COLS, GOAL, ROWS, greedy_path
from policywerk.worlds.gridworld import ARROWS, GridWorld

CELL, MARGIN = 64, 8
WALL = "#57606a"  # walls and the cliff: dark, with any label in white


def grid_chart(rows: int, cols: int, values: Sequence[float], *, name: str, alt: str, title: str = "",
               arrows: Sequence[str] | None = None, labels: Mapping[int, str] | None = None,
               walls: Collection[int] = (), route: Sequence[int] = ()) -> Shown:
    """Draw a ``rows`` × ``cols`` grid whose state ``s`` is the cell at row ``s // cols``, column
    ``s % cols``: its value and arrow, or its label (a goal, a pit) in place of both; walls (and a cliff) dark; the
    ``route`` as a line through the cells' centres. Saved as ``name.svg`` and shown under the cell."""
    labels = labels or {}
    if len(values) != rows * cols or (arrows is not None and len(arrows) != rows * cols):
        raise ValueError(f"{name}: a {rows} × {cols} grid needs {rows * cols} values and arrows")
    scale = max((abs(v) for s, v in enumerate(values) if s not in walls and s not in labels), default=0.0)
    cell = min(CELL, (WIDTH - 2 * MARGIN) // cols)
    top = MARGIN + (24 if title else 0)
    body = [text(MARGIN, 18, title, font_weight="bold", font_size=14)] if title else []
    for s, value in enumerate(values):
        x, y = MARGIN + (s % cols) * cell, top + (s // cols) * cell
        fill = WALL if s in walls else PAPER if s in labels else _ramp(value / scale if scale else 0.0)
        body.append(element("rect", x=float(x), y=float(y), width=float(cell), height=float(cell), fill=fill,
                            stroke=GRID))
        middle = x + cell / 2
        if s in labels:
            body.append(text(middle, y + cell / 2 + 4, labels[s], text_anchor="middle", font_weight="bold",
                             fill=PAPER if s in walls else INK))
        elif s not in walls:
            colour = PAPER if scale and abs(value) / scale > 0.6 else INK
            body.append(text(middle, y + cell * 0.42, f"{value:+.2f}".replace("-", "−"), text_anchor="middle",
                             fill=colour, font_size=min(13, cell // 5)))
            if arrows is not None and arrows[s]:
                body.append(text(middle, y + cell * 0.8, arrows[s], text_anchor="middle", fill=colour))
    if len(route) > 1:
        centres = [(MARGIN + (s % cols + 0.5) * cell, top + (s // cols + 0.5) * cell) for s in route]
        body.append(polyline(centres, ORANGE, 3.0, opacity=0.8))  # the arrows beneath still show
    title_width = round(8.5 * len(title))  # about a bold 14-pixel character's width each
    width, height = 2 * MARGIN + max(cols * cell, title_width), top + rows * cell + MARGIN
    return save(name, document(width, height, body, alt), alt)


def gridworld_map(world: GridWorld, values: Sequence[float], policy: Sequence[int], *, name: str, alt: str,
                  title: str = "") -> Shown:
    """A grid world's values and greedy arrows (lesson 01), its goal and pit named and its walls dark."""
    labels = {s: {"G": "goal", "P": "pit"}[world.kind(s)] for s in world.states if world.is_terminal(s)}
    arrows = [ARROWS[a] for a in policy]
    return grid_chart(world.rows, world.cols, values, arrows=arrows, labels=labels, walls=world.cells("#"),
                      name=name, alt=alt, title=title)


def cliff_map(q: Sequence[Sequence[float]], *, name: str, alt: str, title: str = "") -> Shown:
    """The cliff world (lesson 04) as learned: each cell's best action value and arrow, the cliff and the
    goal named, and the route the greedy policy takes from the start in orange."""
    values = [max(row) for row in q]
    arrows = [CLIFF_ARROWS[row.index(max(row))] for row in q]
    labels = {s: "cliff" for s in CLIFF} | {GOAL: "goal"}
    return grid_chart(ROWS, COLS, values, arrows=arrows, labels=labels, walls=CLIFF, route=greedy_path(q),
                      name=name, alt=alt, title=title)


def _ramp(t: float) -> str:
    """The colour of a value ``t`` between -1 and 1: vermilion, through near-white at 0, to blue."""
    t = max(-1.0, min(1.0, t))
    end = BLUE if t > 0 else VERMILION
    mixed = [round(a + abs(t) * (b - a)) for a, b in zip(_rgb(NEUTRAL), _rgb(end))]
    return "#" + "".join(f"{c:02x}" for c in mixed)


def _rgb(colour: str) -> list[int]:
    return [int(colour[k:k + 2], 16) for k in (1, 3, 5)]
