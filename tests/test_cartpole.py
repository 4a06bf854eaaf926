"""Tests for policywerk.worlds.cartpole: the 1983 cart-pole physics, its failure rule, the env and the 162 boxes."""

import itertools
import math
import random

import pytest

from conftest import exactly
from policywerk.rl.mdp import Box
from policywerk.worlds.cartpole import (
    BINS,
    N_BOXES,
    THETA_CUTS,
    THETA_DOT_CUTS,
    X_CUTS,
    X_DOT_CUTS,
    CartPole,
    ForceCartPole,
    Physics,
    accelerations,
    bins_of,
    box_bins,
    box_of,
    euler_step,
    failed,
)

DEG = math.radians
X_LIMIT, THETA_LIMIT = 2.4, DEG(12.0)

# From rest, upright, pushed with +10 N (no friction acts: x_dot = 0 so sgn = 0, and theta_dot = 0):
#   theta_acc = (-10/1.1) / (0.5 * (4/3 - 0.1/1.1)) = (-100/11) / (41/66) = -600/41
#   x_acc     = (10 + 0.05 * 600/41) / 1.1        = (440/41) / 1.1      =  400/41
THETA_ACC_AT_REST = -14.634146341463415  # -600/41
X_ACC_AT_REST = 9.75609756097561  # 400/41


def random_state(rng: random.Random) -> tuple[float, float, float, float]:
    return (rng.uniform(-2.4, 2.4), rng.uniform(-3.0, 3.0), rng.uniform(-1.0, 1.0), rng.uniform(-3.0, 3.0))


# --- physics ---------------------------------------------------------------------------------------------
def test_accelerations_from_rest_match_the_hand_computation():
    """Upright at rest with +10 N: theta_acc = -600/41 and x_acc = 400/41."""
    x_acc, theta_acc = accelerations((0.0, 0.0, 0.0, 0.0), 10.0)
    assert theta_acc == pytest.approx(THETA_ACC_AT_REST, abs=1e-9)
    assert x_acc == pytest.approx(X_ACC_AT_REST, abs=1e-9)


def test_accelerations_from_rest_are_mirrored_for_a_left_push():
    """Pushing left from rest gives the same accelerations with the signs flipped."""
    x_acc, theta_acc = accelerations((0.0, 0.0, 0.0, 0.0), -10.0)
    assert (x_acc, theta_acc) == pytest.approx((-X_ACC_AT_REST, -THETA_ACC_AT_REST), abs=1e-9)


def test_one_euler_step_from_rest_moves_only_the_velocities():
    """One Euler step from rest: positions keep the old (zero) velocities, velocities gain tau * acc."""
    assert euler_step((0.0, 0.0, 0.0, 0.0), 10.0) == pytest.approx(
        (0.0, 0.02 * X_ACC_AT_REST, 0.0, 0.02 * THETA_ACC_AT_REST), abs=1e-9)


def test_euler_step_positions_use_the_old_velocities():
    """x and theta advance by tau times the velocities before the step, not after."""
    x, x_dot, theta, theta_dot = 0.3, -1.2, 0.05, 0.7
    new = euler_step((x, x_dot, theta, theta_dot), -10.0)
    assert new[0] == pytest.approx(0.3 + 0.02 * -1.2, abs=1e-12)
    assert new[2] == pytest.approx(0.05 + 0.02 * 0.7, abs=1e-12)


def cramer_accelerations(state, force, p):
    """Solve the 2x2 linear system of the paper's dynamics by Cramer's rule (independent of the closed form)."""
    _, x_dot, th, th_dot = state
    m, l, total = p.pole_mass, p.half_length, p.cart_mass + p.pole_mass
    sgn = 0.0 if x_dot == 0.0 else math.copysign(1.0, x_dot)
    # a11 x_acc + a12 theta_acc = b1 ;  a21 x_acc + a22 theta_acc = b2
    a11, a12 = total, m * l * math.cos(th)
    a21, a22 = math.cos(th), 4.0 / 3.0 * l
    b1 = force + m * l * th_dot ** 2 * math.sin(th) - p.cart_friction * sgn
    b2 = p.gravity * math.sin(th) - p.pole_friction * th_dot / (m * l)
    det = a11 * a22 - a12 * a21
    return (b1 * a22 - a12 * b2) / det, (a11 * b2 - a21 * b1) / det


