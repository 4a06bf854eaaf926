r"""Value iteration (Bellman 1957): apply the optimality backup to every state until nothing moves.

$$ V_{k+1}(s) = \max_a \sum_{s'} P(s' \mid s, a)\,\big[R(s, a, s') + \gamma V_k(s')\big] $$

Each sweep reads only the previous sweep's values (a synchronous, "Jacobi" sweep), so information
travels exactly one cell per sweep: the values ripple out from the goal, as the lesson shows.
"""

from dataclasses import dataclass

from policywerk.math.vectors import max_abs_diff
from policywerk.rl.bellman import Policy, greedy_policy, q_values
from policywerk.rl.mdp import MDP


@dataclass(frozen=True)
class Sweep:
    """The state of value iteration after one sweep."""

    number: int
    values: list[float]
    delta: float  # the largest change any state's value made in this sweep
    policy: Policy  # greedy with respect to ``values``


def value_iteration(mdp: MDP, gamma: float,
                    theta: float = 1e-6, max_sweeps: int = 10_000) -> list[Sweep]:
    """Sweep until the largest change is below ``theta``; return every sweep, from 0 (all zeros)."""
    if not 0.0 <= gamma <= 1.0:
        raise ValueError(f"gamma must be in [0, 1], got {gamma}")
    if theta <= 0.0:
        raise ValueError(f"theta must be positive, got {theta}")
    values = [0.0] * mdp.n_states
    sweeps = [Sweep(0, values, float("inf"), greedy_policy(mdp, values, gamma))]
    for k in range(1, max_sweeps + 1):
        new = list(values)
        for s in mdp.states:
            if not mdp.is_terminal(s):
                new[s] = max(q_values(mdp, values, s, gamma))
        delta = max_abs_diff(new, values)
        values = new
        sweeps.append(Sweep(k, values, delta, greedy_policy(mdp, values, gamma)))
        if delta < theta:
            return sweeps
    raise RuntimeError(f"value iteration did not converge within {max_sweeps} sweeps "
                       f"(gamma={gamma})")
