"""Tests for policywerk.agents.td_prediction: TD(0), constant-alpha MC, TD(lambda) and the batch limits.

States follow the random walk: 0 = left end, 1..5 = A..E, 6 = right end. Expected numbers are worked out
by hand in the comments, or by an independent numpy oracle built from the definitions.
"""

import numpy as np
import pytest

from policywerk.agents.td_prediction import (
    batch_iterate,
    batch_mc,
    batch_td0,
    constant_alpha_mc,
    lambda_returns,
    returns,
    td0,
    td_lambda,
    td_lambda_fixed_point,
    td_lambda_increments,
)
from policywerk.math.random import Rng
from policywerk.worlds.random_walk import RandomWalk

LEFT_END, A, B, C, D, E, RIGHT_END = range(7)
TERMINALS = (LEFT_END, RIGHT_END)

# C -> D -> E -> off the right end, paying 1 on the last step.
C_D_E_RIGHT = [(C, 0.0, D), (D, 0.0, E), (E, 1.0, RIGHT_END)]
# C -> D -> C -> D -> E -> off the right end: C and D are each visited twice.
C_D_C_D_E_RIGHT = [(C, 0.0, D), (D, 0.0, C), (C, 0.0, D), (D, 0.0, E), (E, 1.0, RIGHT_END)]


def halves():
    """Every non-terminal value 0.5, terminals 0."""
    return [0.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.0]


def random_values(gen, n_states=7):
    """Arbitrary values for the non-terminal states; the two ends stay 0."""
    v = gen.uniform(-1.0, 2.0, size=n_states)
    v[0] = v[-1] = 0.0
    return v.tolist()


def random_episodes(seed, count, n=5):
    rng = Rng(seed)
    walk = RandomWalk(n)
    return [walk.episode(rng) for _ in range(count)]


# --- independent oracles (numpy and plain loops, from the definitions) ------------------------------
def mc_returns(episode):
    """G_t = r_{t+1} + ... + r_T, by a reversed cumulative sum."""
    rewards = np.array([r for _, r, _ in episode])
    return np.cumsum(rewards[::-1])[::-1]


def lambda_return_from_definition(values, episode, lam):
    """G^lam_t = (1 - lam) sum_{n=1}^{T-t-1} lam^(n-1) G^(n)_t + lam^(T-t-1) G_t, with n-step returns
    G^(n)_t = r_{t+1} + ... + r_{t+n} + V(s_{t+n})."""
    rewards = [r for _, r, _ in episode]
    states = [s for s, _, _ in episode]
    big_t = len(episode)
    out = []
    for t in range(big_t):
        full = sum(rewards[t:])
        blend = 0.0
        for n in range(1, big_t - t):
            blend += (1 - lam) * lam ** (n - 1) * (sum(rewards[t:t + n]) + values[states[t + n]])
        out.append(blend + lam ** (big_t - t - 1) * full)
    return out


def per_state_sum(n_states, episode, amounts):
    total = np.zeros(n_states)
    for (s, _, _), x in zip(episode, amounts):
        total[s] += x
    return total


def numpy_fixed_point(episodes, lam, values, terminals=TERMINALS):
    """Solve A V = b over the visited states with A = sum_t e_t (x_t - x_{t+1})^T and b = sum_t e_t r_t,
    unit-vector features x_s, a zero feature for terminal states and e_t = lam e_{t-1} + x_t."""
    n = len(values)

    def x(s):
        v = np.zeros(n)
        if s not in terminals:
            v[s] = 1.0
        return v

    big_a, b = np.zeros((n, n)), np.zeros(n)
    for episode in episodes:
        e = np.zeros(n)
        for s, r, s_next in episode:
            e = lam * e + x(s)
            big_a += np.outer(e, x(s) - x(s_next))
            b += e * r
    visited = sorted({s for ep in episodes for s, _, _ in ep})
    out = np.array(values, dtype=float)
    out[visited] = np.linalg.solve(big_a[np.ix_(visited, visited)], b[visited])
    return out