@pytest.mark.parametrize("physics", [Physics(), Physics(cart_friction=0.4, pole_friction=0.03)],
                         ids=["paper-friction", "large-friction"])
def test_accelerations_solve_the_linear_system_of_the_dynamics(physics):
    """The closed form agrees with Cramer's rule on the 2x2 system, friction included, for many states."""
    rng = random.Random(1983)
    states = [random_state(rng) for _ in range(500)]
    states += [(s[0], 0.0, s[2], s[3]) for s in states[:50]]  # x_dot = 0: the cart friction's sgn is 0
    for state in states:
        for force in (10.0, -10.0):
            expected = cramer_accelerations(state, force, physics)
            assert accelerations(state, force, physics) == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_cart_friction_opposes_the_cart_velocity():
    """With a large mu_c, a moving cart accelerates less in its direction of travel than one at rest."""
    p = Physics(cart_friction=1.0, pole_friction=0.0)
    at_rest, _ = accelerations((0.0, 0.0, 0.0, 0.0), 10.0, p)
    moving_right, _ = accelerations((0.0, 1.0, 0.0, 0.0), 10.0, p)
    moving_left, _ = accelerations((0.0, -1.0, 0.0, 0.0), 10.0, p)
    assert moving_right < at_rest < moving_left


def test_euler_step_matches_gymnasium_cartpole_without_friction():
    """With both frictions 0, one euler_step equals a step of Gymnasium's CartPole-v1 (force -10/+10 N)."""
    gym = pytest.importorskip("gymnasium")
    np = pytest.importorskip("numpy")
    env = gym.make("CartPole-v1")
    core = env.unwrapped
    # What the comparison relies on: Gymnasium's constants and explicit Euler integration.
    assert core.kinematics_integrator == "euler"
    assert (core.gravity, core.masscart, core.masspole, core.length, core.force_mag, core.tau) == \
           (9.8, 1.0, 0.1, 0.5, 10.0, 0.02)
    frictionless = Physics(cart_friction=0.0, pole_friction=0.0)
    rng = random.Random(7)
    env.reset(seed=0)
    for i in range(300):
        state = random_state(rng)
        action = i % 2
        env.reset()  # a fresh episode each time, so stepping a fallen state never warns
        core.state = np.array(state, dtype=np.float64)
        env.step(action)
        ours = euler_step(state, 10.0 if action == 1 else -10.0, frictionless)
        assert ours == pytest.approx([float(v) for v in core.state], rel=1e-12, abs=1e-12)
    env.close()


# --- failure ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("x", [X_LIMIT, -X_LIMIT, 0.0, 2.39])
def test_cart_at_or_inside_the_track_end_has_not_failed(x):
    """|x| <= 2.4 m is still on the track."""
    assert not failed((x, 0.0, 0.0, 0.0))


@pytest.mark.parametrize("x", [math.nextafter(X_LIMIT, math.inf), -math.nextafter(X_LIMIT, math.inf), 2.5, -3.0])
def test_cart_past_the_track_end_has_failed(x):
    """|x| > 2.4 m fails, even by one ulp."""
    assert failed((x, 0.0, 0.0, 0.0))


@pytest.mark.parametrize("theta", [THETA_LIMIT, -THETA_LIMIT, DEG(11.9), 0.0])
def test_pole_at_or_inside_twelve_degrees_has_not_failed(theta):
    """|theta| <= 12 degrees is still up."""
    assert not failed((0.0, 0.0, theta, 0.0))


@pytest.mark.parametrize("theta", [math.nextafter(THETA_LIMIT, 1.0), -math.nextafter(THETA_LIMIT, 1.0), DEG(12.1),
                                   DEG(-30.0)])
def test_pole_past_twelve_degrees_has_failed(theta):
    """|theta| > 12 degrees fails."""
    assert failed((0.0, 0.0, theta, 0.0))


