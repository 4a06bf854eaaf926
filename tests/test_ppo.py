"""PPO's pieces against hand computations and independent oracles: the Gaussian policy's log-probability,
gradients and entropy, the clipped objective, generalised advantage estimation, the gradient one update
takes (against finite differences of the loss), the rollout's bootstrapping, and training end to end."""

import math
import random
import re
from statistics import NormalDist

import pytest

from conftest import central_differences
from policywerk import session
from policywerk.agents.ppo import (
    Batch,
    Config,
    Frame,
    GaussianPolicy,
    Rollout,
    clipped_objective,
    clipped_objective_grad,
    evaluate,
    features,
    gae,
    gaussian_entropy,
    gaussian_log_prob,
    gaussian_log_prob_grads,
    play,
    train,
    update,
)
from policywerk.math.random import Rng
from policywerk.nn.layers import Dense, mlp
from policywerk.nn.optim import Adam
from policywerk.worlds.cartpole import ForceCartPole, failed

# --- the Gaussian policy's pieces ---------------------------------------------------------------------------
GAUSSIAN_CASES = [(0.0, 0.0, 0.0), (1.0, 0.0, 0.0), (-2.5, 1.0, math.log(3.0)), (3.0, -1.0, -1.0),
                  (0.3, 0.2, 2.0), (-7.0, 4.0, 0.5), (10.0, 10.0, -3.0), (1.5, -0.5, 1.2)]


@pytest.mark.parametrize("a, mu, log_std", GAUSSIAN_CASES)
def test_gaussian_log_prob_matches_the_normal_pdf(a, mu, log_std):
    """log N(a; mu, sigma^2) equals the log of the standard library's normal density."""
    oracle = math.log(NormalDist(mu, math.exp(log_std)).pdf(a))
    assert gaussian_log_prob(a, mu, log_std) == pytest.approx(oracle, rel=1e-12, abs=1e-12)


def test_gaussian_log_prob_by_hand():
    """At a = mu with sigma = 1 the log-density is -log sqrt(2 pi) = -0.9189385332046727; one sigma away
    subtracts 1/2; sigma = e (log_std = 1) subtracts 1 more."""
    assert gaussian_log_prob(0.0, 0.0, 0.0) == pytest.approx(-0.9189385332046727, abs=1e-15)
    assert gaussian_log_prob(1.0, 0.0, 0.0) == pytest.approx(-1.4189385332046727, abs=1e-15)
    assert gaussian_log_prob(math.e, 0.0, 1.0) == pytest.approx(-2.4189385332046727, abs=1e-14)


@pytest.mark.parametrize("a, mu, log_std", GAUSSIAN_CASES)
def test_gaussian_log_prob_grads_match_central_central_differences(a, mu, log_std):
    """(d/dmu, d/dlog sigma) of the log-probability against central differences with h = 1e-5."""
    h = 1e-5
    fd_mu = (gaussian_log_prob(a, mu + h, log_std) - gaussian_log_prob(a, mu - h, log_std)) / (2 * h)
    fd_log_std = (gaussian_log_prob(a, mu, log_std + h) - gaussian_log_prob(a, mu, log_std - h)) / (2 * h)
    d_mu, d_log_std = gaussian_log_prob_grads(a, mu, log_std)
    assert d_mu == pytest.approx(fd_mu, rel=1e-6, abs=1e-7)
    assert d_log_std == pytest.approx(fd_log_std, rel=1e-6, abs=1e-7)


def test_gaussian_log_prob_grads_by_hand():
    """a - mu = 2, sigma = 2: d/dmu = 2 / 4 = 0.5 and d/dlog sigma = (2 / 2)^2 - 1 = 0."""
    assert gaussian_log_prob_grads(3.0, 1.0, math.log(2.0)) == pytest.approx((0.5, 0.0), abs=1e-15)


@pytest.mark.parametrize("log_std", [-3.0, -1.0, 0.0, 0.5, math.log(3.0), 2.0])
def test_gaussian_entropy_matches_the_closed_form(log_std):
    """H = (1/2) log(2 pi e sigma^2), whatever the mean."""
    sigma = math.exp(log_std)
    assert gaussian_entropy(log_std) == pytest.approx(0.5 * math.log(2 * math.pi * math.e * sigma ** 2), abs=1e-12)


def test_gaussian_entropy_matches_a_monte_carlo_estimate():
    """H = -E[log pi(a)]: the mean of -log-probability over 40 000 draws, within 4 standard errors."""
    rng = random.Random(6)
    mu, log_std = 0.7, math.log(3.0)
    draws = [-gaussian_log_prob(rng.gauss(mu, 3.0), mu, log_std) for _ in range(40_000)]
    mean = sum(draws) / len(draws)
    se = math.sqrt(sum((d - mean) ** 2 for d in draws) / len(draws) / len(draws))  # sd of -log p is 1/sqrt(2)
    assert abs(mean - gaussian_entropy(log_std)) < 4 * se


# --- the clipped objective ----------------------------------------------------------------------------------
RATIOS = [0.5, 0.8, 1.0, 1.1, 1.2, 1.5]