def numpy_certainty_equivalence(episodes, values, terminals=TERMINALS):
    """Values of the maximum-likelihood Markov model: V = (I - P)^-1 R from transition and reward counts."""
    n = len(values)
    counts, reward_sum, visits = np.zeros((n, n)), np.zeros(n), np.zeros(n)
    for episode in episodes:
        for s, r, s_next in episode:
            visits[s] += 1
            reward_sum[s] += r
            if s_next not in terminals:
                counts[s, s_next] += 1
    visited = np.flatnonzero(visits)
    p = counts[np.ix_(visited, visited)] / visits[visited, None]
    out = np.array(values, dtype=float)
    out[visited] = np.linalg.solve(np.eye(len(visited)) - p, reward_sum[visited] / visits[visited])
    return out


# --- TD(0) ------------------------------------------------------------------------------------------
def test_td0_first_pass_changes_only_the_last_state():
    """With all values 0.5, only E moves on the first pass: 0.5 + 0.1 (1 + 0 - 0.5) = 0.55."""
    v = halves()
    errors = td0(v, C_D_E_RIGHT, alpha=0.1)
    # C->D: 0 + 0.5 - 0.5 = 0;  D->E: 0 + 0.5 - 0.5 = 0;  E->end: 1 + 0 - 0.5 = 0.5
    assert errors == pytest.approx([0.0, 0.0, 0.5], abs=1e-15)
    assert v == pytest.approx([0.0, 0.5, 0.5, 0.5, 0.5, 0.55, 0.0], abs=1e-15)


def test_td0_second_pass_reaches_back_one_more_state():
    """A second pass moves D toward the new E: 0.5 + 0.1 (0.55 - 0.5) = 0.505, and E to 0.595."""
    v = halves()
    td0(v, C_D_E_RIGHT, alpha=0.1)
    errors = td0(v, C_D_E_RIGHT, alpha=0.1)
    # C->D: 0.5 - 0.5 = 0;  D->E: 0.55 - 0.5 = 0.05, D = 0.5 + 0.005 = 0.505
    # E->end: 1 - 0.55 = 0.45, E = 0.55 + 0.045 = 0.595
    assert errors == pytest.approx([0.0, 0.05, 0.45], abs=1e-12)
    assert v == pytest.approx([0.0, 0.5, 0.5, 0.5, 0.505, 0.595, 0.0], abs=1e-12)


def test_td0_uses_values_updated_earlier_in_the_same_episode():
    """TD(0) is online: the second visit to C sees the value D got on the step before."""
    v = [0.0, 0.0, 0.0, 0.5, 0.75, 0.5, 0.0]
    errors = td0(v, C_D_C_D_E_RIGHT, alpha=0.1)
    # t0 C->D: 0.75 - 0.5 = 0.25,        C = 0.5 + 0.025 = 0.525
    # t1 D->C: 0.525 - 0.75 = -0.225,    D = 0.75 - 0.0225 = 0.7275
    # t2 C->D: 0.7275 - 0.525 = 0.2025,  C = 0.525 + 0.02025 = 0.54525
    # t3 D->E: 0.5 - 0.7275 = -0.2275,   D = 0.7275 - 0.02275 = 0.70475
    # t4 E->end: 1 - 0.5 = 0.5,          E = 0.5 + 0.05 = 0.55
    assert errors == pytest.approx([0.25, -0.225, 0.2025, -0.2275, 0.5], abs=1e-12)
    assert v == pytest.approx([0.0, 0.0, 0.0, 0.54525, 0.70475, 0.55, 0.0], abs=1e-12)


