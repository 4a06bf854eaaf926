r"""The Bellman backup: the one computation every dynamic-programming method repeats.

For a state $s$ and action $a$ of a known model, the backed-up value is

$$ q(s, a) = \sum_{s'} P(s' \mid s, a)\,\big[R(s, a, s') + \gamma V(s')\big]. $$
"""

from policywerk.math.vectors import argmax
from policywerk.rl.mdp import MDP

Policy = list[int]  # the action taken in each state (terminal and wall entries are unused)


def q_value(mdp: MDP, values: list[float], state: int, action: int, gamma: float) -> float:
    """One-step lookahead: expected reward plus discounted value of where we land."""
    return sum(t.probability * (t.reward + gamma * values[t.next_state])
               for t in mdp.transitions(state, action))


def q_values(mdp: MDP, values: list[float], state: int, gamma: float) -> list[float]:
    return [q_value(mdp, values, state, a, gamma) for a in range(mdp.n_actions)]


def greedy_policy(mdp: MDP, values: list[float], gamma: float) -> Policy:
    """Act greedily with respect to ``values``; ties go to the lowest-numbered action."""
    policy = [0] * mdp.n_states
    for s in mdp.states:
        if not mdp.is_terminal(s):
            policy[s] = argmax(q_values(mdp, values, s, gamma))
    return policy


def bellman_optimality_residual(mdp: MDP, values: list[float], gamma: float) -> float:
    r"""$\max_s |V(s) - \max_a q(s, a)|$: zero exactly when ``values`` solves the optimality
    equation."""
    return max((abs(values[s] - max(q_values(mdp, values, s, gamma)))
                for s in mdp.states if not mdp.is_terminal(s)), default=0.0)
