"""Dynamic programming against known answers: Sutton & Barto Example 4.1, hand algebra, a numpy oracle."""

from collections import deque

import numpy as np
import pytest

from policywerk.agents.policy_iteration import (
    as_probabilities,
    evaluate_policy,
    evaluation_sweep,
    improve,
    policy_iteration,
)
from policywerk.agents.value_iteration import value_iteration
from policywerk.math.vectors import max_abs_diff
from policywerk.rl.bellman import bellman_optimality_residual, greedy_policy, q_values
from policywerk.worlds.gridworld import GridWorld, Jump

UP, RIGHT, DOWN, LEFT = 0, 1, 2, 3


def model_arrays(world):
    """P[a, s, s'] and expected reward R[a, s] read off world.transitions; terminal/wall rows stay 0."""
    n, m = world.n_states, world.n_actions
    P, R = np.zeros((m, n, n)), np.zeros((m, n))
    for s in world.states:
        for a in range(m):
            for t in world.transitions(s, a):
                P[a, s, t.next_state] += t.probability
                R[a, s] += t.probability * t.reward
    return P, R


def numpy_value_iteration(world, gamma, tol=1e-12):
    P, R = model_arrays(world)
    v = np.zeros(world.n_states)
    while True:
        new = (R + gamma * P @ v).max(axis=0)  # rows without transitions back up to 0
        if np.max(np.abs(new - v)) < tol:
            return new
        v = new


def moves_to_goal(world):
    """Breadth-first distance to the goal through non-wall, non-terminal cells."""
    dist = {g: 0 for g in world.cells("G")}
    queue = deque(dist)
    while queue:
        s = queue.popleft()
        for a in range(4):
            for prev in world.states:
                if prev not in dist and not world.is_terminal(prev) and world.move(prev, a) == s:
                    dist[prev] = dist[s] + 1
                    queue.append(prev)
    return dist


# --- (a) Sutton & Barto, Example 4.1 ----------------------------------------------------------------
def test_sutton_barto_example_4_1_random_policy_values():
    world = GridWorld(layout=("G...", "....", "....", "...G"), goal_reward=-1.0, step_reward=-1.0)
    values, sweeps = evaluate_policy(world, [[0.25] * 4 for _ in range(16)], gamma=1.0, theta=1e-9)
    expected = [0, -14, -20, -22,
                -14, -18, -20, -20,
                -20, -20, -18, -14,
                -22, -20, -14, 0]
    assert sweeps > 1
    assert max_abs_diff(values, expected) < 1e-3
    assert [round(v) for v in values] == expected
    policy = greedy_policy(world, values, 1.0)  # Figure 4.1, right column
    assert (policy[1], policy[4], policy[11], policy[14]) == (LEFT, UP, DOWN, RIGHT)


def test_sutton_barto_figure_4_1_sweep_by_sweep():
    world = GridWorld(layout=("G...", "....", "....", "...G"), goal_reward=-1.0, step_reward=-1.0)
    values, kept = [0.0] * 16, []
    for _ in range(3):
        values = evaluation_sweep(world, [[0.25] * 4] * 16, values, 1.0)
        kept.append(values)
    assert kept[0] == [0.0] + [-1.0] * 14 + [0.0]
    assert kept[1][:4] == [0.0, -1.75, -2.0, -2.0]  # the book prints -1.75 as -1.7
    assert kept[2][:4] == [0.0, -2.4375, -2.9375, -3.0]  # exact in binary: 0.0 -2.4 -2.9 -3.0


def test_sutton_barto_example_3_5_figures_3_2_and_3_5():
    jumps = (Jump(1, 21, 10.0), Jump(3, 13, 5.0))
    world = GridWorld(layout=(".....",) * 5, bump_reward=-1.0, jumps=jumps)
    figure_3_2 = [3.3, 8.8, 4.4, 5.3, 1.5, 1.5, 3.0, 2.3, 1.9, 0.5, 0.1, 0.7, 0.7, 0.4, -0.4,
                  -1.0, -0.4, -0.4, -0.6, -1.2, -1.9, -1.3, -1.2, -1.4, -2.0]
    figure_3_5 = [22.0, 24.4, 22.0, 19.4, 17.5, 19.8, 22.0, 19.8, 17.8, 16.0, 17.8, 19.8, 17.8, 16.0,
                  14.4, 16.0, 17.8, 16.0, 14.4, 13.0, 14.4, 16.0, 14.4, 13.0, 11.7]
    random_values, _ = evaluate_policy(world, [[0.25] * 4] * 25, 0.9, 1e-10)
    assert max_abs_diff(random_values, figure_3_2) < 0.05
    # an independent oracle: the linear system (I - 0.9 P_pi) v = r_pi, solved by numpy
    P, R = model_arrays(world)
    exact = np.linalg.solve(np.eye(25) - 0.9 * P.mean(axis=0), R.mean(axis=0))
    assert max_abs_diff(random_values, exact.tolist()) < 1e-8
    optimal = value_iteration(world, 0.9, 1e-10)[-1].values
    assert max_abs_diff(optimal, figure_3_5) < 0.05
    assert max_abs_diff(optimal, numpy_value_iteration(world, 0.9).tolist()) < 1e-8
    assert optimal[1] == pytest.approx(10 / (1 - 0.9 ** 5), abs=1e-8)