def test_velocities_never_cause_failure():
    """Only position and angle fail a trial; huge velocities do not."""
    assert not failed((0.0, 100.0, 0.0, -100.0))


# --- the environment -------------------------------------------------------------------------------------
def test_reset_starts_upright_at_rest_by_default():
    """Without start_noise the trial starts at (0, 0, 0, 0) and the step counter at 0."""
    env = CartPole()
    state, info = env.reset()
    assert state == (0.0, 0.0, 0.0, 0.0) and info == {} and env.steps == 0


def test_actions_push_with_plus_and_minus_ten_newtons():
    """Action 1 pushes right with +10 N, action 0 left with -10 N (checked against the hand computation)."""
    env = CartPole()
    env.reset()
    right, reward, terminated, truncated, info = env.step(1)
    assert right == pytest.approx((0.0, 0.02 * X_ACC_AT_REST, 0.0, 0.02 * THETA_ACC_AT_REST), abs=1e-9)
    assert (reward, terminated, truncated, info) == (0.0, False, False, {})
    env.reset()
    left, *_ = env.step(0)
    assert left == pytest.approx((0.0, -0.02 * X_ACC_AT_REST, 0.0, -0.02 * THETA_ACC_AT_REST), abs=1e-9)


def test_reward_is_zero_until_the_failing_step_which_gives_minus_one():
    """Pushing right forever: 0.0 and not terminated on every step until the fall, then -1.0 and terminated."""
    env = CartPole()
    env.reset()
    results = []
    for _ in range(1000):
        state, reward, terminated, truncated, _ = env.step(1)
        results.append((state, reward, terminated, truncated))
        if terminated:
            break
    *before, last = results
    assert 5 < len(results) < 1000  # it does fall, and not at once
    assert all(r == 0.0 and not t and not tr and not failed(s) for s, r, t, tr in before)
    state, reward, terminated, truncated = last
    assert failed(state) and reward == -1.0 and terminated is True and truncated is False
    assert env.steps == len(results)


def test_stepping_after_a_failure_raises_until_reset():
    """Once the trial has failed, step() raises RuntimeError; reset() allows stepping again."""
    env = CartPole()
    env.reset()
    env.state = (2.39, 1.0, 0.0, 0.0)  # the next step leaves the track
    _, reward, terminated, _, _ = env.step(1)
    assert terminated and reward == -1.0
    with pytest.raises(RuntimeError):
        env.step(0)
    env.reset()
    assert env.step(0)[2] is False


def test_stepping_before_reset_raises():
    """step() before any reset() raises RuntimeError."""
    with pytest.raises(RuntimeError, match="reset"):
        CartPole().step(1)


@pytest.mark.parametrize("action", [2, -1, True, 1.0, "1", None])
def test_bad_action_raises_value_error(action):
    """Only the ints 0 and 1 are actions; bools, floats, strings and out-of-range ints are rejected."""
    env = CartPole()
    env.reset()
    with pytest.raises(ValueError, match="action"):
        env.step(action)
    assert env.steps == 0 and env.state == (0.0, 0.0, 0.0, 0.0)  # nothing moved


def test_max_steps_truncates_without_terminating():
    """With max_steps=3 the third step is truncated (not terminated), the first two are neither."""
    env = CartPole(max_steps=3)
    env.reset()
    flags = [env.step(i % 2)[2:4] for i in range(3)]
    assert flags == [(False, False), (False, False), (False, True)]


def test_a_fall_on_the_last_allowed_step_is_terminated_not_truncated():
    """When the failing step is also the max_steps-th, terminated wins and truncated is False."""
    env = CartPole(max_steps=1)
    env.reset()
    env.state = (2.39, 1.0, 0.0, 0.0)
    _, reward, terminated, truncated, _ = env.step(1)
    assert (reward, terminated, truncated) == (-1.0, True, False)


def test_reset_clears_the_step_counter_for_truncation():
    """A new trial gets a fresh max_steps budget."""
    env = CartPole(max_steps=2)
    env.reset()
    env.step(1)
    env.step(0)
    env.reset()
    assert env.step(1)[3] is False and env.step(0)[3] is True


