"""Tests for policywerk.agents.adaptive_elements: the ASE (actor) and ACE (critic) of Barto, Sutton & Anderson."""

import pytest

from policywerk.agents.adaptive_elements import Actor, Critic, Params, train
from policywerk.math.random import Rng
from policywerk.worlds.cartpole import box_of, euler_step, failed

N = 162
# The paper's constants, written out here rather than read from Params.
ALPHA, BETA, DELTA, LAM, GAMMA, SIGMA = 1000.0, 0.5, 0.9, 0.8, 0.95, 0.01


def test_params_default_to_the_papers_values():
    """alpha 1000, beta 0.5, delta 0.9, lambda 0.8, gamma 0.95, sigma 0.01."""
    p = Params()
    assert (p.alpha, p.beta, p.delta, p.lam, p.gamma, p.sigma) == (ALPHA, BETA, DELTA, LAM, GAMMA, SIGMA)


def test_train_defaults_to_the_papers_protocol_and_keeps_nothing_unless_asked():
    """Up to 100 trials, and a trial that lasts 100,000 steps balances and ends the run (Barto et al.
    1983): seed 1 balances in its 43rd trial; the actor alone fails 100 trials of up to 1,000 steps."""
    *_, last = train(1)
    assert (last.number, last.steps, last.balanced) == (43, 100_000, True)
    alone = train(0, max_steps=1000, critic=False)
    assert len(alone) == 100 and not any(t.balanced for t in alone)
    assert all(t.states == t.pushes == t.w == t.v == [] for t in alone)


# --- one update by hand ----------------------------------------------------------------------------------
def test_one_actor_update_matches_the_hand_computation():
    """w_i += alpha r_hat e_i then e_i decays by delta; a new box's trace starts at (1 - delta) y."""
    a = Actor(Params())
    a.remember(5, 1)
    assert a.e[5] == pytest.approx(0.1, abs=1e-9)  # (1 - 0.9) * (+1)
    a.learn(-0.5)
    assert a.w[5] == pytest.approx(-50.0, abs=1e-9)  # 1000 * -0.5 * 0.1
    assert a.e[5] == pytest.approx(0.09, abs=1e-9)  # 0.9 * 0.1
    a.remember(7, -1)
    assert a.e[7] == pytest.approx(-0.1, abs=1e-9)
    a.learn(0.2)
    assert a.w[5] == pytest.approx(-32.0, abs=1e-9)  # -50 + 1000 * 0.2 * 0.09
    assert a.w[7] == pytest.approx(-20.0, abs=1e-9)  # 1000 * 0.2 * -0.1
    assert (a.e[5], a.e[7]) == pytest.approx((0.081, -0.09), abs=1e-9)
    assert all(a.w[i] == 0.0 and a.e[i] == 0.0 for i in range(N) if i not in (5, 7))
    assert a.visited.boxes == [5, 7]


def test_one_critic_update_matches_the_hand_computation():
    """r_hat = r + gamma p(next) - p(now) with p(failed) = 0; v_i += beta r_hat xbar_i; xbar decays by lambda."""
    c = Critic(Params())
    c.v[3], c.v[8] = -0.4, -0.2
    c.remember(3)
    assert c.xbar[3] == pytest.approx(0.2, abs=1e-9)  # 1 - 0.8
    r_hat = c.internal_reinforcement(0.0, 3, 8)
    assert r_hat == pytest.approx(0.21, abs=1e-9)  # 0 + 0.95 * -0.2 - (-0.4)
    c.learn(r_hat)
    assert c.v[3] == pytest.approx(-0.379, abs=1e-9)  # -0.4 + 0.5 * 0.21 * 0.2
    assert c.xbar[3] == pytest.approx(0.16, abs=1e-9)  # 0.8 * 0.2
    c.remember(8)
    r_hat = c.internal_reinforcement(-1.0, 8, None)  # the pole fell: p(next) = 0
    assert r_hat == pytest.approx(-0.8, abs=1e-9)  # -1 + 0 - (-0.2)
    c.learn(r_hat)
    assert c.v[3] == pytest.approx(-0.443, abs=1e-9)  # -0.379 + 0.5 * -0.8 * 0.16
    assert c.v[8] == pytest.approx(-0.28, abs=1e-9)  # -0.2 + 0.5 * -0.8 * 0.2
    assert (c.xbar[3], c.xbar[8]) == pytest.approx((0.128, 0.16), abs=1e-9)
    assert all(c.v[i] == 0.0 and c.xbar[i] == 0.0 for i in range(N) if i not in (3, 8))