@pytest.mark.parametrize("advantage, expected", [
    # A = +2: min(2r, 2 clip(r, 0.8, 1.2)); above 1.2 the clipped term 2.4 is the smaller
    (2.0, [1.0, 1.6, 2.0, 2.2, 2.4, 2.4]),
    # A = -2: min(-2r, -2 clip(r, 0.8, 1.2)); below 0.8 the clipped term -1.6 is the smaller
    (-2.0, [-1.6, -1.6, -2.0, -2.2, -2.4, -3.0]),
])
def test_clipped_objective_values(advantage, expected):
    """min(r A, clip(r, 0.8, 1.2) A) at r = 0.5, 0.8, 1, 1.1, 1.2, 1.5, written out for A = +2 and -2."""
    assert [clipped_objective(r, advantage, 0.2) for r in RATIOS] == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("advantage, expected", [
    (2.0, [2.0, 2.0, 2.0, 2.0, 2.0, 0.0]),  # only r = 1.5 > 1.2 has stopped pulling
    (-2.0, [0.0, -2.0, -2.0, -2.0, -2.0, -2.0]),  # only r = 0.5 < 0.8 has stopped pulling
])
def test_clipped_objective_grad_is_zero_exactly_where_the_clip_is_active(advantage, expected):
    """d/dr is exactly 0 past 1 + eps for A > 0 and below 1 - eps for A < 0, and A everywhere else."""
    grads = [clipped_objective_grad(r, advantage, 0.2) for r in RATIOS]
    assert grads == expected  # exact: 0.0 is 0.0 and A is passed through unchanged