# --- Monte Carlo ------------------------------------------------------------------------------------
def test_returns_are_undiscounted_sums_of_the_rewards_that_follow():
    """returns() adds up every later reward with no discount."""
    assert returns(C_D_E_RIGHT) == pytest.approx([1.0, 1.0, 1.0])
    # rewards 1, 0, 2, 0  ->  G = 1+0+2+0, 0+2+0, 2+0, 0 = 3, 2, 2, 0
    assert returns([(C, 1.0, D), (D, 0.0, C), (C, 2.0, B), (B, 0.0, LEFT_END)]) == pytest.approx([3, 2, 2, 0])
    assert returns([(C, -0.5, D), (D, 0.25, E), (E, 1.0, RIGHT_END)]) == pytest.approx([0.75, 1.25, 1.0])
    assert returns([]) == []


def test_constant_alpha_mc_moves_every_visited_state_toward_the_return():
    """Each of C, D, E moves from 0.5 toward the return 1: 0.5 + 0.1 (1 - 0.5) = 0.55."""
    v = halves()
    constant_alpha_mc(v, C_D_E_RIGHT, alpha=0.1)
    assert v == pytest.approx([0.0, 0.5, 0.5, 0.55, 0.55, 0.55, 0.0], abs=1e-15)


def test_constant_alpha_mc_updates_a_twice_visited_state_twice():
    """C -> D -> C -> B -> left (return 0): C is updated twice, 0.5 -> 0.45 -> 0.405."""
    v = halves()
    constant_alpha_mc(v, [(C, 0.0, D), (D, 0.0, C), (C, 0.0, B), (B, 0.0, LEFT_END)], alpha=0.1)
    # C: 0.5 + 0.1 (0 - 0.5) = 0.45, then 0.45 + 0.1 (0 - 0.45) = 0.405;  D, B: 0.45
    assert v == pytest.approx([0.0, 0.5, 0.45, 0.405, 0.45, 0.5, 0.0], abs=1e-15)


def test_constant_alpha_mc_applies_the_every_visit_updates_in_time_order():
    """With different returns at the two visits, C takes the first return first: 0.75 then 0.875."""
    v = halves()
    constant_alpha_mc(v, [(C, 1.0, D), (D, 0.0, C), (C, 2.0, B), (B, 0.0, LEFT_END)], alpha=0.1)
    # returns 3, 2, 2, 0
    # t0 C: 0.5 + 0.1 (3 - 0.5) = 0.75      t1 D: 0.5 + 0.1 (2 - 0.5) = 0.65
    # t2 C: 0.75 + 0.1 (2 - 0.75) = 0.875   t3 B: 0.5 + 0.1 (0 - 0.5) = 0.45
    # (the other order would give C = 0.65 + 0.1 (3 - 0.65) = 0.885)
    assert v == pytest.approx([0.0, 0.5, 0.45, 0.875, 0.65, 0.5, 0.0], abs=1e-12)