def test_internal_reinforcement_uses_the_discounted_next_prediction():
    """Without failure r_hat = r + 0.95 v[next] - v[now]; after failure v[next] is ignored."""
    c = Critic(Params())
    c.v[0], c.v[1] = -1.0, -2.0
    assert c.internal_reinforcement(0.0, 0, 1) == pytest.approx(-0.9, abs=1e-12)  # -1.9 + 1
    assert c.internal_reinforcement(-1.0, 0, None) == pytest.approx(0.0, abs=1e-12)  # -1 + 0 + 1


# --- the visited-boxes loop against a full-loop reference --------------------------------------------------
def reference_train(seed, max_trials, max_steps, critic=True):
    """The paper's learner written plainly: every step updates all 162 weights and traces.

    Per step: e_i <- delta e_i + (1 - delta) y x_i and xbar_i <- lam xbar_i + (1 - lam) x_i (the traces of
    this step, including the box just visited), then w_i += alpha r_hat e_i and v_i += beta r_hat xbar_i.
    Returns the steps of each trial and the (w, v) each trial started with.
    """
    rng = Rng(seed)
    w, v = [0.0] * N, [0.0] * N
    steps, starts = [], []
    for _ in range(max_trials):
        starts.append((w[:], v[:]))
        e, xbar = [0.0] * N, [0.0] * N  # traces start empty in every trial
        state = (0.0, 0.0, 0.0, 0.0)
        t = 0
        while True:
            box = box_of(state)
            x = [1.0 if i == box else 0.0 for i in range(N)]
            y = 1 if w[box] + rng.gauss(0.0, SIGMA) >= 0.0 else -1
            for i in range(N):
                e[i] = DELTA * e[i] + (1.0 - DELTA) * y * x[i]
                xbar[i] = LAM * xbar[i] + (1.0 - LAM) * x[i]
            state = euler_step(state, 10.0 * y)
            t += 1
            fell = failed(state)
            r = -1.0 if fell else 0.0
            if critic:
                p_now = v[box]
                p_next = 0.0 if fell else v[box_of(state)]
                r_hat = r + GAMMA * p_next - p_now
            else:
                r_hat = r
            for i in range(N):
                w[i] += ALPHA * r_hat * e[i]
                if critic:
                    v[i] += BETA * r_hat * xbar[i]
            if fell or t >= max_steps:
                break
        steps.append(t)
        if not fell:
            break  # balanced for max_steps: the run ends
    return steps, starts


# Exact equality is expected, not just closeness: for every box the reference performs the same floating-point
# operations in the same order as the visited-boxes loop (delta * e + (1 - delta) * y is the same as decaying
# e after the update and adding (1 - delta) * y before the next one; and for the boxes never visited in
# a trial the reference only adds +/-0.0 to w, v, e and xbar, which changes nothing).
@pytest.mark.parametrize("seed, max_trials, max_steps", [(0, 30, 2000), (1, 30, 2000), (1, 40, 1000)])
def test_visited_boxes_loop_equals_the_full_loop_reference(seed, max_trials, max_steps):
    """train() gives the same steps per trial and the same starting w and v as the full-loop reference."""
    trials = train(seed, max_trials, max_steps, keep=1)
    ref_steps, ref_starts = reference_train(seed, max_trials, max_steps)
    assert [t.steps for t in trials] == ref_steps
    for trial, (w, v) in zip(trials, ref_starts):
        assert trial.w == w
        assert trial.v == v


def test_reference_comparison_includes_a_balanced_trial():
    """Seed 1 with 40 trials of at most 1000 steps ends in a balanced trial, so the cap is exercised above."""
    trials = train(1, 40, 1000)
    assert trials[-1].balanced and trials[-1].steps == 1000 and len(trials) < 40
    assert not any(t.balanced for t in trials[:-1])


def test_actor_alone_equals_the_full_loop_reference_without_critic():
    """With critic=False, r_hat = r and the critic never learns; still identical to the reference."""
    trials = train(2, 30, 2000, critic=False, keep=1)
    ref_steps, ref_starts = reference_train(2, 30, 2000, critic=False)
    assert [t.steps for t in trials] == ref_steps
    for trial, (w, v) in zip(trials, ref_starts):
        assert trial.w == w
        assert trial.v == v == [0.0] * N


