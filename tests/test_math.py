"""Tests for policywerk.math: the vector helpers and the seeded Rng."""

import copy
import math
import random
import re
from itertools import repeat

import numpy as np
import pytest

from conftest import Draws
from policywerk.math.random import Rng
from policywerk.math.vectors import add, argmax, dot, max_abs_diff, times


# --- vectors ----------------------------------------------------------------------------------------
def test_argmax_picks_the_largest_entry():
    assert argmax([0.1, -2.0, 7.5, 3.0]) == 2
    assert argmax([-5.0, -1.0, -3.0]) == 1
    assert argmax([4.2]) == 0


def test_argmax_ties_go_to_the_lowest_index():
    assert argmax([1.0, 3.0, 3.0, 2.0]) == 1
    assert argmax([5.0, 5.0, 5.0]) == 0
    assert argmax([0.0, -1.0, 2.0, 2.0, 2.0]) == 2


def test_argmax_agrees_with_numpy_on_many_vectors_with_ties():
    gen = np.random.default_rng(0)
    for _ in range(200):
        xs = gen.integers(-3, 4, size=int(gen.integers(1, 9))).astype(float).tolist()
        assert argmax(xs) == int(np.argmax(xs))  # numpy also returns the first maximum


def test_max_abs_diff_is_the_sup_norm_distance():
    assert max_abs_diff([1.0, -2.0, 3.0], [1.5, 2.0, 2.0]) == pytest.approx(4.0)
    assert max_abs_diff([0.0, 0.0], [0.0, 0.0]) == 0.0
    assert max_abs_diff([], []) == 0.0


def test_dot_is_the_sum_of_products():
    assert dot([1.0, 2.0, 3.0], [4.0, -5.0, 6.0]) == pytest.approx(12.0)
    assert dot([], []) == 0


def test_dot_and_max_abs_diff_agree_with_numpy():
    gen = np.random.default_rng(1)
    for n in (1, 5, 50):
        xs, ys = gen.normal(size=n), gen.normal(size=n)
        assert dot(xs.tolist(), ys.tolist()) == pytest.approx(float(np.dot(xs, ys)), abs=1e-12)
        assert max_abs_diff(xs.tolist(), ys.tolist()) == pytest.approx(float(np.max(np.abs(xs - ys))))