@pytest.mark.parametrize("max_steps", [0, -5, 2.5, "10"])
def test_bad_max_steps_raises_value_error(max_steps):
    """max_steps must be a positive int or None."""
    with pytest.raises(ValueError, match="max_steps"):
        CartPole(max_steps=max_steps)


def test_negative_start_noise_raises_value_error():
    """start_noise below 0 is rejected."""
    with pytest.raises(ValueError, match="start_noise"):
        CartPole(start_noise=-0.01)


def test_start_noise_bounds_each_variable_and_varies():
    """With start_noise=0.05 every start variable lies in [-0.05, 0.05] and the starts are not all equal."""
    env = CartPole(start_noise=0.05)
    starts = [env.reset(seed=s)[0] for s in range(200)]
    assert all(len(s) == 4 and all(-0.05 <= v <= 0.05 for v in s) for s in starts)
    assert len(set(starts)) == 200
    assert max(max(abs(v) for v in s) for s in starts) > 0.04  # the whole range is used


def test_same_seed_gives_the_same_noisy_start():
    """reset(seed=s) gives the same start every time, on the same or a fresh env; other seeds differ."""
    a, b = CartPole(start_noise=0.05), CartPole(start_noise=0.05)
    first = a.reset(seed=11)[0]
    a.reset()  # the stream moves on
    assert a.reset(seed=11)[0] == first == b.reset(seed=11)[0]
    assert b.reset(seed=12)[0] != first


def test_unseeded_resets_continue_the_stream():
    """Successive reset() calls without a seed give different noisy starts."""
    env = CartPole(start_noise=0.05)
    assert env.reset(seed=3)[0] != env.reset()[0]


# --- the decoder -----------------------------------------------------------------------------------------
# Bin edges written out from the paper: the outer edges are the failure limits for x and theta; for the
# velocities any finite value beyond the cuts will do.
X_EDGES = (-2.4, -0.8, 0.8, 2.4)
X_DOT_EDGES = (-3.0, -0.5, 0.5, 3.0)
THETA_EDGES = tuple(DEG(d) for d in (-12.0, -6.0, -1.0, 0.0, 1.0, 6.0, 12.0))
THETA_DOT_EDGES = (-3.0, DEG(-50.0), DEG(50.0), 3.0)
EDGES = (X_EDGES, X_DOT_EDGES, THETA_EDGES, THETA_DOT_EDGES)


def middle_of(bins):
    return tuple((edges[b] + edges[b + 1]) / 2.0 for edges, b in zip(EDGES, bins))


def test_there_are_3_3_6_3_bins_and_162_boxes():
    """The decoder has 3 x 3 x 6 x 3 = 162 boxes."""
    assert BINS == (3, 3, 6, 3) and N_BOXES == 162


def test_thresholds_are_the_papers():
    """Cuts at +/-0.8 m, +/-0.5 m/s, -6, -1, 0, 1, 6 degrees and +/-50 degrees/s."""
    assert X_CUTS == (-0.8, 0.8)
    assert X_DOT_CUTS == (-0.5, 0.5)
    assert THETA_CUTS == pytest.approx([-0.10471975511965978, -0.017453292519943295, 0.0, 0.017453292519943295,
                                        0.10471975511965978], abs=1e-15)
    assert THETA_CUTS == tuple(math.radians(d) for d in (-6.0, -1.0, 0.0, 1.0, 6.0))
    assert THETA_DOT_CUTS == pytest.approx([-0.8726646259971648, 0.8726646259971648], abs=1e-15)
    assert THETA_DOT_CUTS == (math.radians(-50.0), math.radians(50.0))


def test_every_state_within_the_limits_maps_to_exactly_one_box():
    """Thousands of random in-limit states: box_of is an int in 0..161 and box_bins inverts it."""
    rng = random.Random(162)
    for _ in range(5000):
        s = (rng.uniform(-2.4, 2.4), rng.uniform(-3.0, 3.0), rng.uniform(-THETA_LIMIT, THETA_LIMIT),
             rng.uniform(-3.0, 3.0))
        box = box_of(s)
        assert type(box) is int and 0 <= box < N_BOXES
        assert box_bins(box) == bins_of(s)


