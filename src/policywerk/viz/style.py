"""The house style every lesson shares: one palette (Okabe & Ito's, in ``policywerk.sketch.palette``, which
the SVG pictures share), one font, one width."""

from contextlib import contextmanager

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure

from policywerk.sketch.palette import (  # noqa: F401 - the palette, re-exported for viz's modules
    BLUE,
    GREEN,
    GRID,
    INK,
    MUTED,
    NEUTRAL,
    ORANGE,
    PAPER,
    PURPLE,
    SERIES,
    SKY,
    VERMILION,
    YELLOW,
)

HOUSE_COLOURS = (PAPER, INK, MUTED, GRID, *SERIES, YELLOW)  # kept exact in every animation's palette

# Values: negative in vermilion, zero white, positive in blue (a diverging ramp readable in grey too).
VALUE_CMAP = LinearSegmentedColormap.from_list("policywerk_value", [VERMILION, NEUTRAL, BLUE], N=64)

DPI = 100
WIDTH_PX = 1100  # about the content width of a Material page; frames are shown at their own size

RC = {
    "font.family": "DejaVu Sans",
    "font.size": 10.5,
    "axes.titlesize": 11.5,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 10,
    "axes.edgecolor": MUTED,
    "axes.labelcolor": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": matplotlib.cycler(color=SERIES),
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "xtick.labelcolor": INK,
    "ytick.labelcolor": INK,
    "text.color": INK,
    "figure.facecolor": PAPER,
    "axes.facecolor": PAPER,
    "savefig.facecolor": PAPER,
    "lines.linewidth": 2.0,
    "legend.frameon": False,
    "svg.hashsalt": "policywerk",
}


@contextmanager
def house_style():
    """Matplotlib's own defaults, whatever matplotlibrc the reader has, and the house style over them: the
    same run draws the same bytes on every machine."""
    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        matplotlib.rcParams.update(RC)
        yield


def new_figure(height_px: int, width_px: int = WIDTH_PX) -> Figure:
    """A figure of the given pixel size on its own Agg canvas (no pyplot, no global state)."""
    fig = Figure(figsize=(width_px / DPI, height_px / DPI), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig
