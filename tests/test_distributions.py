"""The distributions of lesson 07: known values and finite-difference gradients."""

import math

import pytest

from policywerk.nn.distributions import (
    bernoulli_nll,
    categorical_entropy_grad,
    categorical_log_prob_grad,
    gaussian_kl,
    softmax,
)


def test_kl_between_two_gaussians_has_its_known_value():
    # KL(N(0, 1) || N(1, 2^2)) = log 2 + (1 + 1) / (2 * 4) - 1/2
    kl, _ = gaussian_kl([0.0], [0.0], [1.0], [math.log(2.0)])
    assert kl == pytest.approx(math.log(2.0) + 0.25 - 0.5, rel=1e-12)
    # dimensions add up, and a distribution is 0 away from itself
    kl2, _ = gaussian_kl([0.0, 0.3], [0.0, -0.2], [1.0, 0.3], [math.log(2.0), -0.2])
    assert kl2 == pytest.approx(kl, rel=1e-12)


def test_kl_gradients_match_finite_differences():
    args = [[0.3, -1.1], [0.2, -0.4], [-0.5, 0.7], [0.1, 0.5]]
    _, grads = gaussian_kl(*args)
    by_argument = [grads.mu_q, grads.log_std_q, grads.mu_p, grads.log_std_p]
    eps = 1e-6
    for k, analytic in enumerate(by_argument):
        for i in range(2):
            up = [a[:] for a in args]
            down = [a[:] for a in args]
            up[k][i] += eps
            down[k][i] -= eps
            numeric = (gaussian_kl(*up)[0] - gaussian_kl(*down)[0]) / (2 * eps)
            assert analytic[i] == pytest.approx(numeric, rel=1e-6, abs=1e-9)


def test_kl_is_never_negative_on_examples():
    for mq, lq, mp, lp in ((0.0, 0.0, 0.0, 0.0), (2.0, -1.0, -1.0, 1.0), (0.5, 0.5, 0.5, -0.5)):
        kl, _ = gaussian_kl([mq], [lq], [mp], [lp])
        assert kl >= 0.0
        assert (kl == 0.0) == ((mq, lq) == (mp, lp))


def test_bernoulli_nll_and_its_gradient():
    logits, targets = [2.0, -1.0, 0.0, 40.0, -40.0], [1.0, 0.0, 1.0, 1.0, 1.0]
    loss, grads = bernoulli_nll(logits, targets)
    sig = [1 / (1 + math.exp(-v)) for v in logits]
    # -log p for lit pixels, -log(1 - p) for dark ones;
    # logit 40 lit costs about e^-40, logit -40 lit about 40
    expected = -math.log(sig[0]) - math.log(1 - sig[1]) - math.log(sig[2]) + math.exp(-40.0) + 40.0
    assert loss == pytest.approx(expected, rel=1e-9)
    assert grads == pytest.approx([p - y for p, y in zip(sig, targets)], abs=1e-12)


def test_categorical_gradients_match_finite_differences():
    logits, eps = [0.3, -1.2, 2.0, 0.0], 1e-6
    for action in range(4):
        _, grads = categorical_log_prob_grad(logits, action)
        for i in range(4):
            up, down = logits[:], logits[:]
            up[i] += eps
            down[i] -= eps
            numeric = (math.log(softmax(up)[action]) - math.log(softmax(down)[action])) / (2 * eps)
            assert grads[i] == pytest.approx(numeric, rel=1e-6, abs=1e-9)
    entropy, grads = categorical_entropy_grad(logits)
    p = softmax(logits)
    assert entropy == pytest.approx(-sum(q * math.log(q) for q in p))
    for i in range(4):
        up, down = logits[:], logits[:]
        up[i] += eps
        down[i] -= eps
        numeric = (categorical_entropy_grad(up)[0] - categorical_entropy_grad(down)[0]) / (2 * eps)
        assert grads[i] == pytest.approx(numeric, rel=1e-6, abs=1e-9)


def test_uniform_logits_have_the_largest_entropy():
    assert categorical_entropy_grad([0.0] * 5)[0] == pytest.approx(math.log(5))
    assert categorical_entropy_grad([0.0] * 5)[1] == pytest.approx([0.0] * 5, abs=1e-15)


def test_softmax_of_huge_logits_does_not_overflow():
    """The largest logit is subtracted before exponentiating: e^1000 would overflow, e^0 does not."""
    assert softmax([1000.0, 0.0]) == [1.0, 0.0]  # e^-1000 underflows to 0
    assert softmax([1000.0, 1000.0 - math.log(3.0)]) == pytest.approx([0.75, 0.25], rel=1e-12)


def test_an_action_whose_probability_underflows_to_0_adds_nothing_to_the_entropy():
    """p = 0 contributes 0 log 0 = 0 to H and 0 to the gradient (log 0 itself would raise)."""
    entropy, grads = categorical_entropy_grad([0.0, 0.0, -1000.0])
    assert entropy == pytest.approx(math.log(2.0), rel=1e-15)
    assert grads == pytest.approx([0.0, 0.0, 0.0], abs=1e-15)
