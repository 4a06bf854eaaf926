r"""Optimisers: take a step against the accumulated gradients of a list of (values, gradients) pairs.

    SGD    theta <- theta - lr * g
    Adam   m <- b1 m + (1 - b1) g,   v <- b2 v + (1 - b2) g^2,
           theta <- theta - lr * m_hat / (sqrt(v_hat) + eps),  m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t)
"""

import math
from itertools import chain

from policywerk.nn.layers import Params


class SGD:
    def __init__(self, params: Params, lr: float):
        if not lr > 0.0:  # also refuses nan
            raise ValueError(f"the learning rate must be positive, got {lr}")
        self.params, self.lr = params, lr

    def step(self) -> None:
        lr = self.lr
        for values, grads in self.params:
            values[:] = [p - lr * g for p, g in zip(values, grads)]


class Adam:
    """Adam over all its parameters as one vector: the moments m and v are single flat lists, and a
    step is three passes over every parameter at once, not three per weight row (small rows made
    the passes' setting up cost more than their arithmetic)."""

    def __init__(self, params: Params, lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8):
        if not (lr > 0.0 and 0.0 <= beta1 < 1.0 and 0.0 <= beta2 < 1.0 and eps > 0.0):  # also refuses nan
            raise ValueError(f"need lr > 0, betas in [0, 1) and eps > 0; got {lr}, {beta1}, {beta2}, {eps}")
        self.params, self.lr, self.beta1, self.beta2, self.eps = params, lr, beta1, beta2, eps
        size = sum(len(values) for values, _ in params)
        self.m, self.v = [0.0] * size, [0.0] * size
        self.t = 0

    def step(self) -> None:
        self.t += 1
        b1, b2, eps, lr, sqrt = self.beta1, self.beta2, self.eps, self.lr, math.sqrt
        k1, k2 = 1.0 - b1, 1.0 - b2
        c1, c2 = 1.0 - b1 ** self.t, 1.0 - b2 ** self.t  # bias corrections: the moments start at 0
        theta = list(chain.from_iterable(values for values, _ in self.params))
        g = list(chain.from_iterable(grads for _, grads in self.params))
        m = self.m = [b1 * mi + k1 * gi for mi, gi in zip(self.m, g)]
        v = self.v = [b2 * vi + k2 * gi * gi for vi, gi in zip(self.v, g)]
        theta = [p - lr * (mi / c1) / (sqrt(vi / c2) + eps) for p, mi, vi in zip(theta, m, v)]
        start = 0
        for values, _ in self.params:  # back into the network's own lists
            values[:] = theta[start:start + len(values)]
            start += len(values)
