"""The uncertainty helper against known values and against its own promise: a 95% interval that
covers the true mean about 95% of the time."""

import math

import pytest

from policywerk.math.random import Rng
from policywerk.math.stats import Estimate, apart, estimate, paired, rate


def test_the_standard_error_of_a_known_sample():
    e = estimate([1.0, 2.0, 3.0, 4.0])
    assert e.mean == 2.5 and e.n == 4
    assert e.error == pytest.approx(math.sqrt(5 / 3) / 2)  # sample sd √(5/3), over √4
    assert e.text() == "2.50 ± 0.65 (SE, 4 runs)"
    assert estimate([7.0]).error == 0.0
    assert estimate([7.0]).text(1, "seeds") == "7.0 (a single seed: no standard error)"
    assert estimate([-0.01, 0.0]).text(1, "seeds") == "0.0 ± 0.0 (SE, 2 seeds)"  # not "-0.0"
    with pytest.raises(ValueError, match="^an estimate needs at least one value$"):
        estimate([])
    two = estimate([0.25, 0.35])  # two values have a spread: sd 0.05√2, over √2
    assert two.error == pytest.approx(0.05) and two.text() == "0.30 ± 0.05 (SE, 2 runs)"


def test_a_95_percent_interval_covers_the_true_mean_about_95_percent_of_the_time():
    rng, covered, trials = Rng(1), 0, 2000
    for _ in range(trials):
        e = estimate(rng.gauss(3.0, 2.0) for _ in range(50))
        covered += e.low <= 3.0 <= e.high
    assert 0.93 <= covered / trials <= 0.97  # z with n = 50: a shade under 95%


def test_wilson_intervals_match_known_values_and_stay_in_bounds():
    r = rate(61, 100)
    assert (round(r.low, 3), round(r.high, 3)) == (0.512, 0.700)  # Wilson's score interval for 61/100
    assert r.text() == "61 of 100 (51% to 70%, 95% interval)"
    assert rate(0, 10).low == 0.0 and rate(10, 10).high == 1.0 and rate(10, 10).low > 0.69
    with pytest.raises(ValueError):
        rate(11, 10)


def test_a_rate_is_successes_over_runs_and_refuses_impossible_counts():
    assert rate(61, 100).value == 0.61
    for successes, n in ((-1, 10), (11, 10), (0, 0)):
        with pytest.raises(ValueError, match=f"got {successes} of {n}$"):
            rate(successes, n)
    assert rate(0, 1).value == 0.0 and rate(1, 10).low > 0.0
    # exactly 0 and 1 at the ends, where the formula leaves a hair inside them for these counts
    assert rate(0, 3).low == 0.0 and rate(16, 16).high == 1.0


def test_a_wilson_interval_covers_the_true_rate_about_95_percent_of_the_time():
    rng, covered, trials = Rng(2), 0, 2000
    for _ in range(trials):
        wins = sum(rng.random() < 0.3 for _ in range(40))
        r = rate(wins, 40)
        covered += r.low <= 0.3 <= r.high
    assert 0.93 <= covered / trials <= 0.97


def test_paired_differences_cancel_shared_luck_that_separate_errors_do_not():
    rng = Rng(3)
    luck = [rng.gauss(0.0, 5.0) for _ in range(30)]  # the same seeds: both methods share this noise
    better = [x + 1.0 + rng.gauss(0.0, 0.1) for x in luck]
    worse = [x + rng.gauss(0.0, 0.1) for x in luck]
    assert not apart(estimate(better), estimate(worse))  # lost in the shared noise ...
    gap = paired(better, worse)
    assert gap.mean == pytest.approx(1.0, abs=0.1) and gap.low > 0.5  # ... plain in the differences
    with pytest.raises(ValueError, match="same number"):
        paired([1.0], [1.0, 2.0])


def test_apart_asks_for_the_margin_in_standard_errors():
    a, b = estimate([10.0, 10.2, 9.8, 10.1]), estimate([9.0, 9.2, 8.8, 9.1])
    assert apart(a, b) and not apart(b, a) and not apart(a, b, margin=100.0)
    # the error of the difference: hypot(3, 4) = 5; by default apart means more than 3 of them
    higher, lower = Estimate(15.0, 3.0, 4), Estimate(0.0, 4.0, 4)
    assert not apart(higher, lower) and apart(Estimate(15.01, 3.0, 4), lower)
    assert apart(higher, lower, margin=2.99) and not apart(higher, lower, margin=3.01)
