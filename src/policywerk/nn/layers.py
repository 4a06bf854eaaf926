r"""Layers, networks of them, and backpropagation through them, one sample at a time.

A dense layer computes $y = W x + b$. With $W$ stored as rows ($W_j$ holds the weights into
output $j$), the backward pass for an output gradient $g = \partial L / \partial y$ is

    dL/dW_j += g_j x        dL/db_j += g_j        dL/dx = sum_j g_j W_j

so it needs the layer's input $x$; an activation's backward pass needs its output. A network's
forward pass keeps every layer's input and the output in a ``Trace``, and its backward pass walks
that trace in reverse: nothing is computed twice. ``forward`` keeps its trace as ``last``, for the
usual case of a backward pass that follows at once; ``trace`` hands it over, for a model that runs
a network several times before backpropagating through any of those passes.

Gradients accumulate over the samples of a minibatch until ``zero_grad``. The inner loops are
written for CPython's speed: a dot product is ``sum(map(mul, row, x))``, a scaled row is one list
comprehension, rows whose output gradient is exactly 0 (a ReLU that was off) are skipped, and
inputs that are mostly 0 (pixels) are read only where they are not.

Inside ``with minibatch(net, ...)`` the layers keep each sample's input and output gradient
instead and add up $\sum_s g_s x_s^T$ when the block ends, one dot product over the samples per
weight: the same sums, about three times faster in CPython than adding one outer product per
sample. The world model of lesson 07, which backpropagates thousands of steps per update, uses it;
so does DQN, whose pixel inputs are then added up only where they are lit.

``trace_batch`` and ``backward_batch`` run a whole minibatch through a network at once, each value
held as a column (one unit's value in every sample): each sum takes a pass over the samples per
four of its terms. PPO's small networks, whose rows of four weights cost more in Python calls than
in arithmetic, run much faster so; every number comes out as in sample-by-sample passes, bit for bit.
"""

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import compress
from operator import add, itemgetter, mul

from policywerk.math.checks import whole
from policywerk.math.random import Rng

# (values, gradients) pairs, updated in place by an optimiser
Params = list[tuple[list[float], list[float]]]


def _lit(x: list[float]) -> list[int] | None:
    """The positions of x's non-zero values if they are fewer than a third of them (and at least
    two), else None."""
    zeros = x.count(0.0)
    if 3 * zeros <= 2 * len(x) or zeros > len(x) - 2:
        return None
    return list(compress(range(len(x)), x))