# --- (b) tiny MDPs by hand --------------------------------------------------------------------------
def test_corridor_without_slip():
    world = GridWorld(layout=("S.G",))
    final = value_iteration(world, 0.9, 1e-12)[-1]
    assert final.values == pytest.approx([0.9, 1.0, 0.0], abs=1e-12)
    assert final.policy[:2] == [RIGHT, RIGHT]
    assert policy_iteration(world, 0.9, 1e-12)[-1].policy[:2] == [RIGHT, RIGHT]


@pytest.mark.parametrize("slip, gamma", [(0.2, 0.9), (0.5, 0.8)])
def test_corridor_with_slip_matches_hand_algebra(slip, gamma):
    # Going right: the intended move succeeds w.p. 1-slip, a sideways slip bumps the edge and stays.
    #   V(1) = (1-slip) * 1 + slip * gamma * V(1)            =>  V(1) = (1-slip) / (1 - slip*gamma)
    #   V(0) = (1-slip) * gamma * V(1) + slip * gamma * V(0)  =>  V(0) = (1-slip) * gamma * V(1) / (1 - slip*gamma)
    v1 = (1 - slip) / (1 - slip * gamma)
    v0 = (1 - slip) * gamma * v1 / (1 - slip * gamma)
    world = GridWorld(layout=("S.G",), slip=slip)
    final = value_iteration(world, gamma, 1e-12)[-1]
    assert final.values == pytest.approx([v0, v1, 0.0], abs=1e-9)
    assert final.policy[:2] == [RIGHT, RIGHT]


# --- (c) numpy oracle -------------------------------------------------------------------------------
def test_value_iteration_matches_numpy_oracle():
    world = GridWorld(slip=0.2)
    oracle = numpy_value_iteration(world, 0.9)
    values = value_iteration(world, 0.9, 1e-9)[-1].values
    assert np.max(np.abs(np.array(values) - oracle)) < 1e-6
    assert values[14] == 0.0 and values[13] == 0.0 and values[6] == 0.0  # goal, pit, wall


def test_policy_evaluation_matches_numpy_linear_solve():
    world, gamma = GridWorld(slip=0.2), 0.9
    policy = value_iteration(world, gamma, 1e-9)[-1].policy
    P, R = model_arrays(world)
    idx = np.arange(world.n_states)
    P_pi, r_pi = P[policy, idx, :], R[policy, idx]
    exact = np.linalg.solve(np.eye(world.n_states) - gamma * P_pi, r_pi)
    values, _ = evaluate_policy(world, as_probabilities(policy, 4), gamma, theta=1e-11)
    assert np.max(np.abs(np.array(values) - exact)) < 1e-8
    assert np.max(np.abs(exact - numpy_value_iteration(world, gamma))) < 1e-9  # the policy is optimal


# --- (d) value iteration ----------------------------------------------------------------------------
def test_sweep_zero_is_all_zeros():
    first = value_iteration(GridWorld(slip=0.2), 0.9)[0]
    assert first.number == 0 and first.values == [0.0] * 25 and first.delta == float("inf")
    assert first.policy == greedy_policy(GridWorld(slip=0.2), [0.0] * 25, 0.9)  # greedy on the zeros