@pytest.mark.parametrize("advantage", [2.0, -2.0, 0.37, -1.3])
@pytest.mark.parametrize("ratio", [0.3, 0.5, 0.9, 1.0, 1.1, 1.5, 2.0])
def test_clipped_objective_grad_matches_finite_differences_away_from_the_kinks(ratio, advantage):
    """Central differences of clipped_objective in r (h = 1e-6; no r is within h of 0.8 or 1.2)."""
    h = 1e-6
    fd = (clipped_objective(ratio + h, advantage, 0.2) - clipped_objective(ratio - h, advantage, 0.2)) / (2 * h)
    assert clipped_objective_grad(ratio, advantage, 0.2) == pytest.approx(fd, rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("advantage", [2.0, -2.0, 0.5])
def test_without_a_clip_the_objective_is_r_times_a_and_its_gradient_a(advantage):
    """clip=None: the plain surrogate r A, with gradient A at every ratio (also where PPO would clip)."""
    for r in RATIOS + [0.01, 3.0]:
        assert clipped_objective(r, advantage, None) == pytest.approx(r * advantage, abs=1e-12)
        assert clipped_objective_grad(r, advantage, None) == advantage


def test_a_smaller_clip_stops_the_gradient_sooner():
    """With eps = 0.05, r = 1.1 and A > 0 is already past the window; with eps = 0.2 it is not."""
    assert clipped_objective_grad(1.1, 1.0, 0.05) == 0.0 and clipped_objective_grad(1.1, 1.0, 0.2) == 1.0
    assert clipped_objective(1.1, 1.0, 0.05) == pytest.approx(1.05, abs=1e-12)


# --- generalised advantage estimation -----------------------------------------------------------------------
# One episode of 3 steps that terminates: gamma = 0.9, V(s0..s2) = 0.5, 1.0, 1.5, rewards 1, 0, 2.
#   delta_0 = 1 + 0.9 * 1.0 - 0.5 = 1.4
#   delta_1 = 0 + 0.9 * 1.5 - 1.0 = 0.35
#   delta_2 = 2 + 0.9 * 0.0 - 1.5 = 0.5         (terminated: next value 0)
# A_t = delta_t + gamma lambda A_{t+1}, backwards from A_2 = delta_2:
#   lambda = 0:   A = delta                                                      = 1.4, 0.35, 0.5
#   lambda = 0.5: gamma lambda = 0.45; A_1 = 0.35 + 0.45 * 0.5 = 0.575;
#                 A_0 = 1.4 + 0.45 * 0.575 = 1.65875                             = 1.65875, 0.575, 0.5
#   lambda = 1:   gamma lambda = 0.9; A_1 = 0.35 + 0.9 * 0.5 = 0.8; A_0 = 1.4 + 0.9 * 0.8 = 2.12
#                 (= the discounted return minus V: 1 + 0.9 * 0 + 0.81 * 2 - 0.5 = 2.12)
TERMINATED = dict(rewards=[1.0, 0.0, 2.0], values=[0.5, 1.0, 1.5], next_values=[1.0, 1.5, 0.0],
                  ends=[False, False, True])


@pytest.mark.parametrize("lam, expected", [
    (0.0, [1.4, 0.35, 0.5]),
    (0.5, [1.65875, 0.575, 0.5]),
    (1.0, [2.12, 0.8, 0.5]),
])
def test_gae_of_a_terminated_episode_by_hand(lam, expected):
    assert gae(**TERMINATED, gamma=0.9, lam=lam) == pytest.approx(expected, abs=1e-12)


# Step 1 is truncated (ends True, but its next value V(s') = 5 is kept), step 2 starts a new episode that
# the batch cuts off (ends True, bootstrap 6). gamma = 0.5, V = 2, 3, 2, rewards all 1:
#   delta_0 = 1 + 0.5 * 3 - 2 = 0.5
#   delta_1 = 1 + 0.5 * 5 - 3 = 0.5             (the bootstrap 0.5 * 5 stays; zeroed it would be -2)
#   delta_2 = 1 + 0.5 * 6 - 2 = 2.0
# lambda = 1: A_2 = 2; A_1 = 0.5 (the sum stops at the truncation; leaking it would give 0.5 + 0.5 * 2 = 1.5);
#             A_0 = 0.5 + 0.5 * 0.5 = 0.75
# lambda = 0: A = delta = 0.5, 0.5, 2
TRUNCATED = dict(rewards=[1.0, 1.0, 1.0], values=[2.0, 3.0, 2.0], next_values=[3.0, 5.0, 6.0],
                 ends=[False, True, True])


@pytest.mark.parametrize("lam, expected", [(1.0, [0.75, 0.5, 2.0]), (0.0, [0.5, 0.5, 2.0])])
def test_gae_stops_at_a_truncation_but_keeps_its_bootstrap(lam, expected):
    assert gae(**TRUNCATED, gamma=0.5, lam=lam) == pytest.approx(expected, abs=1e-12)


# A batch of 5 steps: an episode that terminates at step 1, one truncated at step 3 (bootstrap V(s') = 4 kept)
# and the batch's last step, cut off inside a third (bootstrap 2). gamma = 0.9, lambda = 0.8, gamma lambda = 0.72:
#   delta = 1 + 0.9 * 1 - 0.5 = 1.4,  2 + 0.9 * 0 - 1 = 1,  0 + 0.9 * 1.5 - 2 = -0.65,  1 + 0.9 * 4 - 1.5 = 3.1,
#           3 + 0.9 * 2 - 0.5 = 4.3
#   A_4 = 4.3; A_3 = 3.1 (ends); A_2 = -0.65 + 0.72 * 3.1 = 1.582; A_1 = 1 (ends); A_0 = 1.4 + 0.72 * 1 = 2.12
#   returns R = A + V = 2.62, 2 (the terminal step's reward alone), 3.582, 4.6 (= 1 + 0.9 * 4), 4.8
MIXED = dict(rewards=[1.0, 2.0, 0.0, 1.0, 3.0], values=[0.5, 1.0, 2.0, 1.5, 0.5],
             next_values=[1.0, 0.0, 1.5, 4.0, 2.0], ends=[False, True, False, True, True])


def test_gae_and_returns_of_a_batch_with_a_termination_and_a_truncation_by_hand():
    advantages = gae(**MIXED, gamma=0.9, lam=0.8)
    assert advantages == pytest.approx([2.12, 1.0, 1.582, 3.1, 4.3], abs=1e-12)
    returns = [A + v for A, v in zip(advantages, MIXED["values"])]
    assert returns == pytest.approx([2.62, 2.0, 3.582, 4.6, 4.8], abs=1e-12)


def test_gae_of_two_episodes_in_one_batch_do_not_leak_into_each_other():
    """The advantages of a batch of two episodes are those of each episode alone; changing the second
    episode's rewards leaves the first's advantages alone."""
    first = dict(rewards=[1.0, 1.0, 0.0], values=[3.0, 2.0, 1.0], next_values=[2.0, 1.0, 0.0],
                 ends=[False, False, True])
    second = dict(rewards=[1.0, 1.0], values=[0.5, 4.0], next_values=[4.0, 2.5], ends=[False, True])
    both = {k: first[k] + second[k] for k in first}
    expected = gae(**first, gamma=0.99, lam=0.95) + gae(**second, gamma=0.99, lam=0.95)
    assert gae(**both, gamma=0.99, lam=0.95) == pytest.approx(expected, abs=1e-12)
    changed = {**both, "rewards": first["rewards"] + [100.0, -50.0]}
    assert gae(**changed, gamma=0.99, lam=0.95)[:3] == pytest.approx(expected[:3], abs=1e-12)
    # Without the end marker in between, the second episode would reach back into the first.
    joined = {**both, "ends": [False] * 4 + [True]}
    assert gae(**joined, gamma=0.99, lam=0.95)[2] != pytest.approx(expected[2])


def test_gae_adds_nothing_beyond_the_last_step_even_without_its_end_marker():
    """The sum stops at the data's end: the last step's advantage is its delta whether or not it is marked."""
    unmarked = {**MIXED, "ends": [False, True, False, True, False]}
    assert gae(**unmarked, gamma=0.9, lam=0.8) == gae(**MIXED, gamma=0.9, lam=0.8)
    assert gae(**{**TERMINATED, "ends": [False] * 3}, gamma=0.9, lam=1.0) == pytest.approx([2.12, 0.8, 0.5])


@pytest.mark.parametrize("short", ["rewards", "values", "next_values", "ends"])
def test_gae_rejects_lists_of_different_lengths(short):
    lists = {k: list(v) for k, v in TERMINATED.items()}
    lists[short] = lists[short][:2]
    with pytest.raises(ValueError, match=r"^rewards, values, next_values and ends must have the same length$"):
        gae(**lists, gamma=0.9, lam=0.5)


# --- one update's gradient against finite differences of the loss -------------------------------------------
class Capture:
    """Stands in for an optimiser: keeps a copy of the gradients each time it is asked to step, moves nothing."""

    def __init__(self, params):
        self.params, self.grads = params, []

    def step(self):
        self.grads.append([list(grads) for _, grads in self.params])


def hand_built(hidden=3, log_std=0.3, seed=4):
    """A policy whose mean varies from state to state (the last layer is not shrunk) and a critic."""
    rng = Rng(seed)
    policy = GaussianPolicy(hidden, log_std, rng)
    last = policy.mean.layers[-1]
    last.w = [[rng.uniform(-1.5, 1.5) for _ in row] for row in last.w]
    last.b = [0.3]
    critic = mlp([4, hidden, 1], rng, activation="tanh")
    return policy, critic


# Ratios pi/pi_old and advantages chosen so that the clip is active for two samples (r = 1.5 with A > 0,
# r = 0.5 with A < 0), the ratio is outside the window but still pulling for two (r = 0.5 with A > 0,
# r = 1.5 with A < 0) and inside the window for one.
RATIOS_AND_ADVANTAGES = [(0.5, 1.0), (0.5, -0.8), (1.05, 0.4), (1.5, 1.2), (1.5, -0.9)]
STATES = [(0.1, -0.3, 0.05, 0.4), (-1.0, 0.5, -0.1, -0.2), (0.6, 1.2, 0.15, 0.9), (2.0, -1.1, -0.02, 1.5),
          (-0.4, 0.0, 0.08, -1.3)]
ACTIONS = [1.2, -0.7, 3.1, -2.4, 0.2]
TARGETS = [1.5, -0.3, 0.8, 2.2, 0.1]


def hand_batch(policy):
    """A batch whose old log-probabilities put the current policy at the chosen ratios."""
    log_std = policy.log_std[0]
    now = [gaussian_log_prob(a, policy.mu(s), log_std) for s, a in zip(STATES, ACTIONS)]
    old = [lp - math.log(r) for lp, (r, _) in zip(now, RATIOS_AND_ADVANTAGES)]
    return Batch(states=list(STATES), actions=list(ACTIONS), log_probs=old), [A for _, A in RATIOS_AND_ADVANTAGES]


def policy_loss(policy, batch, advantages, clip, c_entropy):
    """-mean(min(r A, clip(r, 1 - eps, 1 + eps) A)) - c_H H, written independently of ppo.py."""
    sigma = math.exp(policy.log_std[0])
    total = 0.0
    for s, a, old, A in zip(batch.states, batch.actions, batch.log_probs, advantages):
        r = math.exp(math.log(NormalDist(policy.mu(s), sigma).pdf(a)) - old)
        total += r * A if clip is None else min(r * A, max(1 - clip, min(1 + clip, r)) * A)
    return -total / len(advantages) - c_entropy * 0.5 * math.log(2 * math.pi * math.e * sigma ** 2)


def critic_loss(critic, batch, targets):
    return sum(0.5 * (critic.forward(features(s))[0] - R) ** 2 for s, R in zip(batch.states, targets)) / len(targets)


@pytest.mark.parametrize("clip", [0.2, None], ids=["clipped", "plain-surrogate"])
def test_update_gradient_matches_finite_differences_of_the_loss(clip):
    """One minibatch holding the whole batch, one epoch: the gradients handed to the two optimisers are
    the gradients of the PPO loss (mean-net weights and log sigma) and of the value loss (critic)."""
    policy, critic = hand_built()
    batch, advantages = hand_batch(policy)
    c = Config(hidden=3, epochs=1, minibatch=len(STATES), clip=clip, entropy=0.05)
    policy_opt, critic_opt = Capture(policy.parameters()), Capture(critic.parameters())
    clip_fraction, value_loss = update(policy, critic, batch, advantages, TARGETS, c, Rng(0), policy_opt, critic_opt)

    assert len(policy_opt.grads) == len(critic_opt.grads) == 1  # exactly one step of each
    expected_policy = central_differences(policy.parameters(), lambda: policy_loss(policy, batch, advantages, clip,
                                                                                  0.05))
    expected_critic = central_differences(critic.parameters(), lambda: critic_loss(critic, batch, TARGETS))
    for got, want in zip(policy_opt.grads[0], expected_policy, strict=True):
        assert got == pytest.approx(want, rel=1e-6, abs=1e-9)
    for got, want in zip(critic_opt.grads[0], expected_critic, strict=True):
        assert got == pytest.approx(want, rel=1e-6, abs=1e-9)
    assert abs(policy_opt.grads[0][-1][0]) > 1e-3  # log sigma's gradient is not trivially 0
    # The clipped samples really are switched off: their advantages do not reach the gradient.
    if clip is not None:
        muted = [0.0 if clipped_objective_grad(r, A, clip) == 0.0 else A for r, A in RATIOS_AND_ADVANTAGES]
        assert muted == [1.0, 0.0, 0.4, 0.0, -0.9]
        again = Capture(policy.parameters())
        update(policy, critic, batch, muted, TARGETS, c, Rng(0), again, Capture(critic.parameters()))
        for got, want in zip(again.grads[0], policy_opt.grads[0]):
            assert got == pytest.approx(want, rel=1e-12, abs=1e-15)

    # |r - 1| > 0.2 for 4 of the 5 samples (the plain surrogate is measured against the same window).
    assert clip_fraction == pytest.approx(4 / 5)
    assert value_loss == pytest.approx(critic_loss(critic, batch, TARGETS), rel=1e-12)


def test_each_minibatch_step_takes_the_gradient_of_the_mean_loss_over_that_minibatch():
    """5 samples in minibatches of 2, one epoch: three steps, over the shuffled chunks of 2, 2 and 1 samples.
    Each step's gradients are those of the loss averaged over its own chunk (not summed, not over the whole
    batch), entropy bonus included once per step, by central differences of the losses written above."""
    policy, critic = hand_built()
    batch, advantages = hand_batch(policy)
    c = Config(hidden=3, epochs=1, minibatch=2, entropy=0.05)
    order = list(range(len(STATES)))
    Rng(0).shuffle(order)  # the order update draws from the same seed
    chunks = [order[0:2], order[2:4], order[4:5]]
    policy_opt, critic_opt = Capture(policy.parameters()), Capture(critic.parameters())
    _, value_loss = update(policy, critic, batch, advantages, TARGETS, c, Rng(0), policy_opt, critic_opt)
    assert len(policy_opt.grads) == len(critic_opt.grads) == 3
    for step, chunk in enumerate(chunks):
        part = Batch(states=[STATES[i] for i in chunk], actions=[ACTIONS[i] for i in chunk],
                     log_probs=[batch.log_probs[i] for i in chunk])
        part_advantages, part_targets = [advantages[i] for i in chunk], [TARGETS[i] for i in chunk]
        expected_policy = central_differences(
            policy.parameters(), lambda part=part, a=part_advantages: policy_loss(policy, part, a, 0.2, 0.05))
        expected_critic = central_differences(
            critic.parameters(), lambda part=part, r=part_targets: critic_loss(critic, part, r))
        for got, want in zip(policy_opt.grads[step], expected_policy, strict=True):
            assert got == pytest.approx(want, rel=1e-6, abs=1e-9)
        for got, want in zip(critic_opt.grads[step], expected_critic, strict=True):
            assert got == pytest.approx(want, rel=1e-6, abs=1e-9)
    assert value_loss == pytest.approx(critic_loss(critic, batch, TARGETS), rel=1e-12)


def test_the_clip_fraction_counts_ratios_strictly_outside_the_configured_window():
    """With eps = 0.6 none of the ratios 0.5, 0.5, 1.05, 1.5, 1.5 is outside [0.4, 1.6]; with eps = 0 and the
    batch's old log-probabilities the current ones, every ratio is exactly 1, on the window's edge: not outside."""
    policy, critic = hand_built()
    batch, advantages = hand_batch(policy)
    c = Config(hidden=3, epochs=1, minibatch=len(STATES), clip=0.6)
    opts = (Capture(policy.parameters()), Capture(critic.parameters()))
    assert update(policy, critic, batch, advantages, TARGETS, c, Rng(0), *opts)[0] == 0.0
    now = [gaussian_log_prob(a, policy.mu(s), policy.log_std[0]) for s, a in zip(STATES, ACTIONS)]
    same = Batch(states=list(STATES), actions=list(ACTIONS), log_probs=now)
    edge = Config(hidden=3, epochs=1, minibatch=len(STATES), clip=0.0)
    assert update(policy, critic, same, advantages, TARGETS, edge, Rng(0), *opts)[0] == 0.0


def test_update_takes_epochs_times_minibatches_adam_steps():
    """10 samples in minibatches of 4 for 3 epochs: 3 x 3 steps of each optimiser (chunks 4, 4, 2)."""
    policy, critic = hand_built()
    batch, advantages = hand_batch(policy)
    batch = Batch(states=batch.states * 2, actions=batch.actions * 2, log_probs=batch.log_probs * 2)
    c = Config(hidden=3, epochs=3, minibatch=4)
    policy_opt, critic_opt = Capture(policy.parameters()), Capture(critic.parameters())
    clip_fraction, value_loss = update(policy, critic, batch, advantages * 2, TARGETS * 2, c, Rng(0), policy_opt,
                                       critic_opt)
    assert len(policy_opt.grads) == len(critic_opt.grads) == 9
    assert clip_fraction == pytest.approx(4 / 5)  # the parameters did not move, so every epoch sees the same
    assert value_loss == pytest.approx(critic_loss(critic, batch, TARGETS * 2), rel=1e-12)  # over all 10, not per chunk


def test_update_with_adam_moves_every_parameter_by_lr_against_its_gradient():
    """Adam's first step is lr * g / (|g| + eps): each parameter moves by about lr, against its gradient."""
    policy, critic = hand_built()
    batch, advantages = hand_batch(policy)
    c = Config(hidden=3, epochs=1, minibatch=len(STATES), lr=0.01, entropy=0.05)
    grads = Capture(policy.parameters())
    update(policy, critic, batch, advantages, TARGETS, c, Rng(0), grads, Capture(critic.parameters()))
    before = [list(values) for values, _ in policy.parameters()]
    update(policy, critic, batch, advantages, TARGETS, c, Rng(0), Adam(policy.parameters(), lr=0.01),
           Adam(critic.parameters(), lr=0.01))
    for (values, _), old, g in zip(policy.parameters(), before, grads.grads[0]):
        for v, o, gk in zip(values, old, g):
            expected = -0.01 * gk / (abs(gk) + 1e-8)
            assert v - o == pytest.approx(expected, rel=1e-3, abs=1e-9)


# --- the rollout ----------------------------------------------------------------------------------------------
class Recorder:
    """Passes reset and step through to an environment and keeps the seeds, the actions and what each step
    returned."""

    def __init__(self, env):
        self.env, self.steps, self.actions, self.seeds = env, [], [], []

    def reset(self, seed=None):
        self.seeds.append(seed)
        return self.env.reset(seed=seed)

    def step(self, action):
        out = self.env.step(action)
        self.steps.append(out)
        self.actions.append(action)
        return out


def test_rollout_bootstraps_with_zero_only_where_the_episode_terminated():
    """With episodes truncated at 20 steps and a wide policy that also lets the pole fall: next_values is
    exactly 0 at terminations and the critic's V(s') at truncations, inside episodes and at the batch end;
    ends marks terminations, truncations and the last step."""
    policy, critic = hand_built(hidden=4, log_std=math.log(8.0), seed=2)
    env = Recorder(ForceCartPole(max_steps=20))
    rollout = Rollout(env, Rng(3))
    n = 150
    batch, finished = rollout.collect(policy, critic, n)
    assert all(len(x) == n for x in (batch.states, batch.actions, batch.log_probs, batch.rewards, batch.values,
                                     batch.next_values, batch.ends))
    terminated = [s[2] for s in env.steps]
    truncated = [s[3] for s in env.steps]
    assert sum(terminated) >= 2 and sum(truncated) >= 2  # both kinds of end happen in this batch
    assert not terminated[-1] and not truncated[-1]  # and the batch stops inside an episode

    def v(s):
        return critic.forward(features(s))[0]

    for t, (next_state, reward, term, trunc, _) in enumerate(env.steps):
        assert batch.ends[t] == (term or trunc or t == n - 1)
        assert batch.values[t] == v(batch.states[t])
        assert batch.log_probs[t] == pytest.approx(
            gaussian_log_prob(batch.actions[t], policy.mu(batch.states[t]), policy.log_std[0]), abs=1e-12)
        assert batch.rewards[t] == reward == (0.0 if term else 1.0)
        if term:
            assert batch.next_values[t] == 0.0 and failed(next_state)
        else:
            assert batch.next_values[t] == v(next_state) != 0.0
        if t < n - 1:
            if term or trunc:  # a new episode starts from a fresh noisy state
                assert all(abs(x) <= 0.05 for x in batch.states[t + 1])
            else:
                assert batch.states[t + 1] == next_state
    # Episode returns: the steps of each ended episode that kept the pole up.
    lengths, length = [], 0
    for _, reward, term, trunc, _ in env.steps:
        length += reward
        if term or trunc:
            lengths.append(length)
            length = 0
    assert finished == lengths and 20.0 in finished
    # The next batch carries on from the state the last step left, and the unfinished episode's return with it.
    assert rollout.state == env.steps[-1][0] and rollout.episode_return == length


def test_features_measure_the_state_in_units_of_its_typical_size():
    """x in 2.4 m, its rate in 2 m/s, theta in 0.21 rad, its rate in 2 rad/s (the failure limits)."""
    assert features((2.4, -1.0, 0.105, 3.0)) == pytest.approx([1.0, -0.5, 0.5, 1.5], abs=1e-15)


def test_config_defaults_are_lesson_06s_quick_setting():
    """Lesson 06 trains with Config(): these are the settings its text and its timings are about."""
    assert Config() == Config(hidden=16, horizon=1024, epochs=10, minibatch=64, lr=1e-3, gamma=0.99, lam=0.95,
                              clip=0.2, entropy=0.001, log_std_init=math.log(3.0))


def test_gaussian_policy_copy_is_an_independent_clone():
    policy, _ = hand_built()
    clone = policy.copy()
    s = STATES[2]
    assert clone.mu(s) == policy.mu(s) and clone.log_std == policy.log_std
    policy.mean.layers[0].w[0][0] += 1.0
    policy.log_std[0] = 5.0
    assert clone.mu(s) != policy.mu(s) and clone.log_std[0] == 0.3


def test_a_new_policy_starts_near_zero_force_with_the_configured_sigma():
    policy = GaussianPolicy(16, math.log(3.0), Rng(0))
    assert math.exp(policy.log_std[0]) == pytest.approx(3.0)
    assert all(abs(policy.mu(s)) < 0.1 for s in STATES)
    assert policy.dlog_std == [0.0] and all(g == 0.0 for _, grads in policy.parameters() for g in grads)


# --- training, evaluation, play --------------------------------------------------------------------------------
def weights(net_params):
    return [list(values) for values, _ in net_params]


def test_train_is_deterministic_per_seed():
    """The same seed gives the same returns, statistics and weights; another seed gives others."""
    c = Config(horizon=128, epochs=2)
    a, b, other = (train(ForceCartPole(), 2, c, seed=s) for s in (5, 5, 6))
    assert [it.returns for it in a.iterations] == [it.returns for it in b.iterations]
    assert a.iterations == b.iterations
    assert weights(a.policy.parameters()) == weights(b.policy.parameters())
    assert weights(a.critic.parameters()) == weights(b.critic.parameters())
    assert [it.steps for it in a.iterations] == [128, 256]
    assert [it.returns for it in other.iterations] != [it.returns for it in a.iterations]
    assert weights(other.policy.parameters()) != weights(a.policy.parameters())


def test_train_records_sigma_snapshots_and_kept_policies():
    """Each iteration's sigma is exp(log sigma); snapshots hold mu at the reference states; kept copies
    are frozen at their iteration."""
    reference = [STATES[0], STATES[2]]
    run = train(ForceCartPole(), 2, Config(horizon=64, epochs=1), seed=1, reference=reference, keep=(0, 2))
    assert len(run.snapshots) == 3 and sorted(run.kept) == [0, 2]
    assert run.snapshots[0].sigma == pytest.approx(3.0)
    assert run.iterations[-1].sigma == math.exp(run.policy.log_std[0]) == run.snapshots[-1].sigma
    assert run.snapshots[-1].means == [run.policy.mu(s) for s in reference] == [run.kept[2].mu(s) for s in reference]
    assert [run.kept[0].mu(s) for s in reference] == run.snapshots[0].means != run.snapshots[-1].means


@pytest.mark.parametrize("iterations", [0, -1, 1.5, True])
def test_train_rejects_a_bad_iteration_count(iterations):
    with pytest.raises(ValueError, match=rf"^iterations must be an int >= 1, got {re.escape(repr(iterations))}$"):
        train(ForceCartPole(), iterations, Config(horizon=8), seed=0)


def test_train_accepts_a_single_iteration():
    run = train(ForceCartPole(), 1, Config(horizon=8, epochs=1), seed=0)
    assert [it.steps for it in run.iterations] == [8] and len(run.snapshots) == 2


def test_one_iteration_of_train_is_its_pieces_composed_by_hand():
    """train's first iteration written out: the policy, then a tanh critic, from the seed's Rng; Adam at c.lr
    for both; a batch collected; GAE advantages normalised to mean 0 and standard deviation 1 for the
    policy, A + V as the critic's targets; the update; then the KL of the old log-probabilities to the new."""
    c = Config(hidden=3, horizon=24, epochs=2, minibatch=8, lr=0.02, gamma=0.9, lam=0.8)
    run = train(ForceCartPole(max_steps=10), 1, c, seed=3)

    rng = Rng(3)
    policy = GaussianPolicy(c.hidden, c.log_std_init, rng)
    critic = mlp([4, c.hidden, 1], rng, activation="tanh")
    policy_opt, critic_opt = Adam(policy.parameters(), lr=0.02), Adam(critic.parameters(), lr=0.02)
    batch, finished = Rollout(ForceCartPole(max_steps=10), rng).collect(policy, critic, 24)
    advantages = gae(batch.rewards, batch.values, batch.next_values, batch.ends, 0.9, 0.8)
    mean = sum(advantages) / 24
    std = math.sqrt(sum((A - mean) ** 2 for A in advantages) / 24)
    normalised = [(A - mean) / (std + 1e-8) for A in advantages]
    targets = [A + v for A, v in zip(advantages, batch.values)]
    clip_fraction, value_loss = update(policy, critic, batch, normalised, targets, c, rng, policy_opt, critic_opt)
    kl = sum(lp - gaussian_log_prob(a, policy.mu(s), policy.log_std[0])
             for s, a, lp in zip(batch.states, batch.actions, batch.log_probs)) / 24

    assert weights(run.policy.parameters()) == weights(policy.parameters())
    assert weights(run.critic.parameters()) == weights(critic.parameters())
    (it,) = run.iterations
    assert (it.steps, it.returns, it.clip_fraction, it.value_loss) == (24, finished, clip_fraction, value_loss)
    assert it.approx_kl == pytest.approx(kl, rel=1e-9, abs=1e-15) and it.approx_kl != 0.0
    assert it.sigma == math.exp(policy.log_std[0])
    assert len(finished) >= 2  # episodes of at most 10 steps: the batch holds ends of both kinds


@pytest.mark.parametrize("clip, who", [(0.2, "PPO"), (None, "PPO unclipped")])
def test_train_reports_its_progress_by_name_seed_and_iterations(clip, who):
    seen = []
    with session.activate(session.Session(report=seen.append)):
        train(ForceCartPole(), 2, Config(horizon=8, epochs=1, clip=clip), seed=7)
    assert seen[-1].label == f"{who}, seed 7, iterations" and seen[-1].finished
    assert (seen[-1].done, seen[-1].total) == (2, 2)


def test_training_doubles_the_mean_episode_return():
    """The quick setting of lesson 06 (Config() defaults, 8 iterations of 1024 steps): the episodes ending in
    the last iteration last more than twice as long on average as those in the first."""
    run = train(ForceCartPole(), 8, Config(), seed=0)
    first, last = run.iterations[0].returns, run.iterations[-1].returns
    assert first and last
    assert sum(last) / len(last) > 2 * sum(first) / len(first)


def near_linear_policy(gains, log_std=0.0):
    """A policy whose mean force is (very nearly) gains . features(s): tanh units used in their linear range."""
    policy = GaussianPolicy(4, log_std, Rng(0))
    first, last = policy.mean.layers[0], policy.mean.layers[-1]
    assert isinstance(first, Dense) and isinstance(last, Dense)
    small = 1e-4
    first.w = [[small * g for g in gains]] + [[0.0] * 4 for _ in range(3)]
    first.b = [0.0] * 4
    last.w, last.b = [[1.0 / small, 0.0, 0.0, 0.0]], [0.0]
    return policy


def counted_episodes(env, seed, episodes, force_of):
    """Steps survived per episode when pushing with force_of(state), with evaluate's seeding of the starts."""
    rng = Rng(seed)
    out = []
    for _ in range(episodes):
        state, _ = env.reset(seed=rng.randrange(2**31))
        steps = 0
        while True:
            state, _, terminated, truncated, _ = env.step(force_of(state))
            if terminated:
                break
            steps += 1
            if truncated:
                break
        out.append(float(steps))
    return out


def test_deterministic_evaluation_pushes_with_the_mean_force():
    """A policy with mu = 0 and sigma = 1000 N: deterministic evaluation equals pushing 0 N (the pole
    falls after some steps, the return counts the steps it stayed up); sampling would push +/-10 N."""
    policy = near_linear_policy((0.0, 0.0, 0.0, 0.0), log_std=math.log(1000.0))
    returns = evaluate(policy, ForceCartPole(), 5, seed=9)
    assert returns == counted_episodes(ForceCartPole(), 9, 5, lambda s: 0.0)
    assert all(0 < r < 500 for r in returns)
    sampled = evaluate(policy, ForceCartPole(), 5, seed=9, deterministic=False)
    assert sampled != returns and all(0 <= r < 500 for r in sampled)
    assert evaluate(policy, ForceCartPole(), 5, seed=9) == returns  # deterministic unless told otherwise


def test_stochastic_evaluation_pushes_with_forces_drawn_from_the_gaussian():
    """Not deterministic: each force is the Gaussian's draw (not its log-probability), from the Rng that also
    seeded the episode's start; replayed by hand with the same draws."""
    policy = near_linear_policy((1.0, 2.0, 10.0, 5.0), log_std=math.log(2.0))
    env = Recorder(ForceCartPole(max_steps=30))
    returns = evaluate(policy, env, 3, seed=9, deterministic=False)
    replay, rng, forces, expected = ForceCartPole(max_steps=30), Rng(9), [], []
    for _ in range(3):
        state, _ = replay.reset(seed=rng.randrange(2**31))
        total, done = 0.0, False
        while not done:
            forces.append(policy.sample(state, rng)[0])
            state, reward, terminated, truncated, _ = replay.step(forces[-1])
            total += reward
            done = terminated or truncated
        expected.append(total)
    assert env.actions == forces and returns == expected
    assert any(abs(f) > 1.0 for f in forces)


def test_evaluation_of_a_balancing_policy_returns_500_per_episode():
    """A linear controller on the angle and its rate (with centring terms) balances until truncation."""
    gains = (1.0, 2.0, 10.0, 5.0)
    policy = near_linear_policy(gains)
    state = (0.3, -0.2, 0.04, 0.5)
    assert policy.mu(state) == pytest.approx(sum(g * f for g, f in zip(gains, features(state))), rel=1e-6)
    assert evaluate(policy, ForceCartPole(), 3, seed=0) == [500.0, 500.0, 500.0]
    assert evaluate(policy, ForceCartPole(max_steps=37), 2, seed=0) == [37.0, 37.0]


def test_play_records_the_draw_the_applied_force_and_the_final_state():
    """One frame per step plus the last state; the applied force is the draw clipped to +/-10 N."""
    policy = near_linear_policy((0.0, 0.0, 0.0, 0.0), log_std=math.log(20.0))
    frames = play(policy, ForceCartPole(), seed=4)
    assert all(isinstance(f, Frame) for f in frames)
    *steps, last = frames
    assert last.action is None and last.applied is None and failed(last.state)
    assert all(f.applied == max(-10.0, min(10.0, f.action)) for f in steps)
    assert any(abs(f.action) > 10.0 for f in steps)  # sigma = 20 N: some draws are clipped
    assert all(f.mu == policy.mu(f.state) for f in frames)
    assert play(policy, ForceCartPole(), seed=4) == frames
    # The episode starts where evaluate's would: at the reset seeded by Rng(seed)'s first draw.
    env = Recorder(ForceCartPole())
    frames = play(policy, env, seed=5)
    assert env.seeds == [Rng(5).randrange(2**31)] == [1097127993]
    assert frames[0].state == ForceCartPole().reset(seed=env.seeds[0])[0]