# --- online TD(lambda) ------------------------------------------------------------------------------
def test_td_lambda_by_hand_with_revisits():
    """Online TD(0.5), alpha 0.1, on C D C D E -> right: traces, errors and values worked by hand."""
    v = [0.0, 0.0, 0.0, 0.5, 0.75, 0.5, 0.0]
    seen = []
    td_lambda(v, C_D_C_D_E_RIGHT, alpha=0.1, lam=0.5, watch=lambda t, d, e: seen.append((t, d, e)))
    # traces shown after adding the visit; they are halved before the next step
    # t0 C->D  e = {C: 1}                 delta = 0.75 - 0.5 = 0.25
    #          C += 0.1 * 0.25 * 1 = 0.025                          C = 0.525
    # t1 D->C  e = {C: 0.5, D: 1}         delta = 0.525 - 0.75 = -0.225
    #          C += 0.1 * -0.225 * 0.5 = -0.01125                   C = 0.51375
    #          D += 0.1 * -0.225 * 1 = -0.0225                      D = 0.7275
    # t2 C->D  e = {C: 1.25, D: 0.5}      delta = 0.7275 - 0.51375 = 0.21375
    #          C += 0.1 * 0.21375 * 1.25 = 0.02671875               C = 0.54046875
    #          D += 0.1 * 0.21375 * 0.5 = 0.0106875                 D = 0.7381875
    # t3 D->E  e = {C: 0.625, D: 1.25}    delta = 0.5 - 0.7381875 = -0.2381875
    #          C += 0.1 * -0.2381875 * 0.625 = -0.01488671875       C = 0.52558203125
    #          D += 0.1 * -0.2381875 * 1.25 = -0.0297734375         D = 0.7084140625
    # t4 E->end e = {C: 0.3125, D: 0.625, E: 1}  delta = 1 + 0 - 0.5 = 0.5
    #          C += 0.05 * 0.3125 = 0.015625                        C = 0.54120703125
    #          D += 0.05 * 0.625 = 0.03125                          D = 0.7396640625
    #          E += 0.05 * 1 = 0.05                                 E = 0.55
    assert [t for t, _, _ in seen] == [0, 1, 2, 3, 4]
    assert [d for _, d, _ in seen] == pytest.approx([0.25, -0.225, 0.21375, -0.2381875, 0.5], abs=1e-12)
    expected_traces = [
        [0, 0, 0, 1, 0, 0, 0],
        [0, 0, 0, 0.5, 1, 0, 0],
        [0, 0, 0, 1.25, 0.5, 0, 0],
        [0, 0, 0, 0.625, 1.25, 0, 0],
        [0, 0, 0, 0.3125, 0.625, 1, 0],
    ]
    for (_, _, traces), expected in zip(seen, expected_traces):
        assert traces == pytest.approx(expected, abs=1e-15)
    assert v == pytest.approx([0.0, 0.0, 0.0, 0.54120703125, 0.7396640625, 0.55, 0.0], abs=1e-12)


def test_td_lambda_at_the_end_of_a_uniform_episode_credits_earlier_states_by_their_trace():
    """From all 0.5, only the last step has an error (0.5); C and D get 0.05 times their traces."""
    v = halves()
    td_lambda(v, C_D_C_D_E_RIGHT, alpha=0.1, lam=0.5)
    # deltas 0, 0, 0, 0, 0.5; final traces C 0.3125, D 0.625, E 1
    # C = 0.5 + 0.05 * 0.3125 = 0.515625, D = 0.5 + 0.05 * 0.625 = 0.53125, E = 0.55
    assert v == pytest.approx([0.0, 0.5, 0.5, 0.515625, 0.53125, 0.55, 0.0], abs=1e-15)


def test_watch_gets_a_copy_of_the_traces():
    """The traces handed to watch are snapshots, not the list the learner keeps changing."""
    seen = []
    td_lambda(halves(), C_D_E_RIGHT, alpha=0.1, lam=0.5, watch=lambda t, d, e: seen.append(e))
    assert seen[0] == pytest.approx([0, 0, 0, 1, 0, 0, 0])
    assert seen[1] == pytest.approx([0, 0, 0, 0.5, 1, 0, 0])
    assert seen[2] == pytest.approx([0, 0, 0, 0.25, 0.5, 1, 0])


def test_a_single_visit_trace_decays_as_lambda_to_the_k():
    """After one visit to C, its trace k steps later is 0.7^k: 1, 0.7, 0.49, 0.343, ..."""
    # C D E D E D E -> right: C is visited only at t = 0
    episode = [(C, 0.0, D), (D, 0.0, E), (E, 0.0, D), (D, 0.0, E), (E, 0.0, D), (D, 0.0, E), (E, 1.0, RIGHT_END)]
    seen = []
    td_lambda(halves(), episode, alpha=0.1, lam=0.7, watch=lambda t, d, e: seen.append(e[C]))
    assert seen == pytest.approx([1.0, 0.7, 0.49, 0.343, 0.2401, 0.16807, 0.117649], abs=1e-12)


