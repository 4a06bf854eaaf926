r"""The distributions lesson 07's world model and actor are made of, each with the gradients that
backpropagation needs.

Diagonal Gaussians are given as (means, log standard deviations); Bernoulli pixels and categorical
actions as logits, the unsquashed outputs of a network.
"""

import math
from dataclasses import dataclass

from policywerk.math.scalars import sigmoid


@dataclass
class KLGrads:
    """The gradients of KL(q || p) with respect to the parameters of q and of p."""

    mu_q: list[float]
    log_std_q: list[float]
    mu_p: list[float]
    log_std_p: list[float]


def gaussian_kl(mu_q: list[float], log_std_q: list[float], mu_p: list[float],
                log_std_p: list[float]) -> tuple[float, KLGrads]:
    """KL(q || p) between diagonal Gaussians, summed over dimensions, and its gradients with respect
    to mu_q, log_std_q, mu_p and log_std_p. Per dimension, with d = mu_q - mu_p:

        KL = log sigma_p - log sigma_q + (sigma_q^2 + d^2) / (2 sigma_p^2) - 1/2
    """
    kl = 0.0
    d_mu_q, d_ls_q, d_mu_p, d_ls_p = [], [], [], []
    for mq, lq, mp, lp in zip(mu_q, log_std_q, mu_p, log_std_p):
        var_q, var_p = math.exp(2.0 * lq), math.exp(2.0 * lp)
        d = mq - mp
        kl += lp - lq + (var_q + d * d) / (2.0 * var_p) - 0.5
        d_mu_q.append(d / var_p)
        d_mu_p.append(-d / var_p)
        d_ls_q.append(var_q / var_p - 1.0)
        d_ls_p.append(1.0 - (var_q + d * d) / var_p)
    return kl, KLGrads(d_mu_q, d_ls_q, d_mu_p, d_ls_p)


def bernoulli_nll(logits: list[float], targets: list[float]) -> tuple[float, list[float]]:
    """-log p(targets) for independent pixels, p = sigmoid(logit), summed over pixels (binary
    cross-entropy), and its gradient with respect to the logits, sigmoid(logit) - target. Computed
    without overflow: -log sigmoid(l) = log(1 + e^-l) and -log(1 - sigmoid(l)) = log(1 + e^l)."""
    loss, grads = 0.0, []
    for logit, y in zip(logits, targets):
        softplus = max(logit, 0.0) + math.log1p(math.exp(-abs(logit)))  # log(1 + e^logit)
        loss += softplus - y * logit
        grads.append(sigmoid(logit) - y)
    return loss, grads


def softmax(logits: list[float]) -> list[float]:
    top = max(logits)
    exps = [math.exp(v - top) for v in logits]
    total = sum(exps)
    return [e / total for e in exps]


def categorical_log_prob_grad(logits: list[float], action: int) -> tuple[float, list[float]]:
    """log softmax(logits)[action] and its gradient with respect to the logits:
    onehot(action) - probs."""
    probs = softmax(logits)
    return math.log(probs[action]), [(1.0 if k == action else 0.0) - p for k, p in enumerate(probs)]


def categorical_entropy_grad(logits: list[float]) -> tuple[float, list[float]]:
    """H = -sum p log p and its gradient with respect to the logits: -p_k (log p_k + H)."""
    probs = softmax(logits)
    logs = [math.log(p) if p > 0.0 else 0.0 for p in probs]
    entropy = -sum(p * lp for p, lp in zip(probs, logs))
    return entropy, [-p * (lp + entropy) for p, lp in zip(probs, logs)]