def test_bins_of_agrees_with_the_written_out_edges():
    """For random states, each variable's bin is the interval of the paper's edges that contains it."""
    rng = random.Random(5)

    def bin_by_edges(value, edges):
        return next(b for b in range(len(edges) - 1) if edges[b] <= value < edges[b + 1])

    for _ in range(2000):
        s = tuple(rng.uniform(edges[0], edges[-1]) for edges in EDGES)
        assert bins_of(s) == tuple(bin_by_edges(v, edges) for v, edges in zip(s, EDGES))


def test_every_box_is_reached_from_the_middle_of_its_bins():
    """For each box, the state at the middle of its four bins decodes to that box."""
    for box in range(N_BOXES):
        assert box_of(middle_of(box_bins(box))) == box


def test_the_162_bin_combinations_give_162_distinct_boxes():
    """Every combination of bins has its own box number: the numbering is a bijection onto 0..161."""
    combos = list(itertools.product(*(range(n) for n in (3, 3, 6, 3))))
    boxes = [box_of(middle_of(c)) for c in combos]
    assert sorted(boxes) == list(range(162))
    assert all(box_bins(b) == c for b, c in zip(boxes, combos))


def test_uniform_random_states_hit_all_162_boxes():
    """Uniform draws over the bin edges land in every box."""
    rng = random.Random(42)
    seen = {box_of(tuple(rng.uniform(edges[0], edges[-1]) for edges in EDGES)) for _ in range(30000)}
    assert seen == set(range(162))


@pytest.mark.parametrize("index, value, expected_bin", [
    (0, 0.8, 2), (0, -0.8, 1), (0, math.nextafter(0.8, 0.0), 1), (0, math.nextafter(-0.8, -1.0), 0),
    (1, 0.5, 2), (1, -0.5, 1), (1, math.nextafter(0.5, 0.0), 1),
    (2, 0.0, 3), (2, -1e-300, 2), (2, DEG(-6.0), 1), (2, DEG(-1.0), 2), (2, DEG(1.0), 4), (2, DEG(6.0), 5),
    (2, math.nextafter(DEG(6.0), 0.0), 4),
    (3, DEG(50.0), 2), (3, DEG(-50.0), 1), (3, math.nextafter(DEG(50.0), 0.0), 1),
])
def test_a_value_equal_to_a_threshold_falls_in_the_upper_bin(index, value, expected_bin):
    """As in the paper's code, a value on a threshold goes to the bin above; one ulp below stays below."""
    state = [0.1, 0.1, 0.1, 0.1]  # 0.1 rad is below 6 degrees, 0.1 rad/s below 50 degrees/s
    state[index] = value
    assert bins_of(tuple(state))[index] == expected_bin


@pytest.mark.parametrize("box", [-1, 162, 1000, 1.5, True])
def test_box_bins_rejects_boxes_out_of_range(box):
    """box_bins accepts only the ints 0..161."""
    with pytest.raises(ValueError, match="box must be an int in 0..161"):
        box_bins(box)


@pytest.mark.parametrize("kwargs", [{"max_steps": True}, {"start_noise": float("nan")}])
def test_cartpole_rejects_a_bool_step_limit_and_a_nan_start_noise(kwargs):
    """A bool is not a step count, and nan is not a noise level."""
    with pytest.raises(ValueError):
        CartPole(**kwargs)


# --- the continuous-force cart-pole (lesson 06) -----------------------------------------------------------
def balance(state):
    """A linear controller on the angle and its rate that keeps the pole up for hundreds of steps."""
    return 10.0 * state[2] / 0.21 + 5.0 * state[3] / 2.0 + state[0] / 2.4 + state[1]


@pytest.mark.parametrize("action, applied", [(50.0, 10.0), (10.0, 10.0), (-50, -10.0), (3.5, 3.5), (-2, -2.0),
                                             (0.0, 0.0), (1e300, 10.0), (-10.000001, -10.0)])