def test_a_trace_accumulates_on_revisits():
    """D visited at t = 1, 3, 5 with lambda 0.7 has traces 1, 0.7, 1.49, 1.043, 1.7301, 1.21107."""
    episode = [(C, 0.0, D), (D, 0.0, E), (E, 0.0, D), (D, 0.0, E), (E, 0.0, D), (D, 0.0, E), (E, 1.0, RIGHT_END)]
    seen = []
    td_lambda(halves(), episode, alpha=0.1, lam=0.7, watch=lambda t, d, e: seen.append(e[D]))
    # t1: 1; t2: 0.7; t3: 0.49 + 1 = 1.49; t4: 1.043; t5: 0.7301 + 1 = 1.7301; t6: 1.21107
    assert seen == pytest.approx([0.0, 1.0, 0.7, 1.49, 1.043, 1.7301, 1.21107], abs=1e-12)


def test_td_lambda_with_lambda_zero_is_exactly_td0():
    """TD(0) as TD(lambda = 0) gives bit-for-bit the same values on random walks and values."""
    gen = np.random.default_rng(0)
    for seed in range(30):
        start = random_values(gen)
        a, b = start[:], start[:]
        for episode in random_episodes(seed, 5):
            td_lambda(a, episode, alpha=0.1, lam=0.0)
            td0(b, episode, alpha=0.1)
        assert a == b


# --- Sutton's (1988) per-sequence increments --------------------------------------------------------
def test_increments_by_hand_hold_the_values_fixed():
    """Summed over C D C D E -> right with lambda 0.5 and fixed values; the values are not changed."""
    v = [0.0, 0.0, 0.0, 0.5, 0.75, 0.5, 0.0]
    inc = td_lambda_increments(v, C_D_C_D_E_RIGHT, lam=0.5)
    # fixed errors: 0.75-0.5 = 0.25, 0.5-0.75 = -0.25, 0.25, 0.5-0.75 = -0.25, 1-0.5 = 0.5
    # traces (as in the online test) C: 1, 0.5, 1.25, 0.625, 0.3125;  D: 0, 1, 0.5, 1.25, 0.625;  E: 0,0,0,0,1
    # C: 0.25 - 0.125 + 0.3125 - 0.15625 + 0.15625 = 0.4375
    # D: -0.25 + 0.125 - 0.3125 + 0.3125 = -0.125
    # E: 0.5
    assert inc == pytest.approx([0.0, 0.0, 0.0, 0.4375, -0.125, 0.5, 0.0], abs=1e-15)
    assert v == [0.0, 0.0, 0.0, 0.5, 0.75, 0.5, 0.0]


def test_increments_with_lambda_one_are_the_monte_carlo_increments():
    """lambda = 1: the per-state sum of (G_t - V(s_t)) on random walks with arbitrary values."""
    gen = np.random.default_rng(1)
    for seed in range(40):
        v = random_values(gen)
        (episode,) = random_episodes(seed, 1)
        g = mc_returns(episode)
        expected = per_state_sum(7, episode, [g_t - v[s] for (s, _, _), g_t in zip(episode, g)])
        np.testing.assert_allclose(td_lambda_increments(v, episode, lam=1.0), expected, rtol=0, atol=1e-12)


