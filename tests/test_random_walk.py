"""Tests for policywerk.worlds.random_walk: the five-state random walk and its Gymnasium-style env."""

import math

import numpy as np
import pytest

from conftest import Draws, exactly
from policywerk.math.random import Rng
from policywerk.worlds.random_walk import RandomWalk

LEFT_END, A, B, C, D, E, RIGHT_END = range(7)


def binomial_tolerance(p, n, sigmas=4.0):
    """``sigmas`` standard errors of a proportion p estimated from n independent trials."""
    return sigmas * math.sqrt(p * (1 - p) / n)


def simulate_right_exits(start, n_walks, seed, n=5):
    """How many of ``n_walks`` fair +/-1 walks from ``start`` leave on the right (our own loop, numpy)."""
    gen = np.random.default_rng(seed)
    pos = np.full(n_walks, start)
    alive = np.ones(n_walks, dtype=bool)
    while alive.any():
        pos[alive] += gen.choice([-1, 1], size=int(alive.sum()))
        alive &= (pos > 0) & (pos < n + 1)
    return int((pos == n + 1).sum())


# --- true values ------------------------------------------------------------------------------------
def test_true_values_are_one_sixth_to_five_sixths():
    """The chance of leaving on the right from A..E is 1/6, 2/6, ..., 5/6."""
    assert RandomWalk().true_values() == pytest.approx([1 / 6, 2 / 6, 3 / 6, 4 / 6, 5 / 6], abs=1e-15)


def test_true_values_satisfy_the_bellman_equation_of_the_walk():
    """Each V(s) is the average of its neighbours, with V(left end) = 0 and V(right end) = 1."""
    v = [0.0] + RandomWalk().true_values() + [1.0]
    for s in range(1, 6):
        assert v[s] == pytest.approx((v[s - 1] + v[s + 1]) / 2, abs=1e-15)


@pytest.mark.parametrize("start", [A, B, C, D, E])
def test_simulated_right_exit_frequency_matches_the_true_value(start):
    """20,000 simulated walks from each state leave on the right about s/6 of the time."""
    n_walks = 20_000
    p = start / 6  # the claimed value, checked against an independent simulation
    freq = simulate_right_exits(start, n_walks, seed=100 + start) / n_walks
    assert abs(freq - p) < binomial_tolerance(p, n_walks)
    assert abs(freq - RandomWalk().true_values()[start - 1]) < binomial_tolerance(p, n_walks)


def test_stepping_the_env_from_c_leaves_on_the_right_half_the_time():
    """20,000 env episodes from C end at the right end with frequency 1/2 (4 standard errors)."""
    env = RandomWalk().env()
    env.reset(seed=3)
    n_walks, right = 20_000, 0
    for _ in range(n_walks):
        env.reset()
        terminated = False
        while not terminated:
            state, reward, terminated, _, _ = env.step(0)
        right += reward == 1.0
    assert abs(right / n_walks - 0.5) < binomial_tolerance(0.5, n_walks)  # 4 * 0.00354 = 0.0141


# --- episodes ---------------------------------------------------------------------------------------
def test_episodes_start_at_c_move_by_one_and_end_at_an_end():
    """Every walk starts at C, moves +/-1 through A..E, is connected, and stops at 0 or 6."""
    walk = RandomWalk()
    ends = set()
    for seed in range(300):
        steps = walk.episode(Rng(seed))
        assert steps[0][0] == C
        for (_, _, s_next), (s_following, _, _) in zip(steps, steps[1:]):
            assert s_next == s_following
        for s, _, s_next in steps:
            assert 1 <= s <= 5 and abs(s_next - s) == 1
        assert steps[-1][2] in (LEFT_END, RIGHT_END)
        assert all(s_next not in (LEFT_END, RIGHT_END) for _, _, s_next in steps[:-1])
        ends.add(steps[-1][2])
    assert ends == {LEFT_END, RIGHT_END}


def test_reward_is_one_exactly_on_the_step_into_the_right_end():
    """A step pays 1.0 if and only if it enters state 6; every other step pays 0.0."""
    walk = RandomWalk()
    for seed in range(300):
        for _, r, s_next in walk.episode(Rng(seed)):
            assert r == (1.0 if s_next == RIGHT_END else 0.0)


