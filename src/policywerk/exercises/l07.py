"""Lesson 07's exercises: the KL divergence of two diagonal Gaussians, and the λ-return of imagined
rewards."""

from policywerk.agents.dreamer import lambda_returns
from policywerk.exercises.spec import Case, Exercise
from policywerk.math.random import Rng
from policywerk.nn.distributions import gaussian_kl


def kl_of(mu_q, log_std_q, mu_p, log_std_p):
    """The library's KL alone, without its gradients."""
    return gaussian_kl(mu_q, log_std_q, mu_p, log_std_p)[0]


def _kl_cases():
    yield Case(([0.0], [0.0], [0.0], [0.0]), "two standard normals: KL 0", hint=1)
    yield Case(([1.0], [0.0], [0.0], [0.0]), "means one apart, both σ = 1: KL ½", hint=1)
    yield Case(([0.0], [0.0], [0.0], [0.6931471805599453]), "q = N(0, 1), p = N(0, 4): "
               "log 2 + 1/8 − ½", hint=2)
    yield Case(([0.0, 1.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]), "two dimensions: their KLs add up",
               hint=3)
    rng = Rng(8)

    def draw(n, low, high):
        return [round(rng.uniform(low, high), 3) for _ in range(n)]

    for k in range(30):
        n = 1 + k % 4
        yield Case((draw(n, -2, 2), draw(n, -2, 0.5), draw(n, -2, 2), draw(n, -2, 0.5)), f"random case {k + 1}",
                   hint=2)


KL = Exercise(
    key="l07.gaussian_kl",
    title="The KL divergence of two diagonal Gaussians",
    level="core",
    statement=(
        "Write `gaussian_kl(mu_q, log_std_q, mu_p, log_std_p)`: KL(q ‖ p) between two Gaussians with "
        "diagonal covariance, given by their means and the logarithms of their standard deviations, "
        "summed over the dimensions. Per dimension, with $d = \\mu_q - \\mu_p$, it is "
        "$\\log\\sigma_p - \\log\\sigma_q + \\frac{\\sigma_q^2 + d^2}{2\\sigma_p^2} - \\frac12$. "
        "(The library's returns the gradients too; yours returns the KL alone.)"),
    stub=('def gaussian_kl(mu_q, log_std_q, mu_p, log_std_p):\n'
          '    """KL(q || p) of two diagonal Gaussians, summed over dimensions."""\n'
          '    raise NotImplementedError\n'),
    hints=("Two identical Gaussians are 0 apart; means d apart with σ = 1 are d²/2 apart.",
           "You are given log σ: σ² is exp(2 log σ). Divide by p's variance, not q's: the KL is not "
           "symmetric.",
           "Add the dimensions' KLs; do not average them."),
    reference=kl_of,
    shown=gaussian_kl,
    cases=_kl_cases,
    tolerance=1e-9,
)


def _return_cases():
    yield Case(([1.0, 1.0], [0.0, 0.0, 0.0], 1.0, 1.0), "λ = γ = 1, values 0: the rewards still to come, "
               "2 and 1", hint=1)
    yield Case(([0.0, 0.0], [0.0, 0.0, 10.0], 0.9, 0.95), "no reward, only the last state's value, "
               "which every return bootstraps from", hint=2)
    yield Case(([1.0], [0.0, 5.0], 0.9, 0.0), "λ = 0: the one-step target r + γ v(s₁)", hint=1)
    rng = Rng(9)
    for k in range(30):
        h = 1 + k % 10
        yield Case(([round(rng.uniform(0, 1), 3) for _ in range(h)],
                    [round(rng.uniform(-1, 3), 3) for _ in range(h + 1)], 0.9, round(rng.uniform(0, 1), 2)),
                   f"random case {k + 1}", hint=3)


IMAGINED_RETURNS = Exercise(
    key="l07.lambda_returns",
    title="The λ-return of imagined rewards",
    level="core",
    statement=(
        "Write `lambda_returns(rewards, values, gamma, lam)`: the targets Dreamer's critic learns from "
        "and its actor climbs, for an imagined trajectory of H steps. `rewards` has H entries and "
        "`values` H + 1, the critic's value of every imagined state, the last included. Backwards from "
        "$V^\\lambda_H = v(s_H)$: $V^\\lambda_k = r_k + \\gamma[(1 - \\lambda) v(s_{k+1}) + \\lambda "
        "V^\\lambda_{k+1}]$. Return the H returns in order."),
    stub=('def lambda_returns(rewards, values, gamma, lam):\n'
          '    """V_k for k = 0..H-1 from H rewards and H + 1 values."""\n'
          '    raise NotImplementedError\n'),
    hints=("Start from the value of the last state, `values[-1]`, and go backwards.",
           "The imagined trajectory does not end: the last state's value stands in for everything after "
           "it, so even with no rewards every return is worth something.",
           "Discount both the bootstrap and the following return: r + γ ((1 − λ) v + λ V), with v the "
           "value of the state the reward leads to, `values[k + 1]`."),
    reference=lambda_returns,
    cases=_return_cases,
    tolerance=1e-9,
)

EXERCISES = (KL, IMAGINED_RETURNS)
