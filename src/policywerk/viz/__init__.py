"""Drawings and animations: the only layer that imports matplotlib.

Figures are made with ``matplotlib.figure.Figure`` and the Agg canvas directly, never through pyplot,
so nothing global is touched and a figure is freed as soon as it goes out of scope.
"""
