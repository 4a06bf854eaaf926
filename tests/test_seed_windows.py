"""The lessons' seed-dependent claims hold whichever seeds a reader picks with ``--seed`` (quick setting).

A lesson run with ``--seed N`` uses the seeds N, N + 1, ... in place of its own. Running whole lessons for
many windows would cost minutes, so these tests compute each seed's result once, with the same library
calls and settings as the lesson's quick setting, and then ask each window the questions the lesson's
``assert``s ask, with the same margins. The default window (the lesson's own seeds) is checked by the
lesson's run in ``test_lessonNN.py``; the windows here share no seed with it. Not mirrored here:
lesson 02's reading of the learned boxes (measured offline over seeds 0 to 99: the critic's half held for
every learner that balanced, the actor's for all but two, which the lesson's rate tolerates).
"""

import math
import statistics

import pytest

from policywerk.agents.adaptive_elements import Params
from policywerk.agents.adaptive_elements import train as train_pole
from policywerk.agents.td_control import expected_sarsa, q_learning, sarsa, td_control
from policywerk.agents.td_prediction import batch_mc, batch_td0, constant_alpha_mc, td0
from policywerk.math.random import Rng
from policywerk.math.stats import paired, rate
from policywerk.worlds.cliff import GOAL, START, CliffWalking, greedy_path
from policywerk.worlds.random_walk import RandomWalk


def windows(first_seeds, size):
    """The seed windows a reader would get from ``--seed N`` for each N in ``first_seeds``."""
    return [range(first, first + size) for first in first_seeds]


# --- lesson 02: 30 learners per window, 1,000 steps, 50 trials (the quick setting) -----------------
POLE_SEEDS, POLE_WINDOWS = 30, (30, 60)


@pytest.fixture(scope="module")
def pole_results():
    seeds = sorted({s for window in windows(POLE_WINDOWS, POLE_SEEDS) for s in window})
    results = {}
    for seed in seeds:
        with_critic = train_pole(seed, 50, 1_000, Params())
        alone = train_pole(seed, 50, 1_000, Params(), critic=False)
        results[seed] = (with_critic[-1].balanced, max(t.steps for t in with_critic),
                         max(t.steps for t in alone))
    return results


@pytest.mark.parametrize("window", windows(POLE_WINDOWS, POLE_SEEDS), ids=lambda w: f"seed{w[0]}")
def test_lesson02_the_critic_balances_more_seeds_in_any_window(pole_results, window):
    balanced, longest, alone = zip(*(pole_results[s] for s in window))
    with_critic = rate(sum(balanced), len(window))
    without = rate(sum(length >= 1_000 for length in alone), len(window))
    assert with_critic.low > without.high, (with_critic.text(), without.text())
    log_ratio = paired([math.log10(x) for x in longest], [math.log10(x) for x in alone])
    assert log_ratio.mean > 3 * log_ratio.error, log_ratio.text()


# --- lesson 03: Example 6.2 (100 runs in both settings) and 6.3 (30 batch runs, quick) -------------
WALK = RandomWalk()
TRUE = WALK.true_values()


def rms(values):
    return math.sqrt(sum((values[s] - t) ** 2 for s, t in zip(WALK.states, TRUE)) / WALK.n)


def online_curve(update, alpha, seed):
    rng, values = Rng(seed), [0.0] + [0.5] * WALK.n + [0.0]
    errors = [rms(values)]
    for _ in range(100):
        update(values, WALK.episode(rng), alpha)
        errors.append(rms(values))
    return errors


def settled(curve):
    return statistics.mean(curve[51:])


@pytest.mark.parametrize("first", [150, 400])
def test_lesson03_every_td_step_settles_below_every_mc_step_in_any_window(first):
    seeds = range(first, first + 100)
    td = {a: [online_curve(td0, a, s) for s in seeds] for a in (0.05, 0.1, 0.15)}
    mc = {a: [online_curve(constant_alpha_mc, a, s) for s in seeds] for a in (0.01, 0.02, 0.03, 0.04)}
    for td_runs in td.values():
        for mc_runs in mc.values():
            gap = paired(map(settled, mc_runs), map(settled, td_runs))
            assert gap.mean > 3 * gap.error, gap.text(3)
    best_td = min(td.values(), key=lambda runs: statistics.mean(r[100] for r in runs))
    best_mc = min(mc.values(), key=lambda runs: statistics.mean(r[100] for r in runs))
    best_gap = paired((r[100] for r in best_mc), (r[100] for r in best_td))  # after the last walk
    assert best_gap.mean > 3 * best_gap.error, best_gap.text(3)
    for small, large in ((0.05, 0.1), (0.1, 0.15)):
        early = paired((r[10] for r in td[small]), (r[10] for r in td[large]))
        late = paired(map(settled, td[large]), map(settled, td[small]))
        assert early.mean > 3 * early.error and late.mean > 3 * late.error, (small, large)


@pytest.mark.parametrize("first", [30, 60])
def test_lesson03_batch_td_stays_below_batch_mc_in_any_window(first):
    gaps = []
    for seed in range(first, first + 30):
        rng, seen, td, mc = Rng(10_000 + seed), [], [], []
        start = [0.0] + [0.5] * WALK.n + [0.0]
        for _ in range(100):
            seen.append(WALK.episode(rng))
            td.append(rms(batch_td0(seen, start)))
            mc.append(rms(batch_mc(seen, start)))
        gaps.append(statistics.mean(mc[1:]) - statistics.mean(td[1:]))  # from the second walk on
    gap = paired(gaps, [0.0] * len(gaps))
    assert gap.mean > 3 * gap.error, gap.text(3)


# --- lesson 04: 30 runs per method (the quick setting) ----------------------------------------------
EDGE_ROUTE = [START, 24, *range(25, 36), GOAL]


def cliff_runs(target, seeds, update_first=False):
    return [td_control(CliffWalking(), target, 500, 0.5, 0.1, 1.0, Rng(seed), update_first=update_first)
            for seed in seeds]


def online(learned):
    return statistics.mean(e.reward for e in learned.episodes[-100:])


@pytest.mark.parametrize("first", [30, 60])
def test_lesson04_the_online_ordering_and_the_routes_hold_in_any_window(first):
    seeds = range(first, first + 30)
    q, s, e = (cliff_runs(target, seeds) for target in (q_learning, sarsa, expected_sarsa))
    safer = paired(map(online, s), map(online, q))
    steadier = paired(map(online, e), map(online, s))
    assert safer.mean > 3 * safer.error and steadier.mean > 3 * steadier.error
    edge = [greedy_path(learned.q) == EDGE_ROUTE for learned in q]
    assert rate(sum(edge), len(seeds)).low > 0.8
    in_book_order = cliff_runs(q_learning, seeds, update_first=True)
    order = paired(map(online, in_book_order), map(online, q))
    assert abs(order.mean) + 3 * order.error < 0.25 * safer.mean, order.text(1)
    edge_too = [greedy_path(learned.q) == EDGE_ROUTE for learned in in_book_order]
    assert rate(sum(edge_too), len(seeds)).low > 0.8
