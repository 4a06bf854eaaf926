"""Tests for policywerk.nn: dense layers, activations, backpropagation, losses and optimisers.

Expected values come from literal numbers, from numpy (an independent reference forward pass built
from the layers' weights, which are data), or from central finite differences of that numpy
reference.
"""

import contextlib
import math
import re

import numpy as np
import pytest

from policywerk.math.random import Rng
from policywerk.nn.layers import Dense, ReLU, Sequential, Tanh, minibatch, mlp, weighted_columns
from policywerk.nn.losses import huber, squared_error
from policywerk.nn.optim import SGD, Adam

# Finite differences: the central difference has truncation error ~ h^2 |f'''| ~ 1e-12 and rounding
# error ~ 1e-16 |f| / h ~ 1e-10 for losses of order 1, so h = 1e-6 keeps both far below a relative
# tolerance of 1e-6; the absolute floor of 1e-8 covers entries whose true gradient is (close to) 0.
H = 1e-6
RTOL = 1e-6
ATOL = 1e-8


# --- helpers: an independent numpy reference ------------------------------------------------------
def numeric_grad(f, arrays):
    """Central differences of the scalar f() with respect to every entry of every array (perturbed
    in place)."""
    grads = []
    for a in arrays:
        g = np.zeros_like(a)
        for idx in np.ndindex(a.shape):
            old = a[idx]
            a[idx] = old + H
            fp = f()
            a[idx] = old - H
            fm = f()
            a[idx] = old
            g[idx] = (fp - fm) / (2 * H)
        grads.append(g)
    return grads


def assert_grad_close(analytic, numeric):
    np.testing.assert_allclose(np.asarray(analytic, dtype=float), numeric, rtol=RTOL, atol=ATOL)


def np_weights(net):
    """The (W, b) of every Dense layer of ``net``, copied into numpy arrays."""
    return [(np.array(layer.w, dtype=float), np.array(layer.b, dtype=float))
            for layer in net.layers if isinstance(layer, Dense)]


def np_forward(net, weights, x):
    """The network's function recomputed in numpy from ``weights`` (so they can be perturbed)."""
    z, k = np.asarray(x, dtype=float), 0
    for layer in net.layers:
        if isinstance(layer, Dense):
            w, b = weights[k]
            z, k = w @ z + b, k + 1
        elif isinstance(layer, ReLU):
            z = np.maximum(z, 0.0)
        elif isinstance(layer, Tanh):
            z = np.tanh(z)
        else:
            raise TypeError(layer)
    return z


def np_preactivations(net, x):
    """Inputs to every ReLU/Tanh layer, for checking that no ReLU sits on its kink."""
    z, out = np.asarray(x, dtype=float), []
    for layer in net.layers:
        if isinstance(layer, Dense):
            z = np.array(layer.w) @ z + np.array(layer.b)
        else:
            out.append(z.copy())
            z = np.maximum(z, 0.0) if isinstance(layer, ReLU) else np.tanh(z)
    return out


def ref_huber(e, delta):
    return 0.5 * e * e if abs(e) <= delta else delta * (abs(e) - 0.5 * delta)


def randomise_biases(net, gen):
    """Biases start at 0; give them values so that they matter in the checks."""
    for layer in net.layers:
        if isinstance(layer, Dense):
            layer.b[:] = gen.normal(scale=0.3, size=len(layer.b)).tolist()


def sparse_input(gen, n, n_nonzero):
    x = np.zeros(n)
    idx = gen.choice(n, size=n_nonzero, replace=False)
    x[idx] = gen.uniform(0.2, 2.5, size=n_nonzero) * gen.choice([-1.0, 1.0], size=n_nonzero)
    return x


# --- Dense: gradient checks -----------------------------------------------------------------------
def check_dense_gradients(n_in, n_out, x, seed):
    gen = np.random.default_rng(seed)
    layer = Dense(n_in, n_out, Rng(seed))
    layer.b[:] = gen.normal(size=n_out).tolist()
    c = gen.normal(size=n_out)
    w, b, xv = np.array(layer.w), np.array(layer.b), np.array(x, dtype=float)

    xs = list(map(float, x))
    dx = layer.backward(c.tolist(), xs, layer.forward(xs))

    num_w, num_b, num_x = numeric_grad(lambda: float(c @ (w @ xv + b)), [w, b, xv])
    assert_grad_close(layer.dw, num_w)
    assert_grad_close(layer.db, num_b)
    assert_grad_close(dx, num_x)


def test_dense_gradients_match_finite_differences_on_dense_inputs():
    """Weight, bias and input gradients of a Dense layer agree with finite differences for a dense
    input."""
    gen = np.random.default_rng(10)
    check_dense_gradients(6, 4, gen.normal(size=6), seed=10)


@pytest.mark.parametrize("n_nonzero", [0, 1, 3, 9, 10, 30])
def test_dense_gradients_match_finite_differences_at_every_sparsity(n_nonzero):
    """Dense gradients are right on both sides of the 'fewer than a third non-zero' sparse-path
    threshold."""
    # With 30 inputs, 2..9 non-zero take the sparse path; 0, 1 and 10 or more the dense one.
    gen = np.random.default_rng(100 + n_nonzero)
    check_dense_gradients(30, 5, sparse_input(gen, 30, n_nonzero), seed=100 + n_nonzero)


def test_dense_sparse_path_with_ten_percent_non_binary_inputs():
    """A 10%-non-zero input with non-binary values gets the gradient dL/dW_j = g_j x exactly where
    x != 0."""
    gen = np.random.default_rng(11)
    x = sparse_input(gen, 100, 10)
    check_dense_gradients(100, 7, x, seed=11)
    layer = Dense(100, 3, Rng(1))
    layer.backward([0.5, -2.0, 0.0], x.tolist(), layer.forward(x.tolist()))
    expected = np.outer([0.5, -2.0, 0.0], x)
    np.testing.assert_allclose(np.array(layer.dw), expected, rtol=0, atol=1e-15)
    assert layer.db == [0.5, -2.0, 0.0]


def test_dense_backward_without_input_grad_returns_none_but_still_accumulates():
    """Dense.backward(input_grad=False) returns None and still fills dw and db."""
    layer = Dense(3, 2, Rng(2))
    x = [1.0, -2.0, 0.5]
    assert layer.backward([3.0, -1.0], x, layer.forward(x), input_grad=False) is None
    np.testing.assert_allclose(layer.dw, [[3.0, -6.0, 1.5], [-1.0, 2.0, -0.5]], rtol=0, atol=1e-15)
    assert layer.db == [3.0, -1.0]


