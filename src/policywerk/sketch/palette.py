"""The house colours, shared by the pictures matplotlib draws (``policywerk.viz``) and the ones written as
SVG (``policywerk.sketch``): Okabe & Ito's palette, distinguishable under the common colour-vision
deficiencies. Standard library only, so the browser's copy of the library has it too."""

INK = "#1f2328"
MUTED = "#6e7781"
GRID = "#d0d7de"
PAPER = "#ffffff"
BLUE = "#0072b2"
ORANGE = "#e69f00"
GREEN = "#009e73"
VERMILION = "#d55e00"
SKY = "#56b4e9"
PURPLE = "#cc79a7"
YELLOW = "#f0e442"
SERIES = (BLUE, ORANGE, GREEN, VERMILION, PURPLE, SKY)
NEUTRAL = "#f7f7f7"  # the middle of the value ramp: vermilion below zero, blue above