class Dense:
    def __init__(self, n_in: int, n_out: int, rng: Rng, init: str = "he"):
        whole(n_in, "a dense layer's number of inputs", least=1)
        whole(n_out, "a dense layer's number of outputs", least=1)
        if init not in ("he", "glorot"):
            raise ValueError("init must be 'he' (before a ReLU) or 'glorot' (before tanh or none),"
                             f" got {init!r}")
        # Uniform weights whose variance keeps activations at a steady scale from layer to layer.
        limit = math.sqrt(6.0 / n_in) if init == "he" else math.sqrt(6.0 / (n_in + n_out))
        self.w = [[rng.uniform(-limit, limit) for _ in range(n_in)] for _ in range(n_out)]
        self.b = [0.0] * n_out
        self.dw = [[0.0] * n_in for _ in range(n_out)]
        self.db = [0.0] * n_out
        self._queue: list[tuple[list[float], list[float]]] | None = None  # (x, dy), in a minibatch
        self._columns: list[tuple[float, ...]] | None = None  # W's columns, fixed in a minibatch

    def forward(self, x: list[float]) -> list[float]:
        """y = W x + b."""
        if len(x) != len(self.w[0]):
            raise ValueError(f"this layer takes {len(self.w[0])} inputs, got {len(x)}")
        lit = _lit(x)
        if lit is None:
            return [sum(map(mul, row, x)) + b for row, b in zip(self.w, self.b)]
        # speed: mostly-0 inputs (pixels) are read only where they are not 0; if those are all 1,
        # W_j x is just the sum of their weights
        pick = itemgetter(*lit)  # row -> the tuple of its values at the lit positions
        values = pick(x)
        if values.count(1.0) == len(values):
            return [sum(pick(row)) + b for row, b in zip(self.w, self.b)]
        return [sum(map(mul, pick(row), values)) + b for row, b in zip(self.w, self.b)]

    def backward(self, dy: list[float], x: list[float], y: list[float] | None = None,
                 input_grad: bool = True) -> list[float] | None:
        """Accumulate dL/dW and dL/db for the input ``x`` that gave the output ``y`` (which is not
        needed); return dL/dx unless ``input_grad`` is False (the first layer of a network, whose
        input is data, needs none: half the work saved)."""
        if self._queue is not None:  # speed: inside ``minibatch``, added up when the block ends
            self._queue.append((x, dy))
        else:
            lit = _lit(x)
            for j, g in enumerate(dy):
                if not g:
                    continue  # speed: nothing to add (a ReLU that was off)
                dw_j = self.dw[j]
                if lit is not None:  # speed: only where x is not 0
                    for i in lit:
                        dw_j[i] += g * x[i]  # dL/dW_j += g_j x
                else:
                    dw_j[:] = [d + g * xi for d, xi in zip(dw_j, x)]  # dL/dW_j += g_j x
                self.db[j] += g  # dL/db_j += g_j
        if not input_grad:
            return None
        rows = [(g, row) for g, row in zip(dy, self.w) if g]
        if len(rows) > 3 and 4 * len(rows) > len(dy):
            # dL/dx_i = sum_j g_j W_ji, a dot product down each column of W
            return [sum(map(mul, dy, column)) for column in self._weight_columns()]
        # speed: when few outputs have a gradient (one action's Q-value, a single output), add up
        # just their rows: dL/dx = sum_j g_j W_j over those j, the same sum without its zero terms
        dx = [0.0] * len(self.w[0])
        for g, row in rows:
            dx = [d + g * w for d, w in zip(dx, row)]
        return dx

    def _weight_columns(self) -> list[tuple[float, ...]]:
        """W's columns (W_1i, ..., W_ni): worked out once per minibatch, whose weights are fixed."""
        if self._queue is None:
            return list(zip(*self.w))
        if self._columns is None:
            self._columns = list(zip(*self.w))
        return self._columns

    def begin_minibatch(self) -> None:
        self._queue, self._columns = [], None

    def end_minibatch(self) -> None:
        queue, self._queue, self._columns = self._queue, None, None
        if queue:
            add_outer_products(self.dw, self.db, [x for x, _ in queue], [g for _, g in queue])

    def forward_batch(self, xs: list[list[float]]) -> list[list[float]]:
        """``forward`` for a whole minibatch held as columns (``xs[i]``: input i of every sample):
        the same sums, added term by term in the same order (the bias last)."""
        if len(xs) != len(self.w[0]):
            raise ValueError(f"this layer takes {len(self.w[0])} inputs, got {len(xs)}")
        inputs = [*xs, [1.0] * len(xs[0])]  # b_j as the weight of an input that is always 1
        return [weighted_columns([*row, b], inputs) for row, b in zip(self.w, self.b)]

    def backward_batch(self, dys: list[list[float]], xs: list[list[float]],
                       ys: list[list[float]] | None = None,
                       input_grad: bool = True) -> list[list[float]] | None:
        """``backward`` for a minibatch held as columns: adds up every sample's dL/dW and dL/db at
        once (dW_ji += sum_s g_sj x_si) and returns dL/dx as columns, or None."""
        for j, g in enumerate(dys):
            if any(g):
                self.dw[j][:] = [d + sum(map(mul, g, x)) for d, x in zip(self.dw[j], xs)]
                self.db[j] += sum(g)
        if not input_grad:
            return None
        # dL/dx_i = sum_j W_ji g_j, for every sample at once
        return [weighted_columns(column, dys) for column in zip(*self.w)]

    def parameters(self) -> Params:
        return [*zip(self.w, self.dw), (self.b, self.db)]


def weighted_columns(weights: list[float], columns: list[list[float]]) -> list[float]:
    """w_0 x_0 + w_1 x_1 + ... for every sample at once (``columns[i]``: x_i in each sample), the
    terms added left to right as a sample's own sum adds them; four terms to a pass over the
    samples, which Python makes about as fast as one."""
    w, x = weights, columns
    y = [w[0] * a for a in x[0]]
    i = 1
    while len(w) - i >= 4:
        wa, wb, wc, wd = w[i:i + 4]
        y = [s + wa * a + wb * b + wc * c + wd * d for s, a, b, c, d in zip(y, *x[i:i + 4])]
        i += 4
    for w_i, x_i in zip(w[i:], x[i:]):
        y = [s + w_i * a for s, a in zip(y, x_i)]
    return y