def test_same_seed_gives_the_same_episode():
    """Two Rngs with one seed produce identical walks; different seeds eventually differ."""
    walk = RandomWalk()
    for seed in range(20):
        assert walk.episode(Rng(seed)) == walk.episode(Rng(seed))
    assert len({tuple(walk.episode(Rng(seed))) for seed in range(20)}) > 1


def test_left_and_right_moves_are_about_equally_frequent():
    """Over many walks each step goes right with probability 1/2, and the net move per walk is +/-3."""
    walk, rng = RandomWalk(), Rng(2024)
    rights = moves = 0
    for _ in range(5000):
        steps = walk.episode(rng)
        ups = sum(s_next - s == 1 for s, _, s_next in steps)
        assert ups - (len(steps) - ups) == (3 if steps[-1][2] == RIGHT_END else -3)
        rights += ups
        moves += len(steps)
    assert moves > 30_000  # mean length from C is 3 * 3 = 9 steps
    assert abs(rights / moves - 0.5) < binomial_tolerance(0.5, moves)


# --- the env ----------------------------------------------------------------------------------------
def test_reset_returns_c_and_an_empty_info():
    """reset() puts the walk in C and returns (3, {})."""
    env = RandomWalk().env()
    assert env.reset(seed=0) == (C, {})
    assert env.reset() == (C, {})


def test_step_before_reset_raises():
    """A fresh env refuses to step until reset() has been called."""
    with pytest.raises(RuntimeError, match="reset"):
        RandomWalk().env().step(0)


def test_step_after_termination_raises():
    """Once a walk has ended, step() raises until the next reset()."""
    env = RandomWalk().env()
    env.reset(seed=1)
    terminated = False
    while not terminated:
        _, _, terminated, _, _ = env.step(0)
    with pytest.raises(RuntimeError, match="ended"):
        env.step(0)
    assert env.reset() == (C, {})
    env.step(0)  # usable again


@pytest.mark.parametrize("action", [1, -1, True, "0", 0.0, None])
def test_bad_action_raises_value_error_and_does_not_move(action):
    """Only the int 0 is an action; anything else raises ValueError and leaves the state alone."""
    env = RandomWalk().env()
    env.reset(seed=0)
    with pytest.raises(ValueError):
        env.step(action)
    assert env.state == C
    state, _, _, _, _ = env.step(0)
    assert state in (B, D)


def test_terminated_exactly_when_an_end_is_reached():
    """terminated is True on the step into 0 or 6 and False otherwise; truncated is always False."""
    env = RandomWalk().env()
    env.reset(seed=7)
    for _ in range(300):
        state, _ = env.reset()
        terminated = False
        while not terminated:
            previous = state
            state, reward, terminated, truncated, info = env.step(0)
            assert abs(state - previous) == 1 and 0 <= state <= 6
            assert terminated == (state in (LEFT_END, RIGHT_END))
            assert truncated is False and info == {}
            assert reward == (1.0 if state == RIGHT_END else 0.0)


def env_trajectory(env, seed, n_episodes):
    """The states of ``n_episodes`` walks that always step left, after a reset with ``seed`` (None: none)."""
    if seed is not None:
        env.reset(seed=seed)
    states = []
    for _ in range(n_episodes):
        env.reset()
        terminated = False
        while not terminated:
            state, _, terminated, _, _ = env.step(0)
            states.append(state)
    return states


def test_env_same_seed_gives_the_same_sequence():
    """Reseeding with one seed replays the same walks, on a fresh env or on a used one."""
    walk = RandomWalk()
    env = walk.env()
    first = env_trajectory(env, seed=42, n_episodes=10)
    assert env_trajectory(env, seed=42, n_episodes=10) == first
    assert env_trajectory(walk.env(), seed=42, n_episodes=10) == first
    assert env_trajectory(walk.env(), seed=43, n_episodes=10) != first


# --- other sizes ------------------------------------------------------------------------------------
@pytest.mark.parametrize("n", [0, 2, 4, 6, -1, -3, -5, True, False, 5.0, 3.5, "5", None])
def test_size_must_be_a_positive_odd_int(n):
    """RandomWalk(n) rejects even, zero, negative, bool, float and non-number sizes."""
    with pytest.raises(ValueError, match="positive odd int"):
        RandomWalk(n)


