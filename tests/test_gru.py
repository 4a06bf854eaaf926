"""The GRU cell: its forward pass against the equations written out, and backpropagation through
time against finite differences of a loss over a whole sequence."""

import contextlib
import math

import pytest

from policywerk.math.random import Rng
from policywerk.nn.gru import GRUCell
from policywerk.nn.layers import minibatch


def sigmoid(v):
    return 1.0 / (1.0 + math.exp(-v))


def test_one_step_matches_the_equations():
    cell = GRUCell(2, 3, Rng(0))
    cell.b_u, cell.b_r, cell.b_c = [0.1, -0.2, 0.3], [0.0, 0.5, -0.5], [0.2, 0.0, -0.1]
    x, h = [0.7, -1.2], [0.3, -0.4, 0.9]
    xh = x + h

    def affine(w, b, v):
        return [sum(wi * vi for wi, vi in zip(row, v)) + bj for row, bj in zip(w, b)]

    u = [sigmoid(v) for v in affine(cell.w_u, cell.b_u, xh)]
    r = [sigmoid(v) for v in affine(cell.w_r, cell.b_r, xh)]
    c = [math.tanh(v) for v in affine(cell.w_c, cell.b_c, x + [ri * hi for ri, hi in zip(r, h)])]
    expected = [(1 - ui) * ci + ui * hi for ui, ci, hi in zip(u, c, h)]
    got, _ = cell.step(x, h)
    assert got == pytest.approx(expected, rel=1e-12, abs=1e-15)


def sequence_loss(cell, xs, h0, weights):
    """L = sum_t weights_t . h_t over an unrolled sequence."""
    h, loss = h0, 0.0
    for x, w in zip(xs, weights):
        h, _ = cell.step(x, h)
        loss += sum(wi * hi for wi, hi in zip(w, h))
    return loss


def test_backpropagation_through_time_matches_finite_differences():
    rng = Rng(3)
    cell = GRUCell(2, 3, rng)
    for b in (cell.b_u, cell.b_r, cell.b_c):
        b[:] = [rng.uniform(-0.5, 0.5) for _ in b]
    xs = [[rng.uniform(-1, 1) for _ in range(2)] for _ in range(4)]
    h0 = [rng.uniform(-1, 1) for _ in range(3)]
    weights = [[rng.uniform(-1, 1) for _ in range(3)] for _ in range(4)]
    # forward, keeping each step's record; then backward in time
    h, steps = h0, []
    for x in xs:
        h, record = cell.step(x, h)
        steps.append(record)
    cell.zero_grad()
    dh, dxs = [0.0] * 3, []
    for record, w in zip(reversed(steps), reversed(weights)):
        dx, dh = cell.backward([a + b for a, b in zip(dh, w)], record)
        dxs.append(dx)
    dxs.reverse()
    eps = 1e-6
    for values, grads in cell.parameters():
        for i in range(len(values)):
            keep = values[i]
            values[i] = keep + eps
            up = sequence_loss(cell, xs, h0, weights)
            values[i] = keep - eps
            down = sequence_loss(cell, xs, h0, weights)
            values[i] = keep
            assert grads[i] == pytest.approx((up - down) / (2 * eps), rel=1e-5, abs=1e-8)
    for t in range(len(xs)):  # the inputs at every step
        for i in range(2):
            moved = [row[:] for row in xs]
            moved[t][i] += eps
            up = sequence_loss(cell, moved, h0, weights)
            moved[t][i] -= 2 * eps
            down = sequence_loss(cell, moved, h0, weights)
            assert dxs[t][i] == pytest.approx((up - down) / (2 * eps), rel=1e-5, abs=1e-8)
    for i in range(3):  # and the initial state
        moved = h0[:]
        moved[i] += eps
        up = sequence_loss(cell, xs, moved, weights)
        moved[i] -= 2 * eps
        down = sequence_loss(cell, xs, moved, weights)
        assert dh[i] == pytest.approx((up - down) / (2 * eps), rel=1e-5, abs=1e-8)