def add_outer_products(dw: list[list[float]], db: list[float], xs: list[list[float]],
                       gs: list[list[float]]) -> None:
    """dW += sum_s g_s x_s^T and db += sum_s g_s over the samples s, one dot product per weight:
    dW_ji += (g_1j, ..., g_Sj) . (x_1i, ..., x_Si)."""
    lits = [_lit(x) for x in xs]
    if None not in lits:  # speed: inputs that are mostly 0 (pixels)
        _add_sparse_outer_products(dw, db, xs, gs, lits)
        return
    x_columns = list(zip(*xs))
    for j, g in enumerate(zip(*gs)):
        if any(g):
            dw[j][:] = [d + sum(map(mul, g, x)) for d, x in zip(dw[j], x_columns)]
            db[j] += sum(g)


def _add_sparse_outer_products(dw: list[list[float]], db: list[float], xs: list[list[float]],
                               gs: list[list[float]], lits: list[list[int]]) -> None:
    """The same sums for inputs that are mostly 0, read only where they are not: input i's column
    of dW gets sum_s x_si g_s over the samples s whose x_si is not 0."""
    terms = [[] for _ in dw[0]]  # per input i, the vectors x_si g_s of the samples that light it
    for x, g, lit in zip(xs, gs, lits):
        for i in lit:
            terms[i].append(g if x[i] == 1.0 else [x[i] * gj for gj in g])
    nothing = (0.0,) * len(dw)
    column_sums = [tuple(map(sum, zip(*t))) if t else nothing for t in terms]
    for j, (row, added) in enumerate(zip(dw, zip(*column_sums))):
        row[:] = map(add, row, added)
        db[j] += sum(g[j] for g in gs)


@contextmanager
def minibatch(*modules) -> Iterator[None]:
    """Queue the weight gradients of ``modules`` (networks, layers, GRU cells) inside the block and
    add them up when it ends. The weights must not change inside: an optimiser steps after it."""
    for module in modules:
        module.begin_minibatch()
    try:
        yield
    finally:
        for module in modules:
            module.end_minibatch()


class ReLU:
    """max(0, x), elementwise; its gradient passes where the output is positive (the input was)."""

    def forward(self, x: list[float]) -> list[float]:
        return [v if v > 0.0 else 0.0 for v in x]

    def backward(self, dy: list[float], x: list[float], y: list[float],
                 input_grad: bool = True) -> list[float]:
        return [g if v > 0.0 else 0.0 for g, v in zip(dy, y)]

    def forward_batch(self, xs: list[list[float]]) -> list[list[float]]:
        return [self.forward(x) for x in xs]

    def backward_batch(self, dys: list[list[float]], xs: list[list[float]], ys: list[list[float]],
                       input_grad: bool = True) -> list[list[float]]:
        return [self.backward(dy, x, y) for dy, x, y in zip(dys, xs, ys)]

    def parameters(self) -> Params:
        return []


class Tanh:
    """tanh(x), elementwise; its derivative is 1 - tanh(x)^2, read off the output."""

    def forward(self, x: list[float]) -> list[float]:
        return list(map(math.tanh, x))

    def backward(self, dy: list[float], x: list[float], y: list[float],
                 input_grad: bool = True) -> list[float]:
        return [g * (1.0 - v * v) for g, v in zip(dy, y)]

    def forward_batch(self, xs: list[list[float]]) -> list[list[float]]:
        return [self.forward(x) for x in xs]

    def backward_batch(self, dys: list[list[float]], xs: list[list[float]], ys: list[list[float]],
                       input_grad: bool = True) -> list[list[float]]:
        return [self.backward(dy, x, y) for dy, x, y in zip(dys, xs, ys)]

    def parameters(self) -> Params:
        return []


@dataclass
class Trace:
    """One forward pass through a network, all that its backward pass needs: ``values[k]`` is the
    input of layer k, and the last value is the network's output. Its lists are not to change."""

    values: list[list[float]]

    @property
    def output(self) -> list[float]:
        return self.values[-1]