def test_values_ripple_out_one_cell_per_sweep():
    world, gamma = GridWorld(), 0.9
    dist = moves_to_goal(world)
    sweeps = value_iteration(world, gamma)
    for k in (1, 2, 3):
        nonzero = {s for s in range(25) if sweeps[k].values[s] != 0.0}
        assert nonzero == {s for s, d in dist.items() if 1 <= d <= k}
    assert sweeps[1].values[9] == 1.0 and sweeps[2].values[4] == pytest.approx(gamma)
    for s, d in dist.items():
        if d >= 1:
            assert sweeps[-1].values[s] == pytest.approx(gamma ** (d - 1))


def test_sweeps_are_synchronous_backups_of_the_previous_sweep():
    world, gamma = GridWorld(slip=0.2, step_reward=-0.04), 0.9
    sweeps = value_iteration(world, gamma, 1e-6)
    for prev, cur in zip(sweeps, sweeps[1:]):
        assert cur.number == prev.number + 1
        backed_up = [0.0] * 25
        for s in world.states:
            if not world.is_terminal(s):
                backed_up[s] = max(q_values(world, prev.values, s, gamma))
        assert cur.values == pytest.approx(backed_up, abs=1e-15)
        assert cur.delta == pytest.approx(max_abs_diff(cur.values, prev.values), abs=1e-15)


def test_value_iteration_stops_below_theta_with_small_residual():
    world, gamma, theta = GridWorld(slip=0.2), 0.9, 1e-8
    sweeps = value_iteration(world, gamma, theta)
    assert sweeps[-1].delta < theta
    assert all(s.delta >= theta for s in sweeps[:-1])
    assert bellman_optimality_residual(world, sweeps[-1].values, gamma) <= theta
    assert bellman_optimality_residual(world, sweeps[1].values, gamma) > theta


@pytest.mark.parametrize("gamma, theta", [(-0.1, 1e-6), (1.01, 1e-6), (0.9, 0.0), (0.9, -1e-6)])
def test_value_iteration_rejects_bad_gamma_and_theta(gamma, theta):
    message = rf"gamma must be in \[0, 1\], got {gamma}" if theta > 0 else f"theta must be positive, got {theta}"
    with pytest.raises(ValueError, match=f"^{message}$"):
        value_iteration(GridWorld(), gamma, theta)


def test_value_iteration_counts_its_sweeps_and_stops_strictly_below_theta():
    """Exactly as many sweeps as max_sweeps allow; a sweep that changes a value by theta itself is not
    yet below theta; gamma may be 0 or 1; theta defaults to 1e-6."""
    world = GridWorld(slip=0.2)
    sweeps = value_iteration(world, 0.9, 1e-6)
    n = len(sweeps) - 1
    assert value_iteration(world, 0.9) == sweeps == value_iteration(world, 0.9, 1e-6, max_sweeps=n)
    with pytest.raises(RuntimeError, match=rf"^value iteration did not converge within {n - 1} sweeps \(gamma=0.9\)$"):
        value_iteration(world, 0.9, 1e-6, max_sweeps=n - 1)
    assert len(value_iteration(world, 0.9, sweeps[-1].delta)) > len(sweeps)
    assert value_iteration(GridWorld(), 0.0)[-1].values[9] == 1.0  # above the goal: only the reward counts
    assert value_iteration(GridWorld(), 1.0)[-1].values[GridWorld().start] == 1.0


# --- (e) policy iteration ---------------------------------------------------------------------------
@pytest.mark.parametrize("gamma", [0.5, 0.9, 0.99])
def test_policy_iteration_agrees_with_value_iteration(gamma):
    world = GridWorld(slip=0.2)
    sweeps = value_iteration(world, gamma, 1e-9)
    rounds = policy_iteration(world, gamma, 1e-9)
    live = [s for s in world.states if not world.is_terminal(s)]
    assert [rounds[-1].policy[s] for s in live] == [sweeps[-1].policy[s] for s in live]
    assert rounds[-1].policy == sweeps[-1].policy  # terminals and walls too: both write 0 (up) there
    assert max_abs_diff(rounds[-1].values, sweeps[-1].values) < 1e-6
    assert rounds[0].policy == [UP] * 25
    assert rounds[-1].changed == 0 and all(r.changed > 0 for r in rounds[:-1])
    assert [r.number for r in rounds] == list(range(1, len(rounds) + 1))
    assert len(rounds) < len(sweeps)