def test_increments_with_lambda_zero_are_the_summed_td_errors():
    """lambda = 0: the per-state sum of r + V(s') - V(s) on random walks with arbitrary values."""
    gen = np.random.default_rng(2)
    for seed in range(40):
        v = random_values(gen)
        (episode,) = random_episodes(seed, 1)
        expected = per_state_sum(7, episode, [r + v[s2] - v[s] for s, r, s2 in episode])
        np.testing.assert_allclose(td_lambda_increments(v, episode, lam=0.0), expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize("lam", [0.0, 0.3, 0.5, 0.9, 1.0])
def test_increments_equal_the_forward_view(lam):
    """For any lambda the backward-view sum equals the per-state sum of (G^lambda_t - V(s_t))."""
    gen = np.random.default_rng(3)
    for seed in range(30):
        v = random_values(gen)
        (episode,) = random_episodes(seed, 1)
        g_lam = lambda_return_from_definition(v, episode, lam)
        expected = per_state_sum(7, episode, [g - v[s] for (s, _, _), g in zip(episode, g_lam)])
        np.testing.assert_allclose(td_lambda_increments(v, episode, lam), expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize("lam", [0.0, 0.25, 0.5, 0.8, 1.0])
def test_lambda_returns_match_the_weighted_n_step_definition(lam):
    """lambda_returns equals the (1 - lambda) lambda^(n-1) blend of n-step returns."""
    gen = np.random.default_rng(4)
    for seed in range(30):
        v = random_values(gen)
        (episode,) = random_episodes(seed, 1)
        np.testing.assert_allclose(lambda_returns(v, episode, lam),
                                   lambda_return_from_definition(v, episode, lam), rtol=0, atol=1e-12)


def test_lambda_returns_by_hand():
    """On C D E -> right from 0.5: lambda 0 gives r + V(s'), 1 gives G, 0.5 gives 0.625, 0.75, 1."""
    v = halves()
    assert lambda_returns(v, C_D_E_RIGHT, 0.0) == pytest.approx([0.5, 0.5, 1.0], abs=1e-15)
    assert lambda_returns(v, C_D_E_RIGHT, 1.0) == pytest.approx([1.0, 1.0, 1.0], abs=1e-15)
    # t0: n-step returns 0.5 (n=1), 0.5 (n=2), 1 (final): 0.5*0.5 + 0.25*0.5 + 0.25*1 = 0.625
    # t1: 0.5*0.5 + 0.5*1 = 0.75;  t2: 1
    assert lambda_returns(v, C_D_E_RIGHT, 0.5) == pytest.approx([0.625, 0.75, 1.0], abs=1e-15)


# --- batch updating ---------------------------------------------------------------------------------
# Three short walks:
#   1: C D E -> right (1)      2: C D C B A -> left (0)      3: C B C D E -> right (1)
BATCH = [
    [(C, 0.0, D), (D, 0.0, E), (E, 1.0, RIGHT_END)],
    [(C, 0.0, D), (D, 0.0, C), (C, 0.0, B), (B, 0.0, A), (A, 0.0, LEFT_END)],
    [(C, 0.0, B), (B, 0.0, C), (C, 0.0, D), (D, 0.0, E), (E, 1.0, RIGHT_END)],
]
# Maximum-likelihood model from the counts:
#   A: 1 visit, -> left (0)                    so V(A) = 0
#   B: 2 visits, -> A once, -> C once          so V(B) = V(A)/2 + V(C)/2 = V(C)/2
#   C: 5 visits, -> D three times, -> B twice  so V(C) = 3/5 V(D) + 2/5 V(B)
#   D: 3 visits, -> E twice, -> C once         so V(D) = 2/3 V(E) + 1/3 V(C)
#   E: 2 visits, -> right (1) both times       so V(E) = 1
# Substituting: V(D) = 2/3 + V(C)/3 and V(C) = 3/5 (2/3 + V(C)/3) + 2/5 (V(C)/2) = 2/5 + 2/5 V(C),
# so 3/5 V(C) = 2/5, V(C) = 2/3, V(D) = 2/3 + 2/9 = 8/9, V(B) = 1/3.
CERTAINTY_EQUIVALENCE = [0.0, 0.0, 1 / 3, 2 / 3, 8 / 9, 1.0, 0.0]
# Returns: walk 1 all 1, walk 2 all 0, walk 3 all 1.
#   A: [0] -> 0;  B: [0, 1] -> 1/2;  C: [1, 0, 0, 1, 1] -> 3/5;  D: [1, 0, 1] -> 2/3;  E: [1, 1] -> 1
AVERAGE_RETURNS = [0.0, 0.0, 1 / 2, 3 / 5, 2 / 3, 1.0, 0.0]


def test_batch_td0_is_the_certainty_equivalence_estimate_by_hand():
    """batch_td0 on the three walks gives A 0, B 1/3, C 2/3, D 8/9, E 1."""
    assert batch_td0(BATCH, halves()) == pytest.approx(CERTAINTY_EQUIVALENCE, abs=1e-12)


def test_batch_mc_is_the_average_return_by_hand():
    """batch_mc on the three walks gives A 0, B 1/2, C 3/5, D 2/3, E 1."""
    assert batch_mc(BATCH, halves()) == pytest.approx(AVERAGE_RETURNS, abs=1e-12)


def test_batch_limits_do_not_modify_the_starting_values():
    """batch_td0, batch_mc and batch_iterate return new lists and leave their argument alone."""
    v = halves()
    batch_td0(BATCH, v)
    batch_mc(BATCH, v)
    td_lambda_fixed_point(BATCH, 0.5, v)
    batch_iterate(BATCH, v, alpha=0.05, lam=0.0, tol=1e-6)
    assert v == halves()


def test_unvisited_states_keep_their_starting_value_in_the_batch_limits():
    """With only C D E -> right, A and B are never seen and keep 0.3 and 0.7; C, D, E become 1."""
    start = [0.0, 0.3, 0.7, 0.5, 0.5, 0.5, 0.0]
    one_walk = BATCH[:1]
    # every visited state leads to the right end with certainty, and every return is 1
    assert batch_td0(one_walk, start) == pytest.approx([0.0, 0.3, 0.7, 1.0, 1.0, 1.0, 0.0], abs=1e-12)
    assert batch_mc(one_walk, start) == pytest.approx([0.0, 0.3, 0.7, 1.0, 1.0, 1.0, 0.0], abs=1e-12)
    for lam in (0.0, 0.4, 1.0):
        assert td_lambda_fixed_point(one_walk, lam, start) == pytest.approx([0.0, 0.3, 0.7, 1, 1, 1, 0], abs=1e-12)


def test_batch_iterate_with_lambda_zero_converges_to_the_certainty_equivalence_estimate():
    """Repeated summed TD(0) increments with alpha 0.01 end at 0, 1/3, 2/3, 8/9, 1 (lam's default is 0)."""
    values, sweeps = batch_iterate(BATCH, halves(), alpha=0.01)
    assert values == pytest.approx(CERTAINTY_EQUIVALENCE, abs=1e-6)
    assert sweeps > 1


def test_batch_iterate_counts_its_presentations_and_stops_strictly_below_tol():
    """Started at its fixed point (V(E) = 1 = the reward of E -> right), the first presentation moves
    nothing: one presentation is counted and enough; none is not; and a move of exactly tol is not
    below it."""
    fixed = [0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0]
    walk = [[(E, 1.0, RIGHT_END)]]
    assert batch_iterate(walk, fixed, alpha=0.1, max_sweeps=1) == (fixed, 1)
    refusal = "^batch updating did not converge in {} presentations; try a smaller alpha$"
    with pytest.raises(RuntimeError, match=refusal.format(0)):
        batch_iterate(walk, fixed, alpha=0.1, max_sweeps=0)
    with pytest.raises(RuntimeError, match=refusal.format(2)):
        batch_iterate(walk, fixed, alpha=0.1, tol=0.0, max_sweeps=2)


def test_batch_iterate_with_lambda_one_converges_to_batch_mc():
    """Repeated summed TD(1) increments end at the average returns 0, 1/2, 3/5, 2/3, 1."""
    values, _ = batch_iterate(BATCH, halves(), alpha=0.01, lam=1.0)
    assert values == pytest.approx(AVERAGE_RETURNS, abs=1e-6)
    assert values == pytest.approx(batch_mc(BATCH, halves()), abs=1e-6)


def test_batch_iterate_with_intermediate_lambda_converges_to_the_numpy_fixed_point():
    """With lambda 0.5 batch updating ends where the numpy-built linear system says."""
    values, _ = batch_iterate(BATCH, halves(), alpha=0.01, lam=0.5)
    np.testing.assert_allclose(values, numpy_fixed_point(BATCH, 0.5, halves()), rtol=0, atol=1e-6)


def test_batch_iterate_raises_when_it_runs_out_of_sweeps():
    """Too few presentations to converge raises RuntimeError."""
    with pytest.raises(RuntimeError, match="did not converge in 5"):
        batch_iterate(BATCH, halves(), alpha=0.01, lam=0.0, max_sweeps=5)
    with pytest.raises(RuntimeError):
        batch_iterate(BATCH, halves(), alpha=0.01, lam=1.0, max_sweeps=1)


def test_fixed_point_at_lambda_zero_and_one_are_the_hand_estimates():
    """td_lambda_fixed_point gives the certainty-equivalence values at 0 and the average returns at 1."""
    assert td_lambda_fixed_point(BATCH, 0.0, halves()) == pytest.approx(CERTAINTY_EQUIVALENCE, abs=1e-12)
    assert td_lambda_fixed_point(BATCH, 1.0, halves()) == pytest.approx(AVERAGE_RETURNS, abs=1e-12)


@pytest.mark.parametrize("lam", [0.0, 0.2, 0.5, 0.8, 1.0])
def test_fixed_point_matches_a_numpy_oracle_on_random_data(lam):
    """On random small data sets td_lambda_fixed_point solves A V = b as built from the definition."""
    gen = np.random.default_rng(5)
    unvisited_seen = 0
    for seed in range(25):
        n = 5 if seed % 2 else 7
        episodes = random_episodes(seed, 1 + seed % 3, n=n)
        start = random_values(gen, n + 2)
        got = td_lambda_fixed_point(episodes, lam, start)
        oracle = numpy_fixed_point(episodes, lam, start, terminals=(0, n + 1))
        np.testing.assert_allclose(got, oracle, rtol=0, atol=1e-9)
        visited = {s for ep in episodes for s, _, _ in ep}
        for s in range(n + 2):
            if s not in visited:
                assert got[s] == start[s]
                unvisited_seen += s not in (0, n + 1)
    assert unvisited_seen > 0  # the data sets did leave some states out


def test_batch_td0_matches_the_maximum_likelihood_model_on_random_data():
    """batch_td0 equals V = (I - P)^-1 R of the transition and reward frequencies, computed in numpy."""
    gen = np.random.default_rng(6)
    for seed in range(25):
        episodes = random_episodes(1000 + seed, 2 + seed % 4)
        start = random_values(gen)
        np.testing.assert_allclose(batch_td0(episodes, start), numpy_certainty_equivalence(episodes, start),
                                   rtol=0, atol=1e-9)


def test_batch_mc_matches_per_state_average_returns_on_random_data():
    """batch_mc equals the mean of the returns after each visit, computed with numpy."""
    gen = np.random.default_rng(7)
    for seed in range(25):
        episodes = random_episodes(2000 + seed, 1 + seed % 4)
        start = random_values(gen)
        totals, counts = np.zeros(7), np.zeros(7)
        for ep in episodes:
            totals += per_state_sum(7, ep, mc_returns(ep))
            counts += per_state_sum(7, ep, np.ones(len(ep)))
        expected = np.where(counts > 0, totals / np.maximum(counts, 1), start)
        np.testing.assert_allclose(batch_mc(episodes, start), expected, rtol=0, atol=1e-12)


def test_fixed_point_matches_repetition_on_an_episode_cut_short():
    """A next state never left keeps its value in the fixed point, as in repeated presentation."""
    values = [0.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.0]
    cut = [[(3, 0.0, 4)]]
    repeated, _ = batch_iterate(cut, values, alpha=0.1, lam=0.0)
    assert td_lambda_fixed_point(cut, 0.0, values)[3] == pytest.approx(repeated[3]) == pytest.approx(0.5)