def test_force_cartpole_clips_the_force_to_the_range(action, applied):
    """The applied force is the action clipped to [-10, 10] N, reported as a float in info["force"], and the
    next state is one euler_step under it."""
    env = ForceCartPole()
    start, _ = env.reset(seed=3)
    state, reward, terminated, truncated, info = env.step(action)
    assert info == {"force": applied} and type(info["force"]) is float
    assert state == euler_step(start, applied)
    assert (reward, terminated, truncated) == (1.0, False, False)


def test_force_cartpole_max_force_sets_the_range():
    """max_force=4: the action space is [-4, 4] and 50 N pushes with 4 N."""
    env = ForceCartPole(max_force=4.0)
    assert env.action_space == Box(-4.0, 4.0)
    start, _ = env.reset(seed=0)
    state, *_, info = env.step(50.0)
    assert info["force"] == 4.0 and state == euler_step(start, 4.0)


def test_force_cartpole_pays_one_per_step_up_and_zero_on_the_failing_step():
    """Pushing right with 10 N: +1 after every step the pole is still up, then 0.0 and terminated when it
    falls; the return counts the steps it balanced."""
    env = ForceCartPole()
    env.reset(seed=1)
    results = []
    while not results or not results[-1][2]:
        state, reward, terminated, truncated, _ = env.step(10.0)
        results.append((state, reward, terminated, truncated))
        assert len(results) < 500
    *before, last = results
    assert len(before) > 3
    assert all(r == 1.0 and not t and not tr and not failed(s) for s, r, t, tr in before)
    assert failed(last[0]) and last[1:] == (0.0, True, False)
    assert sum(r for _, r, _, _ in results) == len(results) - 1 == env.steps - 1
    with pytest.raises(RuntimeError, match="reset"):
        env.step(0.0)


def test_force_cartpole_truncates_at_exactly_max_steps():
    """A balancing controller: steps 1..499 are neither terminated nor truncated, step 500 is truncated and
    not terminated, and the return is 500."""
    env = ForceCartPole()
    state, _ = env.reset(seed=2)
    flags, total = [], 0.0
    for _ in range(500):
        state, reward, terminated, truncated, _ = env.step(balance(state))
        flags.append((terminated, truncated))
        total += reward
    assert flags[:-1] == [(False, False)] * 499 and flags[-1] == (False, True)
    assert total == 500.0 and env.steps == 500


def test_force_cartpole_max_steps_is_configurable_and_checked():
    env = ForceCartPole(max_steps=3)
    env.reset(seed=0)
    assert [env.step(0.0)[3] for _ in range(3)] == [False, False, True]
    assert ForceCartPole(max_steps=None).max_steps is None
    with pytest.raises(ValueError, match="max_steps"):
        ForceCartPole(max_steps=0)


@pytest.mark.parametrize("action", [math.nan, math.inf, -math.inf, True, False, "1", None, [1.0], 1 + 0j])
def test_force_cartpole_rejects_actions_that_are_not_finite_numbers(action):
    """nan, infinities, bools, strings and other non-numbers raise ValueError; nothing moves."""
    env = ForceCartPole()
    start, _ = env.reset(seed=0)
    with pytest.raises(ValueError, match="action"):
        env.step(action)
    assert env.state == start and env.steps == 0


def test_force_cartpole_step_before_reset_raises():
    with pytest.raises(RuntimeError, match="reset"):
        ForceCartPole().step(0.0)


def test_force_cartpole_reset_is_reproducible_and_within_the_start_noise():
    """reset(seed) gives the same start on any env; every start variable lies within +/- start_noise."""
    a, b = ForceCartPole(), ForceCartPole()
    first = a.reset(seed=7)[0]
    a.reset()
    assert a.reset(seed=7) == (first, {}) and b.reset(seed=7)[0] == first and b.reset(seed=8)[0] != first
    env = ForceCartPole(start_noise=0.02)
    starts = [env.reset(seed=s)[0] for s in range(100)] + [env.reset()[0] for _ in range(100)]
    assert all(len(s) == 4 and all(-0.02 <= v <= 0.02 for v in s) for s in starts)
    assert len(set(starts)) == 200 and max(abs(v) for s in starts for v in s) > 0.018
    assert ForceCartPole(start_noise=0.0).reset(seed=3)[0] == (0.0, 0.0, 0.0, 0.0)
    assert env.reset(seed=0)[0] != ForceCartPole().reset(seed=0)[0]  # the default start_noise is 0.05, not 0.02