def test_policy_evaluation_counts_its_sweeps_and_stops_strictly_below_theta():
    """As many sweeps as max_sweeps allow, counted from 1; theta defaults to 1e-6. With gamma 0 the
    second sweep changes nothing: a change of 0 is below any positive theta but not below 0."""
    world = GridWorld(slip=0.2)
    random_policy = [[0.25] * 4 for _ in range(world.n_states)]
    values, n = evaluate_policy(world, random_policy, 0.9, 1e-9)
    assert evaluate_policy(world, random_policy, 0.9, 1e-9, max_sweeps=n) == (values, n)
    with pytest.raises(RuntimeError, match=rf"^policy evaluation did not converge within {n - 1} sweeps "):
        evaluate_policy(world, random_policy, 0.9, 1e-9, max_sweeps=n - 1)
    assert evaluate_policy(world, random_policy, 0.9) == evaluate_policy(world, random_policy, 0.9, 1e-6)
    assert evaluate_policy(world, random_policy, 0.0, 1e-9)[1] == 2
    with pytest.raises(RuntimeError, match="within 5 sweeps"):
        evaluate_policy(world, random_policy, 0.0, 0.0, max_sweeps=5)


def test_policy_evaluation_and_iteration_give_up_after_their_limits():
    world = GridWorld(slip=0.2)
    random_policy = [[0.25] * 4 for _ in range(world.n_states)]
    with pytest.raises(RuntimeError, match="within 3 sweeps \\(gamma=0.9\\)"):
        evaluate_policy(world, random_policy, 0.9, 1e-9, max_sweeps=3)
    assert evaluate_policy(world, random_policy, 0.9, 1e-9)[1] > 3  # it converges, given the sweeps
    with pytest.raises(RuntimeError, match="did not stabilise within 1 rounds"):
        policy_iteration(world, 0.9, 1e-9, max_rounds=1)


@pytest.mark.parametrize("gamma", [1.0, -0.1])
def test_policy_iteration_rejects_gamma_outside_0_1(gamma):
    message = rf"^policy iteration needs gamma in \[0, 1\) so every policy has finite value, got {gamma}$"
    with pytest.raises(ValueError, match=message):
        policy_iteration(GridWorld(), gamma)


def test_policy_iteration_counts_its_rounds_and_starts_each_evaluation_from_the_last_values():
    """Rounds are numbered from 1, and exactly as many are allowed as max_rounds says; each round's
    evaluation starts from the previous round's values, not from zeros; gamma
    0 is allowed (the greedy one-step policy); theta defaults to 1e-6."""
    world = GridWorld(slip=0.2)
    rounds = policy_iteration(world, 0.9, 1e-9)
    assert policy_iteration(world, 0.9, 1e-9, max_rounds=len(rounds)) == rounds
    with pytest.raises(RuntimeError, match=f"^policy iteration did not stabilise within {len(rounds) - 1} rounds$"):
        policy_iteration(world, 0.9, 1e-9, max_rounds=len(rounds) - 1)
    first = as_probabilities(rounds[0].policy, 4)
    assert rounds[0].evaluation_sweeps == evaluate_policy(world, first, 0.9, 1e-9)[1]
    second = as_probabilities(rounds[1].policy, 4)
    warm = evaluate_policy(world, second, 0.9, 1e-9, values=rounds[0].values)[1]
    assert rounds[1].evaluation_sweeps == warm != evaluate_policy(world, second, 0.9, 1e-9)[1]
    assert policy_iteration(world, 0.9) == policy_iteration(world, 0.9, 1e-6)
    myopic = policy_iteration(GridWorld(), 0.0)[-1]  # gamma 0: only the next reward counts
    assert myopic.policy[9] == DOWN and myopic.values[9] == 1.0  # above the goal: step into it


def test_improvement_keeps_the_action_unless_another_is_better_by_more_than_1e_12():
    """In the top-left corner, up and left both bump and stay; with gamma 1 and no step reward an
    action's value is the value of the cell it leads to. A lead of exactly 1e-12 for right is a tie."""
    world = GridWorld()
    values = [0.0] * 25
    assert improve(world, [LEFT] * 25, values, 1.0)[0] == LEFT  # up ties with left: keep left
    values[1] = 1e-12
    assert improve(world, [LEFT] * 25, values, 1.0)[0] == LEFT
    values[1] = 2e-12
    assert improve(world, [LEFT] * 25, values, 1.0)[0] == RIGHT


def test_a_world_of_terminal_states_has_a_residual_of_zero():
    class Ended:
        states, n_actions = [0, 1], 2

        def is_terminal(self, state):
            return True

    assert bellman_optimality_residual(Ended(), [3.0, -1.0], 0.9) == 0.0