# --- actions ---------------------------------------------------------------------------------------------
def test_with_zero_weight_the_noise_decides_and_both_pushes_occur():
    """w[box] = 0: pushes are +1 or -1, about half each."""
    a, rng = Actor(Params()), Rng(3)
    pushes = [a.act(10, rng) for _ in range(2000)]
    assert set(pushes) == {1, -1}
    assert 850 < pushes.count(1) < 1150


@pytest.mark.parametrize("weight, push", [(5.0, 1), (-5.0, -1)])
def test_a_weight_far_beyond_the_noise_fixes_the_push(weight, push):
    """w[box] = +5 always pushes right, -5 always left (the noise has sigma 0.01)."""
    a, rng = Actor(Params()), Rng(4)
    a.w[20] = weight
    assert {a.act(20, rng) for _ in range(2000)} == {push}


def test_noise_has_standard_deviation_sigma():
    """w[box] = sigma pushes right with probability P(N(0, 1) >= -1) = 0.841."""
    a, rng = Actor(Params()), Rng(5)
    a.w[0] = 0.01
    share = sum(a.act(0, rng) == 1 for _ in range(20000)) / 20000
    assert share == pytest.approx(0.8413, abs=0.015)


# --- traces ----------------------------------------------------------------------------------------------
def test_actor_reset_traces_zeroes_traces_and_forgets_visits():
    """After reset_traces every e is 0.0 and visited is empty; the weights are kept."""
    a = Actor(Params())
    for box, y in [(1, 1), (40, -1), (1, -1), (161, 1)]:
        a.remember(box, y)
        a.learn(0.3)
    w_before = a.w[:]
    a.reset_traces()
    assert a.e == [0.0] * N and a.visited.boxes == []
    assert a.w == w_before and any(w_before)
    a.learn(1.0)  # nothing is eligible any more
    assert a.w == w_before


def test_critic_reset_traces_zeroes_traces_and_forgets_visits():
    """After reset_traces every xbar is 0.0 and visited is empty; the predictions are kept."""
    c = Critic(Params())
    for box in (2, 77, 2, 0):
        c.remember(box)
        c.learn(-0.4)
    v_before = c.v[:]
    c.reset_traces()
    assert c.xbar == [0.0] * N and c.visited.boxes == []
    assert c.v == v_before and any(v_before)
    c.learn(1.0)
    assert c.v == v_before


def test_actor_box_with_a_zero_trace_visited_again_is_updated_once():
    """A box whose trace is exactly 0.0 but already visited is not listed twice, so learn() applies once."""
    a = Actor(Params())
    a.remember(5, 1)
    a.e[5] = 0.0  # as if it had decayed to exactly zero
    a.remember(5, 1)
    assert a.visited.boxes == [5]
    a.learn(1.0)
    assert a.w[5] == pytest.approx(100.0, abs=1e-9)  # 1000 * 1.0 * 0.1, once
    assert a.e[5] == pytest.approx(0.09, abs=1e-9)  # decayed once


def test_critic_box_with_a_zero_trace_visited_again_is_updated_once():
    """The critic likewise updates a re-visited zero-trace box once per learn()."""
    c = Critic(Params())
    c.remember(9)
    c.xbar[9] = 0.0
    c.remember(9)
    assert c.visited.boxes == [9]
    c.learn(1.0)
    assert c.v[9] == pytest.approx(0.1, abs=1e-9)  # 0.5 * 1.0 * 0.2, once
    assert c.xbar[9] == pytest.approx(0.16, abs=1e-9)


def test_train_only_changes_weights_of_boxes_visited_in_that_trial():
    """Traces are reset between trials: w and v change during a trial only in the boxes it visited."""
    trials = train(0, 12, 2000, keep=2001)  # keep every state of every trial
    assert trials[0].w == [0.0] * N and trials[0].v == [0.0] * N
    leaked_would_show = False
    for k in range(len(trials) - 1):
        visited = {box_of(s) for s in trials[k].states[:-1]}  # the last kept state is the one it fell in
        changed_w = {i for i in range(N) if trials[k + 1].w[i] != trials[k].w[i]}
        changed_v = {i for i in range(N) if trials[k + 1].v[i] != trials[k].v[i]}
        assert changed_w <= visited and changed_v <= visited and changed_w
        earlier = set().union(*({box_of(s) for s in t.states[:-1]} for t in trials[:k]))
        leaked_would_show |= bool(earlier - visited)
    assert leaked_would_show  # some box visited earlier was not revisited, so a leaked trace would be caught