@pytest.mark.parametrize("kwargs", [{"max_force": 0.0}, {"max_force": -1.0}, {"max_force": math.nan},
                                    {"max_force": math.inf}, {"start_noise": -1.0}, {"start_noise": math.nan}])
def test_force_cartpole_rejects_bad_constructor_arguments(kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        ForceCartPole(**kwargs)


def test_box_contains_the_closed_interval_of_real_numbers():
    """Box(-10, 10) holds ints and floats from -10 to 10 inclusive, not bools, strings or nan."""
    box = Box(-10.0, 10.0)
    assert all(box.contains(x) for x in (-10.0, 10.0, 0, 3.5, -10, math.nextafter(10.0, 0.0)))
    assert not any(box.contains(x) for x in (math.nextafter(10.0, 11.0), -10.5, math.inf, math.nan, True, "1",
                                             None))


def test_force_cartpole_matches_gymnasium_for_any_force_without_friction():
    """With both frictions 0, euler_step under a force in [-10, 10] N equals Gymnasium's CartPole step with
    force_mag set to |F| (action 1 pushes +force_mag, action 0 -force_mag); ForceCartPole's step, beyond
    +/-10 N too, equals Gymnasium's with the clipped force, termination included."""
    pytest.importorskip("gymnasium")
    np = pytest.importorskip("numpy")
    from gymnasium.envs.classic_control.cartpole import CartPoleEnv

    core = CartPoleEnv()
    assert core.kinematics_integrator == "euler"
    frictionless = Physics(cart_friction=0.0, pole_friction=0.0)
    ours = ForceCartPole(physics=frictionless)
    rng = random.Random(2017)
    outcomes = set()
    for _ in range(300):
        state = (rng.uniform(-2.4, 2.4), rng.uniform(-3.0, 3.0), rng.uniform(-THETA_LIMIT, THETA_LIMIT),
                 rng.uniform(-3.0, 3.0))
        force = rng.uniform(-15.0, 15.0)
        applied = max(-10.0, min(10.0, force))
        core.reset(seed=0)
        core.state = np.array(state, dtype=np.float64)
        core.force_mag = abs(applied)
        _, _, gym_terminated, _, _ = core.step(1 if applied > 0 else 0)
        expected = [float(v) for v in core.state]
        assert euler_step(state, applied, frictionless) == pytest.approx(expected, rel=1e-12, abs=1e-12)
        ours.reset()
        ours.state = state
        next_state, _, terminated, _, info = ours.step(force)
        assert info["force"] == applied
        assert next_state == pytest.approx(expected, rel=1e-12, abs=1e-12)
        assert terminated == gym_terminated
        outcomes.add(terminated)
    assert outcomes == {False, True}  # both the pole staying up and falling were compared
    core.close()


# --- the messages, the defaults and the seeding ----------------------------------------------------------
def test_cartpole_refusals_say_what_is_wrong():
    with pytest.raises(ValueError, match=exactly("start_noise must be >= 0, got -0.01")):
        CartPole(start_noise=-0.01)
    with pytest.raises(ValueError, match=exactly("box must be an int in 0..161, got 162")):
        box_bins(162)
    env = CartPole()
    with pytest.raises(RuntimeError, match=exactly("call reset() before step()")):
        env.step(1)
    env.reset()
    with pytest.raises(ValueError, match=exactly("action must be 0 (push left) or 1 (push right), got 2")):
        env.step(2)
    env.state = (2.5, 0.0, 0.0, 0.0)
    with pytest.raises(RuntimeError, match=exactly("the trial has failed; call reset() to start a new one")):
        env.step(1)


def test_force_cartpole_refusals_say_what_is_wrong():
    with pytest.raises(ValueError, match=exactly("max_force must be a positive, finite number of newtons, got 0.0")):
        ForceCartPole(max_force=0.0)
    with pytest.raises(ValueError, match=exactly("max_force must be a positive, finite number of newtons, got True")):
        ForceCartPole(max_force=True)
    with pytest.raises(ValueError, match=exactly("start_noise must be in [0, 0.209), got 0.25")):
        ForceCartPole(start_noise=0.25)
    env = ForceCartPole()
    with pytest.raises(RuntimeError, match=exactly("call reset() before step()")):
        env.step(0.0)
    env.reset(seed=0)
    with pytest.raises(ValueError, match=exactly("action must be a finite force in newtons, got inf")):
        env.step(math.inf)
    env.state = (0.0, 0.0, 0.3, 0.0)
    with pytest.raises(RuntimeError, match=exactly("the pole has fallen; call reset() to start a new episode")):
        env.step(0.0)


def test_force_cartpole_limits_are_open_at_the_fallen_angle_and_zero_force():
    """A start noise just under the 12-degree limit and a tiny or int max_force are allowed; the limit itself is not."""
    assert ForceCartPole(start_noise=math.nextafter(THETA_LIMIT, 0.0)).start_noise < THETA_LIMIT
    with pytest.raises(ValueError, match="start_noise"):
        ForceCartPole(start_noise=THETA_LIMIT)
    assert ForceCartPole(max_force=1e-9).action_space == Box(-1e-9, 1e-9)
    assert ForceCartPole(max_force=3).action_space == Box(-3, 3)


def test_the_spaces_and_defaults_of_both_cart_poles():
    env = CartPole()
    assert env.action_space.n == 2 and env.observation_space.n == 162 and env.max_steps is None
    assert env.start_noise == 0.0 and env.physics == Physics() and CartPole.FORCE == 10.0
    force = ForceCartPole()
    assert force.action_space == Box(-10.0, 10.0) and force.max_steps == 500 and force.start_noise == 0.05


def test_the_papers_constants():
    p = Physics()
    assert (p.gravity, p.cart_mass, p.pole_mass, p.half_length) == (9.8, 1.0, 0.1, 0.5)
    assert (p.cart_friction, p.pole_friction, p.tau, p.x_limit) == (0.0005, 0.000002, 0.02, 2.4)
    assert p.theta_limit == pytest.approx(0.20943951023931956, abs=1e-15)


@pytest.mark.parametrize("make", [lambda: CartPole(start_noise=0.05), ForceCartPole], ids=["CartPole", "ForceCartPole"])
def test_the_first_reset_without_a_seed_is_seed_0(make):
    assert make().reset()[0] == make().reset(seed=0)[0]


def test_any_positive_start_noise_draws_the_start():
    """Even a start noise of 1 (beyond the failure angle) is a draw from +/- 1, not the upright start."""
    start, _ = CartPole(start_noise=1.0).reset(seed=0)
    assert start != (0.0, 0.0, 0.0, 0.0) and all(-1.0 <= v <= 1.0 for v in start)


@pytest.mark.parametrize("make, push", [(CartPole, 1), (ForceCartPole, 10.0)], ids=["CartPole", "ForceCartPole"])
def test_both_cart_poles_move_and_fail_by_their_own_physics(make, push):
    """With a 1 m track and 0.05 s steps: a step is euler_step under that physics, a cart at 1.04 m has
    failed (on the paper's 2.4 m track it would not have), and a failed state refuses to step."""
    short = Physics(tau=0.05, x_limit=1.0)
    env = make(physics=short)
    start, _ = env.reset(seed=0)
    assert env.step(push)[0] == euler_step(start, 10.0, short)
    env.state = (0.99, 1.0, 0.0, 0.0)
    state, _, terminated, _, _ = env.step(push)
    assert state[0] == pytest.approx(1.04) and terminated
    with pytest.raises(RuntimeError):
        env.step(push)