@pytest.mark.parametrize("fn", [dot, max_abs_diff])
def test_length_mismatch_raises_and_names_both_lengths(fn):
    with pytest.raises(ValueError, match=r"^vectors differ in length: 2 and 3$"):
        fn([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"^vectors differ in length: 0 and 1$"):
        fn([], [1.0])


# --- Rng --------------------------------------------------------------------------------------------
def test_same_seed_gives_the_same_draws():
    a, b = Rng(123), Rng(123)
    assert [a.random() for _ in range(20)] == [b.random() for _ in range(20)]
    assert [a.randint(0, 9) for _ in range(20)] == [b.randint(0, 9) for _ in range(20)]
    weights = [0.2, 0.5, 0.3]
    assert [a.choice_weighted(weights) for _ in range(50)] == [b.choice_weighted(weights) for _ in range(50)]


def test_different_seeds_give_different_draws():
    assert [Rng(1).random() for _ in range(3)] != [Rng(2).random() for _ in range(3)]


def test_rng_is_the_standard_mersenne_twister():
    ours, stdlib = Rng(42), random.Random(42)
    assert [ours.random() for _ in range(10)] == [stdlib.random() for _ in range(10)]
    assert Rng(42).seed_value == 42


@pytest.mark.parametrize("seed", [True, False, 1.0, 1.5, "1", None])
def test_seed_must_be_an_int_and_not_a_bool(seed):
    """ValueError, like every other count or seed, naming what it got."""
    with pytest.raises(ValueError, match=f"^seed must be an int, got {re.escape(repr(seed))}$"):
        Rng(seed)


def test_choice_weighted_frequencies_match_the_weights():
    rng = Rng(2024)
    weights = [1.0, 2.0, 3.0, 4.0]
    n = 100_000
    counts = [0] * len(weights)
    for _ in range(n):
        counts[rng.choice_weighted(weights)] += 1
    for count, w in zip(counts, weights):
        assert abs(count / n - w / sum(weights)) < 0.01


def test_choice_weighted_never_picks_a_zero_weight():
    rng = Rng(5)
    picks = {rng.choice_weighted([0.0, 1.0, 0.0, 1.0]) for _ in range(2000)}
    assert picks == {1, 3}
    assert {Rng(s).choice_weighted([0.0, 0.0, 1.0]) for s in range(50)} == {2}


def test_choice_weighted_does_not_need_normalised_weights():
    # Scaling the weights by a power of two is exact, so the draws must be identical.
    a, b = Rng(9), Rng(9)
    assert [a.choice_weighted([2.0, 6.0]) for _ in range(500)] == \
           [b.choice_weighted([0.25, 0.75]) for _ in range(500)]


def test_rng_can_be_copied_and_the_copy_continues_the_same_stream():
    rng = Rng(7)
    rng.random()
    twin = copy.deepcopy(rng)
    assert [twin.random() for _ in range(5)] == [rng.random() for _ in range(5)]


def test_degenerate_inputs_raise():
    with pytest.raises(ValueError, match=r"^argmax of an empty sequence$"):
        argmax([])
    with pytest.raises(ValueError, match=r"^at least one weight must be positive$"):
        Rng(0).choice_weighted([0.0, 0.0])
    with pytest.raises(ValueError, match=r"^weights must be non-negative, got -0.5$"):
        Rng(0).choice_weighted([1.0, -0.5])


def test_moving_average_by_hand():
    """Means of the last two values, fewer at the start; a window of 0, a float or a bool is refused."""
    from policywerk.math.vectors import moving_average

    assert moving_average([1.0, 3.0, 5.0, 7.0], 2) == [1.0, 2.0, 4.0, 6.0]
    assert moving_average([4.0, 8.0], 5) == [4.0, 6.0]
    assert moving_average([1.0, 3.0], 1) == [1.0, 3.0]  # the smallest window: each value alone
    for window in (0, 2.0, True):
        with pytest.raises(ValueError, match=f"^window must be an int >= 1, got {window!r}$"):
            moving_average([1.0], window)


def test_add_sums_vectors_entry_by_entry_and_times_scales_one():
    assert add([1.0, 2.0], [0.5, -2.0], [0.25, 1.0]) == [1.75, 1.0]
    assert times(-2.0, [1.5, 0.0, 3.0]) == [-3.0, 0.0, -6.0]


def test_choice_weighted_falls_back_on_the_last_positive_weight_if_rounding_leaves_a_hair():
    """u = random() * total can, through rounding, reach the sum itself; then no index is below it."""
    def top():
        return Draws(repeat(1.0))

    assert top().choice_weighted([1.0, 2.0, 0.0]) == 1
    assert top().choice_weighted([0.0, 3.0]) == 1 and top().choice_weighted([5.0]) == 0


def test_choice_weighted_gives_each_index_the_draws_from_its_partial_sum_up_to_the_next():
    """Index i takes u in [w_0 + ... + w_(i-1), w_0 + ... + w_i): a draw exactly on a partial sum
    belongs to the next positive weight."""
    def at(value):
        return Draws(repeat(value))

    assert at(0.5).choice_weighted([1.0, 1.0]) == 1  # u = 1.0, the end of weight 0's share
    assert at(0.5).choice_weighted([1.0, 0.0, 1.0]) == 2
    assert at(0.25).choice_weighted([1.0, 1.0, 2.0]) == 1  # u = 1.0 of a total of 4
    assert at(0.0).choice_weighted([0.0, 1.0, 1.0]) == 1  # u = 0: the first positive weight


def test_sigmoid_is_one_over_one_plus_e_to_minus_v_and_never_overflows():
    """From 0 up sigmoid is 1 / (1 + e^-v), bit for bit; below 0 it is e^v / (1 + e^v), the same
    function written so that e^-v cannot overflow: sigmoid(-1000) is 0, not an OverflowError."""
    from policywerk.math.scalars import sigmoid

    for v in (0.0, 0.375, 0.9, 1.0, 3.5):
        assert sigmoid(v) == 1.0 / (1.0 + math.exp(-v))
        assert sigmoid(-v) == math.exp(-v) / (1.0 + math.exp(-v))
    assert sigmoid(0.0) == 0.5
    assert sigmoid(1000.0) == 1.0 and sigmoid(-1000.0) == 0.0
