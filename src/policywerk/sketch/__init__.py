"""Pictures written as SVG text with the standard library alone: learning curves, bars and grids of values.

``policywerk.viz`` draws the lessons' figures and animations with matplotlib, which the browser does not
have. The try-it cells draw with this package instead, so a picture comes out the same in the site's build
(a file on the page) and in the reader's browser (sent to the page by ``policywerk.tryit``)."""

from policywerk.sketch.charts import bar_chart, line_chart
from policywerk.sketch.grids import cliff_map, grid_chart, gridworld_map

__all__ = ["bar_chart", "cliff_map", "grid_chart", "gridworld_map", "line_chart"]