def test_a_step_checks_its_sizes():
    cell = GRUCell(2, 3, Rng(0))
    with pytest.raises(ValueError, match=r"^this GRU takes 2 inputs and 3 state values, got 3 and 3$"):
        cell.step([0.0] * 3, [0.0] * 3)
    with pytest.raises(ValueError, match=r"^this GRU takes 2 inputs and 3 state values, got 2 and 2$"):
        cell.step([0.0] * 2, [0.0] * 2)
    with pytest.raises(ValueError, match=r"^a GRU's number of inputs must be an int >= 1, got 0$"):
        GRUCell(0, 3, Rng(0))
    with pytest.raises(ValueError, match=r"^a GRU's number of units must be an int >= 1, got 0$"):
        GRUCell(2, 0, Rng(0))
    with pytest.raises(ValueError, match=r"^a GRU's number of units must be an int >= 1, got True$"):
        GRUCell(2, True, Rng(0))
    h, _ = GRUCell(1, 1, Rng(0)).step([1.0], [0.5])  # the smallest cell
    assert len(h) == 1


def test_the_update_gate_keeps_the_old_state():
    """With a huge update-gate bias, u = 1 and h' = h whatever the input."""
    cell = GRUCell(2, 3, Rng(1))
    cell.b_u[:] = [50.0] * 3
    h = [0.2, -0.7, 0.4]
    got, _ = cell.step([5.0, -5.0], h)
    assert got == pytest.approx(h, abs=1e-12)


def test_a_minibatch_block_gives_the_gradients_of_step_by_step_accumulation():
    rng = Rng(7)
    cell = GRUCell(2, 3, Rng(3))
    xs = [[rng.uniform(-1, 1) for _ in range(2)] for _ in range(4)]
    dhs = [[rng.uniform(-1, 1) for _ in range(3)] for _ in range(4)]

    def run(batched):
        cell.zero_grad()
        h, back = [0.1, -0.2, 0.3], []
        with minibatch(cell) if batched else contextlib.nullcontext():
            for x, dh in zip(xs, dhs):
                h, record = cell.step(x, h)
                back.append(cell.backward(dh, record))
            # inside the block the weight gradients wait until it ends
            assert all(v == 0.0 for _, g in cell.parameters() for v in g) == batched
        return [list(g) for _, g in cell.parameters()], back

    each, back_each = run(False)
    together, back_together = run(True)
    assert back_together == back_each
    for a, b in zip(together, each):
        assert a == pytest.approx(b, rel=1e-12, abs=1e-15)


def test_a_new_cell_has_glorot_uniform_weights_zero_biases_and_zero_gradients():
    """Each gate's weights are U(+-sqrt(6 / (n_in + 2 n_hidden))), Glorot's limit for a layer from
    [x; h] to h; biases and gradient accumulators start at 0."""
    cell = GRUCell(20, 40, Rng(11))
    limit = math.sqrt(6.0 / 100)
    for w in (cell.w_u, cell.w_r, cell.w_c):
        assert len(w) == 40 and all(len(row) == 60 for row in w)
        values = [v for row in w for v in row]
        # 2,400 draws per gate: the extremes come within 1% of the limit
        assert max(values) <= limit and max(values) > 0.99 * limit
        assert min(values) >= -limit and min(values) < -0.99 * limit
    assert cell.b_u == cell.b_r == cell.b_c == [0.0] * 40
    assert all(v == 0.0 for _, grads in cell.parameters() for v in grads)
    assert len(cell.parameters()) == 3 * (40 + 1)  # per gate, one pair per weight row and the bias


def test_a_steps_record_holds_its_input_state_and_gates():
    """GRUStep keeps x, h, [x; h], [x; r * h] and the gates u, r and the candidate c of the step."""
    cell = GRUCell(2, 3, Rng(4))
    x, h = [0.7, -1.2], [0.3, -0.4, 0.9]
    h_new, s = cell.step(x, h)
    assert s.x == x and s.h == h and s.xh == x + h
    assert s.xrh == x + [ri * hi for ri, hi in zip(s.r, h)]
    for gate, w in ((s.u, cell.w_u), (s.r, cell.w_r)):
        assert gate == pytest.approx([sigmoid(sum(a * b for a, b in zip(row, x + h))) for row in w],
                                     rel=1e-12)
    assert s.c == pytest.approx([math.tanh(sum(a * b for a, b in zip(row, s.xrh))) for row in cell.w_c],
                                rel=1e-12)
    assert h_new == pytest.approx([(1 - u) * c + u * hi for u, c, hi in zip(s.u, s.c, h)], rel=1e-12)
