r"""A gated recurrent unit (Cho et al. 2014), the deterministic memory of lesson 07's world model.

From an input $x$ and the previous state $h$, with $[a; b]$ for two vectors stacked and $*$ for the
elementwise product:

    u  = sigmoid(W_u [x; h] + b_u)       update gate: how much of the old state to keep
    r  = sigmoid(W_r [x; h] + b_r)       reset gate: how much of the old state the candidate sees
    c  = tanh(W_c [x; r * h] + b_c)      candidate state
    h' = (1 - u) * c + u * h

A sequence is unrolled step by step; ``step`` returns the new state and a record of what it
computed, and ``backward`` takes dL/dh' and that record and returns (dL/dx, dL/dh), accumulating
the weight gradients. Running the records backwards in time is backpropagation through time.
"""

import math
from dataclasses import dataclass
from operator import mul

from policywerk.math.checks import whole
from policywerk.math.random import Rng
from policywerk.math.scalars import sigmoid
from policywerk.nn.layers import Params, add_outer_products


@dataclass
class GRUStep:
    """What one step computed, kept for its backward pass."""

    x: list[float]
    h: list[float]
    xh: list[float]  # [x; h]
    xrh: list[float]  # [x; r * h]
    u: list[float]
    r: list[float]
    c: list[float]


class GRUCell:
    def __init__(self, n_in: int, n_hidden: int, rng: Rng):
        whole(n_in, "a GRU's number of inputs", least=1)
        whole(n_hidden, "a GRU's number of units", least=1)
        self.n_in, self.n_hidden = n_in, n_hidden
        limit = math.sqrt(6.0 / (n_in + 2 * n_hidden))  # Glorot for a layer from [x; h] to h

        def matrix() -> list[list[float]]:
            return [[rng.uniform(-limit, limit) for _ in range(n_in + n_hidden)]
                    for _ in range(n_hidden)]

        self.w_u, self.w_r, self.w_c = matrix(), matrix(), matrix()
        self.b_u, self.b_r, self.b_c = [0.0] * n_hidden, [0.0] * n_hidden, [0.0] * n_hidden
        self.grads = [[[0.0] * (n_in + n_hidden) for _ in range(n_hidden)] for _ in range(3)]
        self.bias_grads = [[0.0] * n_hidden for _ in range(3)]
        self._queues: list[list] | None = None  # per gate, (input, output gradient) in a minibatch
        self._columns: list[list] | None = None  # per gate, W's columns, fixed in a minibatch

    def step(self, x: list[float], h: list[float]) -> tuple[list[float], GRUStep]:
        if len(x) != self.n_in or len(h) != self.n_hidden:
            raise ValueError(f"this GRU takes {self.n_in} inputs and {self.n_hidden} state values, "
                             f"got {len(x)} and {len(h)}")
        xh = x + h
        u = [sigmoid(sum(map(mul, row, xh)) + b) for row, b in zip(self.w_u, self.b_u)]
        r = [sigmoid(sum(map(mul, row, xh)) + b) for row, b in zip(self.w_r, self.b_r)]
        xrh = x + [ri * hi for ri, hi in zip(r, h)]
        c = [math.tanh(sum(map(mul, row, xrh)) + b) for row, b in zip(self.w_c, self.b_c)]
        h_new = [(1.0 - ui) * ci + ui * hi for ui, ci, hi in zip(u, c, h)]
        return h_new, GRUStep(x, h, xh, xrh, u, r, c)

    def backward(self, dh_new: list[float], s: GRUStep) -> tuple[list[float], list[float]]:
        """Accumulate the weight gradients of one step; return (dL/dx, dL/dh)."""
        n_in = self.n_in
        # h' = (1 - u) c + u h
        dc = [g * (1.0 - ui) for g, ui in zip(dh_new, s.u)]
        du = [g * (hi - ci) for g, hi, ci in zip(dh_new, s.h, s.c)]
        dh = [g * ui for g, ui in zip(dh_new, s.u)]
        # through the three pre-activations: tanh' = 1 - c^2, sigmoid' = s (1 - s)
        dc_pre = [g * (1.0 - ci * ci) for g, ci in zip(dc, s.c)]
        d_xrh = self._backward_dense(2, dc_pre, s.xrh, self.w_c)
        d_rh = d_xrh[n_in:]  # the part that flowed into r * h
        dr = [g * hi for g, hi in zip(d_rh, s.h)]
        dh = [d + g * ri for d, g, ri in zip(dh, d_rh, s.r)]
        du_pre = [g * ui * (1.0 - ui) for g, ui in zip(du, s.u)]
        dr_pre = [g * ri * (1.0 - ri) for g, ri in zip(dr, s.r)]
        d_xh_u = self._backward_dense(0, du_pre, s.xh, self.w_u)
        d_xh_r = self._backward_dense(1, dr_pre, s.xh, self.w_r)
        dx = [a + b + c for a, b, c in zip(d_xh_u[:n_in], d_xh_r[:n_in], d_xrh[:n_in])]
        dh = [d + a + b for d, a, b in zip(dh, d_xh_u[n_in:], d_xh_r[n_in:])]
        return dx, dh

    def _backward_dense(self, k: int, dy: list[float], x: list[float],
                        w: list[list[float]]) -> list[float]:
        """For y = W x + b: dW += dy x^T, db += dy; returns W^T dy."""
        if self._queues is not None:  # speed: inside ``minibatch``, added up when the block ends
            self._queues[k].append((x, dy))
            return [sum(map(mul, dy, column)) for column in self._columns[k]]
        dw, db = self.grads[k], self.bias_grads[k]
        for j, g in enumerate(dy):
            if g:
                dw[j][:] = [d + g * xi for d, xi in zip(dw[j], x)]
                db[j] += g
        return [sum(map(mul, dy, column)) for column in zip(*w)]

    def begin_minibatch(self) -> None:
        self._queues = [[], [], []]
        self._columns = [list(zip(*w)) for w in (self.w_u, self.w_r, self.w_c)]

    def end_minibatch(self) -> None:
        queues, self._queues, self._columns = self._queues, None, None
        for k, queue in enumerate(queues or []):
            if queue:
                xs, gs = [x for x, _ in queue], [g for _, g in queue]
                add_outer_products(self.grads[k], self.bias_grads[k], xs, gs)

    def parameters(self) -> Params:
        pairs = []
        gates = (self.w_u, self.b_u), (self.w_r, self.b_r), (self.w_c, self.b_c)
        for (w, b), dw, db in zip(gates, self.grads, self.bias_grads):
            pairs += [*zip(w, dw), (b, db)]
        return pairs

    def zero_grad(self) -> None:
        for _, grads in self.parameters():
            grads[:] = [0.0] * len(grads)