@dataclass
class BatchTrace:
    """A minibatch's forward pass through a network, every value held as columns: ``values[k][i]``
    lists unit i's value in each sample at the input of layer k; the last holds the outputs."""

    values: list[list[list[float]]]

    @property
    def output(self) -> list[list[float]]:
        return self.values[-1]


class Sequential:
    """Layers applied in order; backward runs them in reverse."""

    def __init__(self, *layers):
        self.layers = list(layers)
        self.last: Trace | None = None  # the last ``forward`` pass, for a backward pass right after

    def trace(self, x: list[float]) -> Trace:
        """The forward pass, keeping every layer's input and the output."""
        values = [x]
        for layer in self.layers:
            values.append(layer.forward(values[-1]))
        return Trace(values)

    def forward(self, x: list[float]) -> list[float]:
        self.last = self.trace(x)
        return self.last.output

    def backward(self, dy: list[float], trace: Trace | None = None,
                 input_grad: bool = False) -> list[float] | None:
        """Backpropagate ``dy`` = dL/d(output) through ``trace`` (by default the last ``forward``
        pass), accumulating the parameter gradients; return dL/d(input) only if ``input_grad``."""
        values = (trace or self.last).values
        for k in range(len(self.layers) - 1, -1, -1):
            x, y = values[k], values[k + 1]  # the layer's input and output
            # the first layer's input gradient only on request: its input is data
            dy = self.layers[k].backward(dy, x, y, input_grad=k > 0 or input_grad)
        return dy if input_grad else None

    def trace_batch(self, xs: list[list[float]]) -> BatchTrace:
        """The forward passes of a minibatch ``xs`` (a list per sample), all at once: each layer
        computes each of its values for every sample in one go. The same sums as ``trace``, with
        far fewer Python calls per sample, which is what small networks spend their time on."""
        values = [[list(column) for column in zip(*xs)]]  # the samples as columns
        for layer in self.layers:
            values.append(layer.forward_batch(values[-1]))
        return BatchTrace(values)

    def backward_batch(self, dys: list[list[float]], trace: BatchTrace,
                       input_grad: bool = False) -> list[list[float]] | None:
        """``backward`` through a ``trace_batch``: ``dys`` holds dL/d(output) as columns
        (``dys[j]``: output j's gradient in each sample); the samples' gradients add up at once.
        Returns dL/d(input) as columns only if ``input_grad``."""
        values = trace.values
        for k in range(len(self.layers) - 1, -1, -1):
            x, y = values[k], values[k + 1]  # the layer's input and output, as columns
            dys = self.layers[k].backward_batch(dys, x, y, input_grad=k > 0 or input_grad)
        return dys if input_grad else None

    def parameters(self) -> Params:
        return [pair for layer in self.layers for pair in layer.parameters()]

    def zero_grad(self) -> None:
        for _, grads in self.parameters():
            grads[:] = [0.0] * len(grads)

    def begin_minibatch(self) -> None:
        for layer in self.layers:
            if isinstance(layer, Dense):
                layer.begin_minibatch()

    def end_minibatch(self) -> None:
        for layer in self.layers:
            if isinstance(layer, Dense):
                layer.end_minibatch()

    def copy_from(self, other: "Sequential") -> None:
        """Take ``other``'s parameter values (a target network refreshed from the online one)."""
        mine, theirs = self.parameters(), other.parameters()
        if [len(v) for v, _ in mine] != [len(v) for v, _ in theirs]:
            raise ValueError("the two networks have different shapes")
        for (values, _), (source, _) in zip(mine, theirs):
            values[:] = source


def mlp(sizes: list[int], rng: Rng, activation: str = "relu") -> Sequential:
    """A multilayer perceptron: dense layers of the given sizes with ``activation`` between them
    (not after the last, whose outputs are left linear)."""
    if len(sizes) < 2:
        raise ValueError(f"an MLP needs at least an input and an output size, got {sizes}")
    if activation not in ("relu", "tanh"):
        raise ValueError(f"activation must be 'relu' or 'tanh', got {activation!r}")
    layers = []
    for k, (n_in, n_out) in enumerate(zip(sizes, sizes[1:])):
        last = k == len(sizes) - 2
        init = "glorot" if last or activation == "tanh" else "he"
        layers.append(Dense(n_in, n_out, rng, init=init))
        if not last:
            layers.append(ReLU() if activation == "relu" else Tanh())
    return Sequential(*layers)
