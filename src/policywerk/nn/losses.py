"""Losses of one prediction against its target, each returning (loss, dloss/dprediction)."""


def squared_error(prediction: float, target: float) -> tuple[float, float]:
    """(1/2) e^2 with e = prediction - target; the gradient is e."""
    e = prediction - target
    return 0.5 * e * e, e


def huber(prediction: float, target: float, delta: float = 1.0) -> tuple[float, float]:
    """Squared error for small errors, absolute error beyond ``delta``: the gradient is e clipped to
    [-delta, delta], which is what DQN's "clip the error to [-1, 1]" amounts to."""
    if delta <= 0.0:
        raise ValueError(f"delta must be positive, got {delta}")
    e = prediction - target
    if abs(e) <= delta:
        return 0.5 * e * e, e
    return delta * (abs(e) - 0.5 * delta), delta if e > 0 else -delta