def test_seven_state_walk_has_values_in_eighths():
    """RandomWalk(7) has states 1..7, starts at 4, ends at 0 or 8, with true values k/8."""
    walk = RandomWalk(7)
    assert walk.states == [1, 2, 3, 4, 5, 6, 7] and walk.start == 4
    assert walk.is_terminal(0) and walk.is_terminal(8) and not any(walk.is_terminal(s) for s in walk.states)
    assert walk.true_values() == pytest.approx([1 / 8, 2 / 8, 3 / 8, 4 / 8, 5 / 8, 6 / 8, 7 / 8], abs=1e-15)
    assert [walk.name(s) for s in (0, 1, 4, 7, 8)] == ["LEFT", "A", "D", "G", "RIGHT"]
    for seed in range(100):
        steps = walk.episode(Rng(seed))
        assert steps[0][0] == 4 and steps[-1][2] in (0, 8)
        assert all(r == (1.0 if s_next == 8 else 0.0) for _, r, s_next in steps)


def test_seven_state_walk_values_match_simulation():
    """Simulated right-exit frequencies of the 7-state walk match k/8 within 4 standard errors."""
    n_walks = 5000
    values = RandomWalk(7).true_values()
    for k in (1, 4, 7):
        freq = simulate_right_exits(k, n_walks, seed=k, n=7) / n_walks
        assert abs(freq - k / 8) < binomial_tolerance(k / 8, n_walks)
        assert values[k - 1] == pytest.approx(k / 8, abs=1e-15)


def test_one_state_walk_is_a_single_coin_flip():
    """RandomWalk(1) is the smallest walk: one state, value 1/2, every episode is one step."""
    walk = RandomWalk(1)
    assert walk.start == 1 and walk.true_values() == [0.5]
    for seed in range(20):
        (step,) = walk.episode(Rng(seed))
        assert step in ((1, 0.0, 0), (1, 1.0, 2))


def test_refusals_say_what_is_wrong():
    with pytest.raises(ValueError, match=exactly("n must be a positive odd int (a middle state to start in), got 4")):
        RandomWalk(4)
    env = RandomWalk(1).env()
    with pytest.raises(RuntimeError, match=r"^call reset\(\) before step\(\)$"):
        env.step(0)
    env.reset(seed=0)
    with pytest.raises(ValueError, match=r"^the random walk has one action, 0; got 1$"):
        env.step(1)
    env.step()  # the action defaults to 0; one step from the single state ends the walk
    with pytest.raises(RuntimeError, match=r"^the walk has ended; call reset\(\) to start a new one$"):
        env.step(0)


def test_the_env_first_reset_without_a_seed_is_seed_0_and_a_seed_restarts_a_used_env():
    walk = RandomWalk()
    unseeded = env_trajectory(walk.env(), None, 10)
    assert unseeded == env_trajectory(walk.env(), seed=0, n_episodes=10)
    used = walk.env()
    env_trajectory(used, seed=5, n_episodes=2)
    assert env_trajectory(used, seed=0, n_episodes=10) == unseeded


def test_the_spaces_count_both_ends():
    env = RandomWalk(3).env()
    assert env.observation_space.n == 5 and env.action_space.n == 1


def test_a_draw_below_one_half_steps_right_and_one_half_or_more_steps_left():
    walk = RandomWalk(1)
    assert walk.episode(Draws([math.nextafter(0.5, 0.0)])) == [(1, 1.0, 2)]
    assert walk.episode(Draws([0.5])) == [(1, 0.0, 0)]
    assert RandomWalk().episode(Draws([0.0, 0.9, 0.1, 0.2, 0.3])) == [(3, 0.0, 4), (4, 0.0, 3), (3, 0.0, 4),
                                                                      (4, 0.0, 5), (5, 1.0, 6)]


def test_the_env_walks_the_same_path_as_episode_for_the_same_seed():
    walk = RandomWalk()
    for seed in range(10):
        env = walk.env()
        env.reset(seed=seed)
        path = [env.step(0)[0]]
        while path[-1] not in (LEFT_END, RIGHT_END):
            path.append(env.step(0)[0])
        assert path == [s_next for _, _, s_next in walk.episode(Rng(seed))]