def test_kept_states_follow_the_pushes_through_the_physics():
    """keep records the upright start, each push, and the state the pole fell in, chained by euler_step."""
    trials = train(4, 5, 500, keep=501)
    for t in trials:
        assert t.states[0] == (0.0, 0.0, 0.0, 0.0)
        assert len(t.pushes) == t.steps and len(t.states) == t.steps + 1
        assert set(t.pushes) <= {1, -1}
        for s, y, nxt in zip(t.states, t.pushes, t.states[1:]):
            assert euler_step(s, 10.0 * y) == nxt
        assert failed(t.states[-1]) and not any(failed(s) for s in t.states[:-1])


def test_trials_are_numbered_and_reported_to_on_trial():
    """Trials are numbered from 1 and on_trial sees each one as it ends."""
    seen = []
    trials = train(0, 8, 300, on_trial=seen.append)
    assert [t.number for t in trials] == list(range(1, 9)) and seen == trials


# --- learning --------------------------------------------------------------------------------------------
# Measured with train(seed, 50, 1000): mean steps of the first 5 / last 5 trials were
#   seed 0: 26.6 -> 508.6 (x19.1), seed 1: 16.6 -> 502.4 (x30.3, balanced at trial 35),
#   seed 2: 20.6 -> 348.6 (x16.9, balanced at trial 48).
# The threshold x5 leaves a wide margin; the actor alone reached at most 467, 204 and 162 steps.
def test_actor_critic_learns_to_balance_longer():
    """With the critic, the last 5 trials last at least 5 times as long as the first 5 for 2 of 3 seeds."""
    improved = 0
    for seed in (0, 1, 2):
        steps = [t.steps for t in train(seed, 50, 1000)]
        improved += sum(steps[-5:]) / 5 >= 5 * sum(steps[:5]) / 5
    assert improved >= 2


def test_actor_alone_never_balances_in_the_quick_setting():
    """Without the critic no trial of seeds 0, 1, 2 reaches 1000 steps within 50 trials."""
    for seed in (0, 1, 2):
        trials = train(seed, 50, 1000, critic=False)
        assert len(trials) == 50
        assert all(t.steps < 1000 and not t.balanced for t in trials)


# --- determinism and input checks --------------------------------------------------------------------------
def test_same_seed_gives_the_same_run():
    """Two runs with the same seed give identical steps per trial."""
    assert [t.steps for t in train(7, 20, 500)] == [t.steps for t in train(7, 20, 500)]


def test_different_seeds_give_different_runs():
    """Seeds 0 and 1 give different steps per trial."""
    assert [t.steps for t in train(0, 20, 500)] != [t.steps for t in train(1, 20, 500)]


@pytest.mark.parametrize("seed", ["1", True, 1.0, None])
def test_seed_must_be_an_int(seed):
    """A seed that is not an int (or is a bool) raises ValueError."""
    with pytest.raises(ValueError, match="seed must be an int"):
        train(seed, 1, 10)


@pytest.mark.parametrize("kwargs", [{"max_trials": 0}, {"max_steps": 0}, {"keep": -1}])
def test_bad_counts_raise_value_error(kwargs):
    """max_trials 0, max_steps 0 and keep -1 raise ValueError, naming the count, its least value and
    what it got."""
    (name, value), = kwargs.items()
    with pytest.raises(ValueError, match=f"^{name} must be an int >= {value + 1}, got {value}$"):
        train(0, **{"max_trials": 1, "max_steps": 10, **kwargs})


def test_the_smallest_counts_are_accepted_and_the_progress_label_names_the_learner(capsys):
    """One trial of one step, keeping no state; the build log's line says who learned."""
    (trial,) = train(3, max_trials=1, max_steps=1, keep=0)
    assert (trial.number, trial.steps, trial.balanced) == (1, 1, True)
    assert "actor and critic, seed 3, trials:" in capsys.readouterr().err
    train(3, 1, 1, critic=False)
    assert "actor alone, seed 3, trials:" in capsys.readouterr().err


def test_a_tie_between_weight_and_noise_pushes_right():
    class Quiet(Rng):
        def gauss(self, mu, sigma):
            return 0.0

    assert Actor(Params()).act(0, Quiet(0)) == 1
