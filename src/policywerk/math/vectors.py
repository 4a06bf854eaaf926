"""Vectors are plain ``list[float]``; these are the few operations the lessons lean on."""

from collections.abc import Sequence

from policywerk.math.checks import whole


def argmax(xs: Sequence[float]) -> int:
    """Index of the largest entry; ties go to the lowest index, so results never depend on luck."""
    if not xs:
        raise ValueError("argmax of an empty sequence")
    # index() finds the first of equal maxima; both run in C, in the hot loops too.
    return xs.index(max(xs))


def max_abs_diff(xs: Sequence[float], ys: Sequence[float]) -> float:
    """The largest ``|x_i - y_i|``: the sup-norm distance between two value functions."""
    if len(xs) != len(ys):
        raise ValueError(f"vectors differ in length: {len(xs)} and {len(ys)}")
    return max((abs(x - y) for x, y in zip(xs, ys)), default=0.0)


def dot(xs: Sequence[float], ys: Sequence[float]) -> float:
    """The sum of products ``x_i * y_i``."""
    if len(xs) != len(ys):
        raise ValueError(f"vectors differ in length: {len(xs)} and {len(ys)}")
    return sum(x * y for x, y in zip(xs, ys))


def add(*vectors: Sequence[float]) -> list[float]:
    """The element-wise sum of vectors of one length."""
    return [sum(values) for values in zip(*vectors)]


def times(k: float, v: Sequence[float]) -> list[float]:
    """Every entry of ``v`` multiplied by ``k``."""
    return [k * x for x in v]


def moving_average(xs: Sequence[float], window: int) -> list[float]:
    """The mean of the last ``window`` values at each point (of fewer at the start)."""
    whole(window, "window", least=1)
    out, total = [], 0.0
    for i, x in enumerate(xs):
        total += x - (xs[i - window] if i >= window else 0.0)
        out.append(total / min(i + 1, window))
    return out
