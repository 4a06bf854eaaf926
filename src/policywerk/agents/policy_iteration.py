r"""Policy iteration (Howard 1960): evaluate the current policy fully, then improve it greedily.

Evaluation solves $V^\pi(s) = \sum_{s'} P(s' \mid s, \pi(s))\,[R + \gamma V^\pi(s')]$ by repeated
sweeps; improvement sets $\pi(s) \leftarrow \arg\max_a q(s, a)$. The loop ends when improvement
changes nothing.
"""

from dataclasses import dataclass

from policywerk.math.vectors import argmax, max_abs_diff
from policywerk.rl.bellman import Policy, q_value, q_values
from policywerk.rl.mdp import MDP


@dataclass(frozen=True)
class Improvement:
    """One round of policy iteration: the policy evaluated, its values, and the work it took."""

    number: int
    policy: Policy
    values: list[float]
    evaluation_sweeps: int
    changed: int  # how many states the improvement step then changed


def evaluation_sweep(mdp: MDP, probs: list[list[float]], values: list[float],
                     gamma: float) -> list[float]:
    r"""One sweep of policy evaluation: every state's new value is the policy's average backup,
    $V_{k+1}(s) = \sum_a \pi(a \mid s)\, q_k(s, a)$, read from the old values only."""
    new = list(values)
    for s in mdp.states:
        if not mdp.is_terminal(s):
            new[s] = sum(p * q_value(mdp, values, s, a, gamma) for a, p in enumerate(probs[s]) if p)
    return new


def evaluate_policy(mdp: MDP, probs: list[list[float]], gamma: float, theta: float = 1e-6,
                    values: list[float] | None = None,
                    max_sweeps: int = 100_000) -> tuple[list[float], int]:
    r"""Iterative policy evaluation: sweep
    $V(s) \leftarrow \sum_a \pi(a \mid s)\, q(s, a)$ until it settles.

    ``probs[s][a]`` is the policy's chance of action ``a`` in state ``s``. Returns the values and
    the number of sweeps; starting from ``values`` (the previous policy's) saves most of the work.
    """
    values = [0.0] * mdp.n_states if values is None else list(values)
    for sweep in range(1, max_sweeps + 1):
        new = evaluation_sweep(mdp, probs, values, gamma)
        delta = max_abs_diff(new, values)
        values = new
        if delta < theta:
            return values, sweep
    raise RuntimeError(f"policy evaluation did not converge within {max_sweeps} sweeps "
                       f"(gamma={gamma})")


def as_probabilities(policy: Policy, n_actions: int) -> list[list[float]]:
    """A deterministic policy written as one-hot action probabilities."""
    return [[1.0 if a == chosen else 0.0 for a in range(n_actions)] for chosen in policy]


def improve(mdp: MDP, policy: Policy, values: list[float], gamma: float) -> Policy:
    """Greedy improvement that keeps the current action unless another is strictly better.

    Keeping ties is what guarantees that the loop stops: a policy never flips between equal actions.
    """
    new = list(policy)
    for s in mdp.states:
        if not mdp.is_terminal(s):
            qs = q_values(mdp, values, s, gamma)
            best = argmax(qs)
            if qs[best] > qs[policy[s]] + 1e-12:
                new[s] = best
    return new


def policy_iteration(mdp: MDP, gamma: float,
                     theta: float = 1e-6, max_rounds: int = 1_000) -> list[Improvement]:
    """Start from "always up"; alternate evaluation and improvement until the policy is stable."""
    if not 0.0 <= gamma < 1.0:
        raise ValueError("policy iteration needs gamma in [0, 1) so every policy has finite value, "
                         f"got {gamma}")
    policy = [0] * mdp.n_states
    values: list[float] | None = None
    rounds = []
    for k in range(1, max_rounds + 1):
        probs = as_probabilities(policy, mdp.n_actions)
        values, sweeps = evaluate_policy(mdp, probs, gamma, theta, values)
        improved = improve(mdp, policy, values, gamma)
        changed = sum(improved[s] != policy[s] for s in mdp.states)
        rounds.append(Improvement(k, policy, values, sweeps, changed))
        if changed == 0:
            return rounds
        policy = improved
    raise RuntimeError(f"policy iteration did not stabilise within {max_rounds} rounds")