@pytest.mark.parametrize("kind", ["binary", "non-binary", "mixed", "negative ones", "twos"])
@pytest.mark.parametrize("n_nonzero", [0, 1, 4, 9, 10, 30])
def test_dense_forward_matches_numpy_on_sparse_binary_and_non_binary_inputs(kind, n_nonzero):
    """W x + b is right whichever forward path the input's sparsity and values select."""
    gen = np.random.default_rng(200 + n_nonzero)
    x = sparse_input(gen, 30, n_nonzero)
    on = np.flatnonzero(x)
    if kind == "binary":
        x[on] = 1.0
    elif kind == "mixed" and len(on):
        # mostly ones but at least one other value when there are two or more
        x[on[: len(on) // 2 + 1]] = 1.0
    elif kind == "negative ones":
        x[on] = -1.0
    elif kind == "twos":  # all equal, but not 1
        x[on] = 2.0
    layer = Dense(30, 6, Rng(200 + n_nonzero))
    layer.b[:] = gen.normal(size=6).tolist()
    expected = np.array(layer.w) @ x + np.array(layer.b)
    np.testing.assert_allclose(layer.forward(x.tolist()), expected, rtol=1e-12, atol=1e-13)


def test_dense_gradients_match_finite_differences_for_a_sparse_binary_input():
    """The binary-pixel case (10% of inputs exactly 1.0) gets correct weight, bias and input
    gradients."""
    gen = np.random.default_rng(12)
    x = np.zeros(50)
    x[gen.choice(50, size=5, replace=False)] = 1.0
    check_dense_gradients(50, 4, x, seed=12)


def test_dense_forward_is_w_x_plus_b():
    """Dense.forward computes W x + b with W stored as one row per output."""
    layer = Dense(3, 2, Rng(3))
    layer.w = [[1.0, 2.0, 3.0], [-1.0, 0.5, 0.0]]
    layer.b = [0.25, -1.0]
    expected = [1.0 - 2.0 + 6.0 + 0.25, -1.0 - 0.5 - 1.0]
    assert layer.forward([1.0, -1.0, 2.0]) == pytest.approx(expected)


# --- activations ----------------------------------------------------------------------------------
def test_relu_gradient_matches_finite_differences_away_from_zero():
    """ReLU passes the output gradient where the input is positive and blocks it elsewhere."""
    gen = np.random.default_rng(20)
    x = gen.normal(size=12)
    x[np.abs(x) < 0.1] += 0.5  # keep every input at least ~0.1 from the kink, far beyond h
    c = gen.normal(size=12)
    relu = ReLU()
    y = relu.forward(x.tolist())
    np.testing.assert_array_equal(y, np.maximum(x, 0.0))
    dx = relu.backward(c.tolist(), x.tolist(), y)
    (num,) = numeric_grad(lambda: float(c @ np.maximum(x, 0.0)), [x])
    assert_grad_close(dx, num)
    assert relu.parameters() == []


def test_relu_passes_no_gradient_at_exactly_zero():
    """At x = 0 ReLU uses the subgradient 0 (its gradient passes only where the input was
    positive)."""
    relu, x = ReLU(), [0.0, -0.0, 1e-300]
    assert relu.backward([5.0, 5.0, 5.0], x, relu.forward(x)) == [0.0, 0.0, 5.0]


def test_tanh_gradient_matches_finite_differences():
    """Tanh's backward is g (1 - tanh(x)^2), checked against finite differences."""
    gen = np.random.default_rng(21)
    x = gen.normal(scale=1.5, size=10)
    c = gen.normal(size=10)
    tanh = Tanh()
    y = tanh.forward(x.tolist())
    np.testing.assert_allclose(y, np.tanh(x), rtol=1e-15, atol=0)
    dx = tanh.backward(c.tolist(), x.tolist(), y)
    (num,) = numeric_grad(lambda: float(c @ np.tanh(x)), [x])
    assert_grad_close(dx, num)
    assert tanh.parameters() == []


# --- a whole MLP ----------------------------------------------------------------------------------
def mlp_gradient_check(activation, loss, seed):
    gen = np.random.default_rng(seed)
    net = mlp([7, 5, 4, 3], Rng(seed), activation)
    randomise_biases(net, gen)
    x = gen.normal(size=7)
    if activation == "relu":  # a finite difference across a ReLU kink would be meaningless
        assert all(np.min(np.abs(z)) > 1e-3 for z in np_preactivations(net, x))
    weights = np_weights(net)
    xv = x.copy()

    if loss == "linear":
        c = gen.normal(size=3)

        def f():
            return float(c @ np_forward(net, weights, xv))

        dy = c.tolist()
    else:  # Huber of output 1 against a target 2.5 away, so the error is in the linear region
        y = net.forward(x.tolist())
        target = y[1] - 2.5
        _, g = huber(y[1], target)

        def f():
            return ref_huber(np_forward(net, weights, xv)[1] - target, 1.0)

        dy = [0.0, g, 0.0]

    net.zero_grad()
    net.forward(x.tolist())
    dx = net.backward(dy, input_grad=True)

    arrays = [a for wb in weights for a in wb]
    numeric = numeric_grad(f, arrays + [xv])
    dense = [layer for layer in net.layers if isinstance(layer, Dense)]
    for layer, (num_w, num_b) in zip(dense, zip(numeric[0:-1:2], numeric[1:-1:2])):
        assert_grad_close(layer.dw, num_w)
        assert_grad_close(layer.db, num_b)
    assert_grad_close(dx, numeric[-1])


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_mlp_gradients_match_finite_differences_for_a_linear_loss(activation):
    """Every parameter gradient and the input gradient of mlp([7, 5, 4, 3]) match finite differences
    of sum c_k y_k."""
    mlp_gradient_check(activation, "linear", seed=30)


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_mlp_gradients_match_finite_differences_for_a_huber_loss(activation):
    """Backpropagating Huber's gradient of one output matches finite differences of that loss."""
    mlp_gradient_check(activation, "huber", seed=31)


def test_mlp_huber_check_with_a_small_error_in_the_quadratic_region():
    """The Huber chain rule also holds when the error is inside delta (quadratic region)."""
    gen = np.random.default_rng(32)
    net = mlp([7, 5, 4, 3], Rng(32), "tanh")
    randomise_biases(net, gen)
    x = gen.normal(size=7)
    weights = np_weights(net)
    target = float(np_forward(net, weights, x)[0]) + 0.4
    net.forward(x.tolist())
    _, g = huber(net.forward(x.tolist())[0], target)
    net.backward([g, 0.0, 0.0])
    numeric = numeric_grad(lambda: ref_huber(np_forward(net, weights, x)[0] - target, 1.0),
                           [a for wb in weights for a in wb])
    for layer, num_w in zip([la for la in net.layers if isinstance(la, Dense)], numeric[0::2]):
        assert_grad_close(layer.dw, num_w)


# --- accumulation and Sequential.backward's return value ------------------------------------------
def test_gradients_accumulate_over_samples_until_zero_grad():
    """Two backward passes without zero_grad give the sum of the two single-sample gradients."""
    gen = np.random.default_rng(40)
    net = mlp([4, 6, 2], Rng(40), "tanh")
    randomise_biases(net, gen)
    x1, x2, c = gen.normal(size=4), gen.normal(size=4), gen.normal(size=2)
    weights = np_weights(net)

    def single(x):
        net.zero_grad()
        net.forward(x.tolist())
        net.backward(c.tolist())
        return [np.array(g, dtype=float) for _, g in net.parameters()]

    g1, g2 = single(x1), single(x2)
    net.zero_grad()
    for x in (x1, x2):
        net.forward(x.tolist())
        net.backward(c.tolist())
    both = [np.array(g, dtype=float) for _, g in net.parameters()]
    for a, s1, s2 in zip(both, g1, g2):
        np.testing.assert_allclose(a, s1 + s2, rtol=1e-12, atol=1e-15)

    def summed():
        return float(c @ np_forward(net, weights, x1) + c @ np_forward(net, weights, x2))

    # ... and the sum is the gradient of the summed loss (finite differences of the numpy reference)
    numeric = numeric_grad(summed, [a for wb in weights for a in wb])
    dense = [layer for layer in net.layers if isinstance(layer, Dense)]
    for layer, num_w, num_b in zip(dense, numeric[0::2], numeric[1::2]):
        assert_grad_close(layer.dw, num_w)
        assert_grad_close(layer.db, num_b)
    net.zero_grad()
    assert all(g == [0.0] * len(g) for _, g in net.parameters())


def test_dense_gradients_accumulate_on_the_sparse_and_the_dense_path_alike():
    """A sparse sample after a dense one (and another sparse one) adds to dw instead of overwriting
    it."""
    gen = np.random.default_rng(41)
    layer = Dense(40, 3, Rng(41))
    xs = [gen.normal(size=40), sparse_input(gen, 40, 4), sparse_input(gen, 40, 4)]
    xs[2][np.flatnonzero(xs[1])[:2]] = [1.5, -0.75]  # two inputs non-zero in both sparse samples
    gs = [gen.normal(size=3) for _ in xs]
    for x, g in zip(xs, gs):
        layer.backward(g.tolist(), x.tolist(), layer.forward(x.tolist()), input_grad=False)
    expected = sum(np.outer(g, x) for x, g in zip(xs, gs))
    np.testing.assert_allclose(layer.dw, expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(layer.db, sum(gs), rtol=1e-12, atol=1e-15)


def test_sequential_backward_returns_none_by_default_and_the_input_gradient_on_request():
    """Sequential.backward gives None unless input_grad=True, then dL/dx (here W2 diag(relu') W1, by
    hand)."""
    net = Sequential(Dense(2, 2, Rng(0)), ReLU(), Dense(2, 1, Rng(0)))
    net.layers[0].w = [[1.0, 2.0], [3.0, -1.0]]
    net.layers[2].w = [[0.5, -4.0]]
    x = [1.0, 1.0]  # pre-activations 3 and 2: both ReLUs are on
    assert net.last is None  # no forward pass yet
    net.forward(x)
    assert net.backward([1.0]) is None
    net.forward(x)
    by_hand = [2 * (0.5 * 1 - 4.0 * 3), 2 * (0.5 * 2 + 4.0)]
    assert net.backward([2.0], input_grad=True) == pytest.approx(by_hand)


def test_backpropagating_through_kept_traces_matches_a_backward_pass_after_each_forward():
    """Three forward passes first, then backpropagation through each one's trace, last first: the
    input gradients of a backward pass right after each forward pass, and the same weight gradients
    (added up in another order)."""
    gen = np.random.default_rng(43)
    net = mlp([5, 4, 3], Rng(43))
    randomise_biases(net, gen)
    xs = [gen.normal(size=5).tolist() for _ in range(3)]
    gs = [gen.normal(size=3).tolist() for _ in xs]
    net.zero_grad()
    at_once = []
    for x, g in zip(xs, gs):
        net.forward(x)
        at_once.append(net.backward(g, input_grad=True))
    expected = [list(g) for _, g in net.parameters()]
    net.zero_grad()
    traces = [net.trace(x) for x in xs]
    assert [t.output for t in traces] == [net.forward(x) for x in xs]
    later = [net.backward(g, t, input_grad=True) for g, t in zip(gs[::-1], traces[::-1])]
    assert later[::-1] == at_once
    for a, b in zip([list(g) for _, g in net.parameters()], expected):
        assert a == pytest.approx(b, rel=1e-12, abs=1e-15)


# --- forward against numpy ------------------------------------------------------------------------
def test_mlp_output_matches_numpy_two_layer_formula():
    """mlp([6, 9, 3]) computes W2 relu(W1 x + b1) + b2 from its own weights."""
    gen = np.random.default_rng(50)
    net = mlp([6, 9, 3], Rng(50))
    randomise_biases(net, gen)
    (w1, b1), (w2, b2) = np_weights(net)
    for _ in range(5):
        x = gen.normal(size=6)
        expected = w2 @ np.maximum(w1 @ x + b1, 0.0) + b2
        np.testing.assert_allclose(net.forward(x.tolist()), expected, rtol=1e-12, atol=1e-14)


def test_tanh_mlp_output_matches_numpy():
    """mlp([5, 4, 4, 2], activation='tanh') computes W3 tanh(W2 tanh(W1 x + b1) + b2) + b3."""
    gen = np.random.default_rng(51)
    net = mlp([5, 4, 4, 2], Rng(51), "tanh")
    randomise_biases(net, gen)
    (w1, b1), (w2, b2), (w3, b3) = np_weights(net)
    x = gen.normal(size=5)
    expected = w3 @ np.tanh(w2 @ np.tanh(w1 @ x + b1) + b2) + b3
    np.testing.assert_allclose(net.forward(x.tolist()), expected, rtol=1e-12, atol=1e-14)


def test_mlp_has_an_activation_between_dense_layers_but_not_after_the_last():
    """mlp([7, 5, 4, 3]) is Dense, act, Dense, act, Dense with the given sizes."""
    for activation, act in (("relu", ReLU), ("tanh", Tanh)):
        net = mlp([7, 5, 4, 3], Rng(0), activation)
        assert [type(layer) for layer in net.layers] == [Dense, act, Dense, act, Dense]
        shapes = [(len(la.w), len(la.w[0])) for la in net.layers if isinstance(la, Dense)]
        assert shapes == [(5, 7), (4, 5), (3, 4)]
        # one pair per weight row, one per bias
        assert len(net.parameters()) == 5 + 1 + 4 + 1 + 3 + 1


def test_mlp_rejects_an_unknown_activation_name():
    """An unknown activation name such as 'sigmoid' or 'Relu' raises ValueError (as a bad init name
    does)."""
    for name in ("sigmoid", "Relu"):
        with pytest.raises(ValueError, match=f"^activation must be 'relu' or 'tanh', got '{name}'$"):
            mlp([3, 4, 1], Rng(0), name)


# --- initialisation -------------------------------------------------------------------------------
@pytest.mark.parametrize("init, n_in, n_out, limit", [
    ("he", 400, 300, math.sqrt(6.0 / 400)),
    ("glorot", 400, 200, math.sqrt(6.0 / 600)),
])
def test_initial_weights_are_uniform_within_the_limit(init, n_in, n_out, limit):
    """He uses U(+-sqrt(6/n_in)) and Glorot U(+-sqrt(6/(n_in+n_out))): bounded, variance
    limit^2/3."""
    w = np.array(Dense(n_in, n_out, Rng(60), init).w)
    assert w.shape == (n_out, n_in)
    assert np.max(np.abs(w)) <= limit
    # with 80,000+ draws the extremes come within 0.1% of the limit, and the sample variance is
    # within about 0.3% (one standard error) of limit^2 / 3; 2% leaves a wide margin yet rejects
    # e.g. sqrt(2/n)
    assert w.max() > 0.999 * limit and w.min() < -0.999 * limit
    assert abs(w.var() - limit**2 / 3) < 0.02 * limit**2 / 3
    assert abs(w.mean()) < 0.01 * limit


def test_init_starts_with_zero_bias_and_zero_gradients():
    """A new Dense layer has zero biases and zero gradient accumulators of the right shapes."""
    layer = Dense(4, 3, Rng(61))
    assert layer.b == [0.0, 0.0, 0.0]
    assert layer.db == [0.0, 0.0, 0.0]
    assert layer.dw == [[0.0] * 4 for _ in range(3)]


def test_same_seed_gives_the_same_weights_and_different_seeds_differ():
    """Initial weights are a function of the seed alone."""
    a, b, c = mlp([5, 6, 2], Rng(7)), mlp([5, 6, 2], Rng(7)), mlp([5, 6, 2], Rng(8))
    values = [[list(v) for v, _ in net.parameters()] for net in (a, b, c)]
    assert values[0] == values[1]
    assert values[0] != values[2]


def test_mlp_uses_he_before_relu_and_glorot_before_tanh_and_at_the_output():
    """Hidden layers of a ReLU mlp may exceed the Glorot limit (He is wider); tanh and output layers
    may not."""
    relu_net = mlp([200, 200, 200], Rng(62), "relu")
    tanh_net = mlp([200, 200, 200], Rng(62), "tanh")
    he, glorot = math.sqrt(6.0 / 200), math.sqrt(6.0 / 400)
    hidden_relu = np.abs(np.array(relu_net.layers[0].w))
    assert hidden_relu.max() <= he and hidden_relu.max() > 1.2 * glorot
    for w in (tanh_net.layers[0].w, tanh_net.layers[2].w, relu_net.layers[2].w):
        assert np.abs(np.array(w)).max() <= glorot


@pytest.mark.parametrize("n_in, n_out, message", [
    (0, 3, "inputs must be an int >= 1, got 0"), (3, 0, "outputs must be an int >= 1, got 0"),
    (-1, 2, "inputs must be an int >= 1, got -1"), (0, 0, "inputs must be an int >= 1, got 0"),
    (True, 2, "inputs must be an int >= 1, got True"), (3, 2.0, "outputs must be an int >= 1, got 2.0"),
])
def test_dense_with_a_bad_size_raises(n_in, n_out, message):
    """A Dense layer needs a whole number of inputs and of outputs, at least one of each."""
    with pytest.raises(ValueError, match=f"^a dense layer's number of {message}$"):
        Dense(n_in, n_out, Rng(0))


def test_the_smallest_dense_layer_has_one_input_and_one_output():
    layer = Dense(1, 1, Rng(0))
    layer.w, layer.b = [[2.0]], [0.5]
    assert layer.forward([3.0]) == [6.5]


@pytest.mark.parametrize("init", ["xavier", "He", "", "normal"])
def test_dense_with_an_unknown_init_raises(init):
    """Only 'he' and 'glorot' are accepted initialisations."""
    message = f"init must be 'he' (before a ReLU) or 'glorot' (before tanh or none), got {init!r}"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        Dense(3, 2, Rng(0), init=init)


@pytest.mark.parametrize("sizes", [[], [4]])
def test_mlp_with_fewer_than_two_sizes_raises(sizes):
    """An mlp needs at least an input and an output size."""
    message = f"an MLP needs at least an input and an output size, got {sizes}"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        mlp(sizes, Rng(0))
    assert [type(layer) for layer in mlp([4, 1], Rng(0)).layers] == [Dense]  # two sizes: one layer


# --- copy_from ------------------------------------------------------------------------------------
def test_copy_from_copies_the_values():
    """After copy_from the target network has the source's weights and computes the same outputs."""
    source, target = mlp([3, 4, 2], Rng(70)), mlp([3, 4, 2], Rng(71))
    source.layers[0].b[:] = [0.1, -0.2, 0.3, 0.4]
    expected = [list(v) for v, _ in source.parameters()]
    assert [list(v) for v, _ in target.parameters()] != expected
    target.copy_from(source)
    assert [list(v) for v, _ in target.parameters()] == expected
    assert target.forward([1.0, -2.0, 0.5]) == source.forward([1.0, -2.0, 0.5])


def test_copy_from_shares_no_lists_with_the_source():
    """Changing the source (in place or by an optimiser step) after a copy leaves the copy
    unchanged."""
    source, target = mlp([3, 4, 2], Rng(72)), mlp([3, 4, 2], Rng(73))
    target.copy_from(source)
    snapshot = [list(v) for v, _ in target.parameters()]
    source.layers[0].w[0][0] += 10.0
    source.layers[2].b[1] = 99.0
    for _, g in source.parameters():
        g[:] = [1.0] * len(g)
    SGD(source.parameters(), lr=0.5).step()
    assert [list(v) for v, _ in target.parameters()] == snapshot
    for (mine, _), (theirs, _) in zip(target.parameters(), source.parameters()):
        assert mine is not theirs


def test_copy_from_keeps_the_targets_own_lists_so_its_optimiser_still_sees_them():
    """copy_from writes into the target's existing lists rather than replacing them."""
    source, target = mlp([2, 3, 1], Rng(74)), mlp([2, 3, 1], Rng(75))
    before = [id(v) for v, _ in target.parameters()]
    target.copy_from(source)
    assert [id(v) for v, _ in target.parameters()] == before


@pytest.mark.parametrize("other_sizes", [[3, 5, 2], [3, 4, 3], [4, 4, 2], [3, 4, 4, 2], [3, 2]])
def test_copy_from_a_network_of_another_shape_raises(other_sizes):
    """copy_from between networks of different shapes raises ValueError and changes nothing."""
    target = mlp([3, 4, 2], Rng(76))
    snapshot = [list(v) for v, _ in target.parameters()]
    with pytest.raises(ValueError, match=r"^the two networks have different shapes$"):
        target.copy_from(mlp(other_sizes, Rng(77)))
    assert [list(v) for v, _ in target.parameters()] == snapshot


# --- losses ---------------------------------------------------------------------------------------
def test_squared_error_literal_values():
    """squared_error is (1/2) e^2 with gradient e = prediction - target."""
    assert squared_error(3.0, 1.0) == (2.0, 2.0)
    assert squared_error(-1.5, 0.5) == (2.0, -2.0)
    assert squared_error(0.25, 0.25) == (0.0, 0.0)


@pytest.mark.parametrize("prediction, target", [(0.3, -1.2), (-2.0, 0.7), (5.0, 5.5)])
def test_squared_error_gradient_matches_finite_differences(prediction, target):
    """The returned gradient of squared_error is d/dp of (1/2)(p - t)^2."""
    loss, grad = squared_error(prediction, target)
    assert loss == pytest.approx(0.5 * (prediction - target) ** 2, rel=1e-15)
    p = np.array([prediction])
    (num,) = numeric_grad(lambda: 0.5 * (p[0] - target) ** 2, [p])
    assert_grad_close([grad], num)


def test_huber_literal_values_in_both_regions():
    """Huber is (1/2) e^2 inside delta and delta (|e| - delta/2) outside, gradient e clipped to
    +-delta."""
    assert huber(0.5, 0.0) == (0.125, 0.5)
    assert huber(-0.5, 0.25) == (0.28125, -0.75)
    assert huber(3.0, 0.0) == (2.5, 1.0)
    assert huber(-4.0, 0.0) == (3.5, -1.0)
    assert huber(-5.0, 0.0, delta=2.0) == (8.0, -2.0)
    assert huber(1.0, 0.0, delta=2.0) == (0.5, 1.0)
    assert huber(1.0, 0.0, delta=0.25) == (0.21875, 0.25)


def test_huber_is_continuous_with_a_continuous_gradient_at_delta():
    """At |e| = delta both branches give delta^2 / 2 and gradient +-delta."""
    for delta in (1.0, 0.5, 2.0):
        assert huber(delta, 0.0, delta) == (0.5 * delta * delta, delta)
        assert huber(-delta, 0.0, delta) == (0.5 * delta * delta, -delta)
        above, _ = huber(delta + 1e-9, 0.0, delta)
        assert above == pytest.approx(0.5 * delta * delta, abs=1e-8)


@pytest.mark.parametrize("delta", [1.0, 0.5, 3.0])
@pytest.mark.parametrize("e_over_delta", [0.3, -0.8, 1.7, -4.0])
def test_huber_gradient_matches_finite_differences(delta, e_over_delta):
    """Huber's gradient is its derivative in the quadratic and the linear region, for several
    deltas."""
    target = 0.4
    prediction = target + e_over_delta * delta
    loss, grad = huber(prediction, target, delta)
    assert loss == pytest.approx(ref_huber(prediction - target, delta), rel=1e-14)
    p = np.array([prediction])
    (num,) = numeric_grad(lambda: ref_huber(p[0] - target, delta), [p])
    assert_grad_close([grad], num)


@pytest.mark.parametrize("delta", [0.0, -1.0])
def test_huber_with_a_non_positive_delta_raises(delta):
    """Huber's delta must be positive."""
    with pytest.raises(ValueError, match=f"^delta must be positive, got {delta}$"):
        huber(1.0, 0.0, delta)


def test_huber_takes_a_tiny_positive_delta():
    """The smallest deltas are allowed: then nearly every error is in the linear region."""
    assert huber(1.0, 0.0, delta=1e-300) == (1e-300, 1e-300)
    assert huber(-1.0, 0.0, delta=1e-300)[1] == -1e-300


# --- optimisers -----------------------------------------------------------------------------------
def test_sgd_step_by_hand():
    """One SGD step is theta - lr * g for every value of every pair, leaving the gradients alone."""
    a, ga = [1.0, -2.0], [0.5, -4.0]
    b, gb = [3.0], [10.0]
    SGD([(a, ga), (b, gb)], lr=0.1).step()
    assert a == pytest.approx([0.95, -1.6], abs=1e-15)
    assert b == pytest.approx([2.0], abs=1e-15)
    assert ga == [0.5, -4.0] and gb == [10.0]


def test_sgd_updates_the_lists_in_place():
    """SGD writes into the network's own lists, so the network sees the new weights."""
    net = mlp([2, 1], Rng(80))
    row = net.layers[0].w[0]
    old = list(row)
    net.layers[0].dw[0][:] = [1.0, -1.0]
    SGD(net.parameters(), lr=0.25).step()
    assert net.layers[0].w[0] is row
    assert row == pytest.approx([old[0] - 0.25, old[1] + 0.25], abs=1e-15)


def numpy_adam(theta, grads_per_step, lr, b1, b2, eps):
    """Textbook Adam (Kingma and Ba, Algorithm 1) on one numpy vector."""
    theta = np.array(theta, dtype=float)
    m, v = np.zeros_like(theta), np.zeros_like(theta)
    for t, g in enumerate(grads_per_step, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
    return theta


@pytest.mark.parametrize("lr, b1, b2, eps",
                         [(1e-3, 0.9, 0.999, 1e-8), (0.05, 0.5, 0.9, 1e-3), (0.1, 0.0, 0.0, 1e-6)])
def test_adam_matches_a_numpy_implementation_over_several_steps(lr, b1, b2, eps):
    """Six Adam steps with changing gradients agree with textbook Adam to 1e-12."""
    gen = np.random.default_rng(90)
    sizes = [3, 1, 4]
    theta0 = [gen.normal(size=n) for n in sizes]
    grads = [[gen.normal(scale=s, size=n) for n in sizes] for s in (1.0, 0.1, 5.0, 1e-3, 2.0, 0.0)]
    params = [(t.tolist(), [0.0] * len(t)) for t in theta0]
    opt = Adam(params, lr=lr, beta1=b1, beta2=b2, eps=eps)
    for step in grads:
        for (_, g), new in zip(params, step):
            g[:] = new.tolist()
        opt.step()
    for k, (values, _) in enumerate(params):
        expected = numpy_adam(theta0[k], [step[k] for step in grads], lr, b1, b2, eps)
        np.testing.assert_allclose(values, expected, rtol=0, atol=1e-12)


def test_adam_first_step_moves_each_parameter_by_about_lr_against_the_gradient_sign():
    """On step 1 m_hat = g and v_hat = g^2, so each parameter moves by lr * g / (|g| + eps), about
    -lr sign(g)."""
    values, grads = [1.0, 1.0, 1.0, 1.0, 1.0], [3.0, -0.02, 1e-3, -50.0, 0.0]
    Adam([(values, grads)], lr=0.01).step()
    moves = np.array(values) - 1.0
    np.testing.assert_allclose(moves[:4], [-0.01, 0.01, -0.01, 0.01], rtol=1e-4)
    assert moves[4] == 0.0  # no gradient, no move


@pytest.mark.parametrize("kwargs", [
    {"lr": 0.0}, {"lr": -1e-3}, {"beta1": 1.0}, {"beta1": -0.1}, {"beta2": 1.0}, {"beta2": 1.5},
    {"beta2": -0.5}, {"eps": 0.0}, {"eps": -1e-8},
])
def test_adam_with_invalid_hyperparameters_raises(kwargs):
    """Adam needs lr > 0, betas in [0, 1) and eps > 0; the message gives all four."""
    given = {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, **kwargs}
    message = ("need lr > 0, betas in [0, 1) and eps > 0; got "
               f"{given['lr']}, {given['beta1']}, {given['beta2']}, {given['eps']}")
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        Adam([([0.0], [0.0])], **kwargs)


def test_adam_takes_the_edges_of_its_ranges():
    """Betas of 0 (no memory) and tiny lr and eps are allowed: one step then moves by lr g/(|g| + eps)."""
    values = [0.0]
    Adam([(values, [2.0])], lr=1e-300, beta1=0.0, beta2=0.0, eps=1e-300).step()
    assert values == [-1e-300 * 2.0 / (2.0 + 1e-300)]


def test_adams_defaults_are_lr_1e_3_betas_0_9_and_0_999_and_eps_1e_8():
    """Three steps with the defaults equal three with them given; eps matters for a gradient of 1e-8."""
    def run(**kwargs):
        values = [1.0, -1.0, 0.5]
        grads = [0.0, 0.0, 0.0]
        opt = Adam([(values, grads)], **kwargs)
        for step in ([3.0, 1e-8, -0.5], [-1.0, 1e-8, 2.0], [0.5, 2e-8, 0.0]):
            grads[:] = step
            opt.step()
        return values

    explicit = run(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8)
    assert run() == explicit
    assert explicit == pytest.approx(numpy_adam([1.0, -1.0, 0.5], [np.array([3.0, 1e-8, -0.5]),
                                                                    np.array([-1.0, 1e-8, 2.0]),
                                                                    np.array([0.5, 2e-8, 0.0])],
                                                 1e-3, 0.9, 0.999, 1e-8), rel=0, abs=1e-15)


@pytest.mark.parametrize("lr", [0.0, -0.1])
def test_sgd_with_a_non_positive_learning_rate_raises(lr):
    """SGD needs a positive learning rate."""
    with pytest.raises(ValueError, match=f"^the learning rate must be positive, got {lr}$"):
        SGD([([0.0], [0.0])], lr=lr)
    values = [0.0]
    SGD([(values, [2.0])], lr=1e-300).step()  # the smallest rates are allowed
    assert values == [-2e-300]


# --- learning -------------------------------------------------------------------------------------
def test_mlp_learns_xor_with_adam():
    """A seeded mlp([2, 8, 1]) trained on XOR with Adam cuts its mean squared error by at least
    10x."""
    # Measured with seed 0, lr 0.05, full batch of 4, 300 steps: mean loss 0.736 -> 6.0e-15 (about
    # 0.02 s).
    # Seeds 1-5 reach between 1.9e-11 and 2e-15, so the 10x margin is far from the edge.
    xs, ts = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0.0, 1.0, 1.0, 0.0]
    net = mlp([2, 8, 1], Rng(0))
    opt = Adam(net.parameters(), lr=0.05)

    def mean_loss():  # the loss itself recomputed in numpy from the weights
        weights = np_weights(net)
        errors = [np_forward(net, weights, x)[0] - t for x, t in zip(xs, ts)]
        return float(np.mean([e**2 / 2 for e in errors]))

    before = mean_loss()
    for _ in range(300):
        net.zero_grad()
        for x, t in zip(xs, ts):
            _, g = squared_error(net.forward(x)[0], t)
            net.backward([g])
        opt.step()
    after = mean_loss()
    assert after < before / 10
    assert [round(net.forward(x)[0]) for x in xs] == [0, 1, 1, 0]


def test_a_dense_layer_refuses_an_input_of_the_wrong_length():
    """zip would silently drop the extra weights; the layer says what it takes instead."""
    with pytest.raises(ValueError, match=r"^this layer takes 3 inputs, got 2$"):
        Dense(3, 2, Rng(0)).forward([1.0, 2.0])


def test_optimisers_refuse_a_nan_learning_rate():
    net = mlp([2, 2, 1], Rng(0))
    with pytest.raises(ValueError):
        SGD(net.parameters(), lr=float("nan"))
    with pytest.raises(ValueError):
        Adam(net.parameters(), lr=float("nan"))


def test_a_minibatch_block_gives_the_same_gradients_and_input_gradients_as_sample_by_sample():
    """Inside ``minibatch`` the weight gradients are added up at the end, in the same order: bit for
    bit the per-sample sums, on dense and sparse (pixel) inputs alike; input gradients come back at
    once."""
    gen = np.random.default_rng(41)
    net = mlp([12, 7, 3], Rng(41))
    randomise_biases(net, gen)
    pixels = [1.0 if i in (2, 9) else 0.0 for i in range(12)]
    xs = [gen.normal(size=12).tolist() for _ in range(5)] + [pixels]
    gs = [gen.normal(size=3).tolist() for _ in xs]

    def run(batched):
        net.zero_grad()
        dxs = []
        with minibatch(net) if batched else contextlib.nullcontext():
            for x, g in zip(xs, gs):
                net.forward(x)
                dxs.append(net.backward(g, input_grad=True))
                assert all(v == 0.0 for _, grads in net.parameters() for v in grads) or not batched
        return [list(g) for _, g in net.parameters()], dxs

    each, dx_each = run(batched=False)
    together, dx_together = run(batched=True)
    assert dx_together == dx_each
    for a, b in zip(together, each):
        assert a == pytest.approx(b, rel=1e-12, abs=1e-15)
    assert any(v != 0.0 for g in together for v in g)


def test_a_minibatch_block_adds_up_what_it_queued_even_when_the_block_raises():
    net = mlp([3, 2], Rng(42))
    with pytest.raises(RuntimeError), minibatch(net):
        net.forward([1.0, 2.0, 3.0])
        net.backward([1.0, -1.0])
        raise RuntimeError("stop")
    assert net.layers[0].db == [1.0, -1.0]
    net.forward([1.0, 2.0, 3.0])
    net.backward([1.0, 1.0])  # outside the block, gradients accumulate at once again
    assert net.layers[0].db == [2.0, 0.0]


def pixel_batch(gen, n, samples, lit, binary=True):
    """Mostly-0 inputs like DQN's screens: ``lit`` of ``n`` entries not 0 (all 1 if ``binary``)."""
    xs = []
    for _ in range(samples):
        x = [0.0] * n
        for i in gen.choice(n, size=lit, replace=False):
            x[i] = 1.0 if binary else float(gen.choice([0.5, 1.0, -2.0]))
        xs.append(x)
    return xs


@pytest.mark.parametrize("binary", [True, False])
def test_a_minibatch_of_pixel_inputs_gives_bit_for_bit_the_per_sample_gradients(binary):
    """When every input of a minibatch is mostly 0, the block adds up only the entries that are not:
    the same numbers, bit for bit, as sample by sample, for 1-only and other values alike; inputs
    never lit in the batch get no gradient."""
    gen = np.random.default_rng(43)
    net = mlp([40, 9, 3], Rng(43))
    randomise_biases(net, gen)
    xs = pixel_batch(gen, 40, samples=7, lit=6, binary=binary)
    gs = [[0.0, float(gen.normal()), 0.0] for _ in xs]  # DQN's: one action's output

    def run(batched):
        net.zero_grad()
        with minibatch(net) if batched else contextlib.nullcontext():
            dxs = []
            for x, g in zip(xs, gs):
                net.forward(x)
                dxs.append(net.backward(g, input_grad=True))
        return [list(g) for _, g in net.parameters()], dxs

    each, dx_each = run(batched=False)
    together, dx_together = run(batched=True)
    assert together == each and dx_together == dx_each
    never_lit = [i for i in range(40) if all(x[i] == 0.0 for x in xs)]
    assert never_lit and all(row[i] == 0.0 for row in net.layers[0].dw for i in never_lit)
    assert any(v != 0.0 for row in net.layers[0].dw for v in row)


@pytest.mark.parametrize("nonzero", [[1], [0, 3], [0, 1, 2, 3, 4, 5]])
def test_the_input_gradient_is_w_transposed_dy_however_many_outputs_have_a_gradient(nonzero):
    """dL/dx = W^T dy, whether it adds up the rows of the few outputs that have a gradient or takes
    a dot product down every column."""
    gen = np.random.default_rng(44)
    layer = Dense(5, 6, Rng(44))
    dy = [float(gen.normal()) if j in nonzero else 0.0 for j in range(6)]
    x = gen.normal(size=5).tolist()
    dx = layer.backward(dy, x, layer.forward(x))
    np.testing.assert_allclose(dx, np.array(layer.w).T @ np.array(dy), rtol=1e-13, atol=1e-15)


def columns(rows):
    return [list(c) for c in zip(*rows)]


@pytest.mark.parametrize("terms", range(1, 11))
def test_weighted_columns_adds_each_samples_terms_in_order(terms):
    """Four terms to a pass and a tail of one to three: each sample's sum is bit for bit the left-
    to-right sum of its terms, as a sample-by-sample dot product adds them."""
    gen = np.random.default_rng(terms)
    weights = gen.normal(size=terms).tolist()
    samples = [(gen.normal(size=terms) * 10.0 ** gen.integers(-8, 8, size=terms)).tolist()
               for _ in range(6)]
    expected = []
    for x in samples:
        total = weights[0] * x[0]
        for w, v in zip(weights[1:], x[1:]):
            total += w * v
        expected.append(total)
    assert weighted_columns(weights, columns(samples)) == expected


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_a_batch_pass_gives_bit_for_bit_what_sample_by_sample_passes_give(activation):
    """trace_batch and backward_batch: the outputs, the weight gradients (as a minibatch block adds
    them up) and the input gradients of sample-by-sample passes, bit for bit."""
    gen = np.random.default_rng(45)
    net = mlp([4, 7, 5, 2], Rng(45), activation=activation)
    randomise_biases(net, gen)
    xs = [gen.normal(size=4).tolist() for _ in range(9)]
    dys = [gen.normal(size=2).tolist() for _ in xs]

    net.zero_grad()
    with minibatch(net):
        outputs = [net.forward(x) for x in xs]
        dxs = [net.backward(dy, net.trace(x), input_grad=True) for x, dy in zip(xs, dys)]
    each = [list(g) for _, g in net.parameters()]

    net.zero_grad()
    trace = net.trace_batch(xs)
    dx_columns = net.backward_batch(columns(dys), trace, input_grad=True)
    assert trace.output == columns(outputs)
    assert [list(g) for _, g in net.parameters()] == each
    assert dx_columns == columns(dxs)
    assert net.backward_batch(columns(dys), trace) is None


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_batch_pass_gradients_match_finite_differences(activation):
    """The gradients backward_batch adds up are those of sum_s c_s . y(x_s), by finite differences
    of the numpy reference."""
    gen = np.random.default_rng(46)
    net = mlp([3, 6, 2], Rng(46), activation=activation)
    randomise_biases(net, gen)
    xs = [gen.normal(size=3).tolist() for _ in range(5)]
    cs = [gen.normal(size=2) for _ in xs]
    for pre in (p for x in xs for p in np_preactivations(net, x)):
        assert np.min(np.abs(pre)) > 1e-3  # no ReLU on its kink
    net.zero_grad()
    net.backward_batch(columns([c.tolist() for c in cs]), net.trace_batch(xs))
    weights = np_weights(net)
    arrays = [a for pair in weights for a in pair]
    numeric = numeric_grad(lambda: sum(float(c @ np_forward(net, weights, x)) for x, c in zip(xs, cs)), arrays)
    analytic = [g for layer in net.layers if isinstance(layer, Dense) for g in (layer.dw, layer.db)]
    for a, n in zip(analytic, numeric):
        assert_grad_close(a, n)


def test_a_batch_pass_refuses_inputs_of_the_wrong_length():
    with pytest.raises(ValueError, match=r"^this layer takes 3 inputs, got 2$"):
        mlp([3, 2], Rng(47)).trace_batch([[1.0, 2.0]])


def test_a_minibatch_of_pixel_inputs_into_a_single_output_layer():
    """One output unit, inputs lit with 1, 2 and -0.5: the block's sums are each sample's g x added
    up, and the input gradient is g W."""
    layer = Dense(9, 1, Rng(48))
    xs = [[0.0] * 9 for _ in range(3)]
    xs[0][1] = xs[0][4] = 1.0
    xs[1][4], xs[1][7] = 2.0, -0.5
    xs[2][1], xs[2][8] = 2.0, 1.0
    gs = [[0.5], [-1.5], [0.25]]
    with minibatch(layer):
        dxs = [layer.backward(g, x, layer.forward(x)) for x, g in zip(xs, gs)]
    expected = sum(np.outer(g, x) for x, g in zip(xs, gs))
    assert layer.dw == expected.tolist()  # every term here is exact in binary
    assert layer.db == [0.5 - 1.5 + 0.25]
    assert dxs == [[g[0] * w for w in layer.w[0]] for g in gs]


@pytest.mark.parametrize("pixels", [True, False])
def test_minibatch_blocks_and_batch_passes_add_to_the_gradients_already_there(pixels):
    """Weight and bias gradients accumulate across minibatch blocks and batch passes until zero_grad,
    on dense and pixel inputs alike: twice the same samples give twice the gradients."""
    gen = np.random.default_rng(49)
    net = mlp([12, 3], Rng(49))
    xs = (pixel_batch(gen, 12, samples=3, lit=3, binary=False) if pixels
          else [gen.normal(size=12).tolist() for _ in range(3)])
    gs = [gen.normal(size=3).tolist() for _ in xs]
    net.zero_grad()
    for _ in range(2):
        with minibatch(net):
            for x, g in zip(xs, gs):
                net.forward(x)
                net.backward(g)
    expected = [2.0 * (sum(np.outer(g, x) for x, g in zip(xs, gs))), 2.0 * sum(np.array(gs))]
    np.testing.assert_allclose(net.layers[0].dw, expected[0], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(net.layers[0].db, expected[1], rtol=1e-12, atol=1e-15)
    net.zero_grad()
    for _ in range(2):
        net.backward_batch(columns(gs), net.trace_batch(xs))
    np.testing.assert_allclose(net.layers[0].dw, expected[0], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(net.layers[0].db, expected[1], rtol=1e-12, atol=1e-15)


def test_the_input_gradient_follows_the_weights_after_an_optimiser_step():
    """Outside a minibatch block dL/dx = W^T dy with the weights as they are now, not as they were
    at an earlier backward pass."""
    gen = np.random.default_rng(50)
    layer = Dense(3, 5, Rng(50))
    x, dy = gen.normal(size=3).tolist(), gen.normal(size=5).tolist()
    for _ in range(2):
        layer.backward(dy, x, layer.forward(x))
        SGD(layer.parameters(), lr=0.5).step()
        dx = layer.backward(dy, x, layer.forward(x))
        np.testing.assert_allclose(dx, np.array(layer.w).T @ np.array(dy), rtol=1e-13, atol=1e-15)


def test_a_layers_batch_backward_returns_the_input_gradient_unless_told_not_to():
    """Dense.backward_batch(dys, xs) gives dL/dx as columns by default; input_grad=False gives None."""
    layer = Dense(2, 2, Rng(51))
    layer.w = [[1.0, 2.0], [-3.0, 0.5]]
    dys, xs = [[1.0, 0.0], [2.0, -1.0]], [[0.5, 1.0], [1.0, -2.0]]  # two samples, as columns
    assert layer.backward_batch(dys, xs) == [[1.0 - 6.0, 0.0 + 3.0], [2.0 + 1.0, 0.0 - 0.5]]
    assert layer.backward_batch(dys, xs, input_grad=False) is None


def test_a_batch_pass_through_dense_layers_only_and_through_a_leading_activation():
    """backward_batch works through two Dense layers in a row (the second passes its input
    gradient back) and returns None by default even when the first layer is an activation."""
    gen = np.random.default_rng(52)
    xs = [gen.normal(size=3).tolist() for _ in range(4)]
    dys = [gen.normal(size=2).tolist() for _ in xs]
    for first in (Dense(3, 3, Rng(52)), Tanh()):
        net = Sequential(first, Dense(3, 4, Rng(53)), Dense(4, 2, Rng(54)))
        net.zero_grad()
        with minibatch(net):
            dxs = [net.backward(dy, net.trace(x), input_grad=True) for x, dy in zip(xs, dys)]
        each = [list(g) for _, g in net.parameters()]
        net.zero_grad()
        trace = net.trace_batch(xs)
        assert net.backward_batch(columns(dys), trace, input_grad=True) == columns(dxs)
        assert [list(g) for _, g in net.parameters()] == each
        assert net.backward_batch(columns(dys), trace) is None


@pytest.mark.parametrize("leading_tanh", [False, True])
def test_a_backward_pass_through_dense_layers_only_and_through_a_leading_activation(leading_tanh):
    """Sequential.backward passes input gradients between two Dense layers in a row, and returns
    None by default even when the first layer is an activation (whose input gradient is free)."""
    gen = np.random.default_rng(55)
    x, dy = gen.normal(size=3).tolist(), gen.normal(size=2).tolist()
    first = Tanh() if leading_tanh else Dense(3, 3, Rng(55))
    net = Sequential(first, Dense(3, 4, Rng(56)), Dense(4, 2, Rng(57)))
    randomise_biases(net, gen)
    net.zero_grad()
    dx = net.backward(dy, net.trace(x), input_grad=True)
    with_dx = [list(g) for _, g in net.parameters()]
    net.zero_grad()
    assert net.backward(dy, net.trace(x)) is None
    assert [list(g) for _, g in net.parameters()] == with_dx
    weights = np_weights(net)
    xv = np.array(x)

    def f():
        z = np.tanh(xv) if leading_tanh else xv
        for w, b in weights:
            z = w @ z + b
        return float(np.array(dy) @ z)

    numeric = numeric_grad(f, [a for pair in weights for a in pair] + [xv])
    analytic = [g for layer in net.layers if isinstance(layer, Dense) for g in (layer.dw, layer.db)]
    for a, n in zip(analytic + [dx], numeric):
        assert_grad_close(a, n)
