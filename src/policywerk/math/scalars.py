"""Functions of one number that several layers need, written once."""

import math


def sigmoid(v: float) -> float:
    """1 / (1 + e^-v), computed so that e^x never overflows: for negative v as e^v / (1 + e^v)."""
    if v >= 0.0:
        return 1.0 / (1.0 + math.exp(-v))
    e = math.exp(v)
    return e / (1.0 + e)
