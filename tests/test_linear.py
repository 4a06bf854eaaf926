"""Tests for policywerk.math.linear.solve: Gaussian elimination with partial pivoting."""

import copy

import numpy as np
import pytest

from policywerk.math.linear import solve


@pytest.mark.parametrize("n", range(1, 9))
def test_solve_matches_numpy_on_random_well_conditioned_systems(n):
    """Random diagonally dominant systems of size 1..8 agree with numpy.linalg.solve to 1e-9."""
    gen = np.random.default_rng(n)
    for _ in range(20):
        a = gen.normal(size=(n, n)) + n * np.eye(n)
        b = gen.normal(size=n)
        assert np.linalg.cond(a) < 1e3
        np.testing.assert_allclose(solve(a.tolist(), b.tolist()), np.linalg.solve(a, b), rtol=0, atol=1e-9)


def test_solution_satisfies_the_system():
    """A small integer system: 2x + y = 5, x + 3y = 10 has x = 1, y = 3."""
    assert solve([[2.0, 1.0], [1.0, 3.0]], [5.0, 10.0]) == pytest.approx([1.0, 3.0], abs=1e-12)
    assert solve([[4.0]], [2.0]) == pytest.approx([0.5], abs=1e-15)


def test_a_zero_on_the_diagonal_is_handled_by_pivoting():
    """[[0, 1], [1, 0]] x = [2, 3] swaps the rows: x = [3, 2]."""
    assert solve([[0.0, 1.0], [1.0, 0.0]], [2.0, 3.0]) == pytest.approx([3.0, 2.0], abs=1e-15)
    # a zero pivot appears only after the first elimination: rows 1 and 2 must swap in column 1
    # x + y + z = 6, x + y + 2z = 9, x + 2y + z = 8  ->  z = 3, y = 2, x = 1
    a = [[1.0, 1.0, 1.0], [1.0, 1.0, 2.0], [1.0, 2.0, 1.0]]
    assert solve(a, [6.0, 9.0, 8.0]) == pytest.approx([1.0, 2.0, 3.0], abs=1e-12)


def test_pivoting_keeps_a_tiny_pivot_from_ruining_the_answer():
    """With 1e-20 in the corner, partial pivoting still gives x = y = 1 for [[1e-20, 1], [1, 1]]."""
    # Without row exchange, the elimination factor 1e20 would wipe out the second row entirely.
    assert solve([[1e-20, 1.0], [1.0, 1.0]], [1.0, 2.0]) == pytest.approx([1.0, 1.0], abs=1e-12)


def test_permutation_matrices_are_solved_exactly():
    """A permuted identity needs a row exchange in every column and returns b permuted."""
    perm = [2, 0, 3, 1]
    a = [[1.0 if j == perm[i] else 0.0 for j in range(4)] for i in range(4)]
    b = [10.0, 20.0, 30.0, 40.0]
    x = solve(a, b)
    for i in range(4):
        assert x[perm[i]] == b[i]


def test_solve_does_not_modify_its_inputs():
    """Neither the matrix (rows included) nor the right-hand side changes."""
    a = [[0.0, 2.0, 1.0], [3.0, 1.0, 0.0], [1.0, 1.0, 4.0]]
    b = [1.0, 2.0, 3.0]
    a_before, b_before = copy.deepcopy(a), b[:]
    rows = [id(row) for row in a]
    solve(a, b)
    assert a == a_before and b == b_before
    assert [id(row) for row in a] == rows


@pytest.mark.parametrize("a", [
    [[0.0]],
    [[1.0, 2.0], [2.0, 4.0]],
    [[0.0, 0.0], [0.0, 0.0]],
    [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]],
    [[1.0, 0.0, 1.0], [0.0, 1.0, 1.0], [1.0, 1.0, 2.0]],
])
def test_singular_matrix_raises(a):
    """Matrices with dependent rows raise ValueError naming the problem."""
    with pytest.raises(ValueError, match=r"^the matrix is singular \(or too close to it to solve reliably\)$"):
        solve(a, [1.0] * len(a))


@pytest.mark.parametrize("a, b", [
    ([], []),
    ([[1.0, 2.0]], [1.0]),
    ([[1.0], [2.0]], [1.0, 2.0]),
    ([[1.0, 2.0], [3.0]], [1.0, 2.0]),
    ([[1.0, 2.0], [3.0, 4.0]], [1.0]),
    ([[1.0, 2.0], [3.0, 4.0]], [1.0, 2.0, 3.0]),
    ([[1.0]], []),
])
def test_non_square_mismatched_or_empty_input_raises(a, b):
    """Empty, non-square, ragged or wrongly sized inputs raise ValueError, giving both sizes."""
    message = f"^need a non-empty square matrix and a matching vector, got {len(a)} rows and {len(b)} entries$"
    with pytest.raises(ValueError, match=message):
        solve(a, b)


def test_singularity_is_judged_relative_to_the_size_of_the_entries():
    """A tiny but regular matrix solves; a large singular one is refused."""
    assert solve([[1e-13, 0.0], [0.0, 1e-13]], [1e-13, 2e-13]) == pytest.approx([1.0, 2.0])
    with pytest.raises(ValueError, match="singular"):
        solve([[1e4, 2e4, 3e4], [4e4, 5e4, 6e4], [7e4, 8e4, 9e4]], [1.0, 1.0, 1.0])
