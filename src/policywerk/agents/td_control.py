"""TD control (Watkins 1989; Rummery & Niranjan 1994): learning action values while acting on them.

One routine serves three methods. They differ in a single line: the value of the next state that the
target bootstraps from,

    SARSA            Q(s', a')                   the action the agent will actually take
    Q-learning       max_a Q(s', a)              the best action, whatever the agent takes
    Expected SARSA   (1 - eps) max_a Q(s', a)    the average over what it might take
                       + eps mean_a Q(s', a)

and each method below is that one line. The update itself is shared:
Q(s, a) <- Q(s, a) + alpha [target - Q(s, a)].

The routine chooses the next action before the update, as SARSA must. Sutton & Barto's Q-learning
chooses it after (``update_first=True``); the two orders differ only when the next state is the
current one, and there the choice reads values the update has not yet changed: on a bump into the
edge of the grid, and on every fall from the cliff next to the start, which puts the agent back
where it was (36, into the cliff, back to 36). Lesson 04 measures how little that moves its results.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from policywerk.math.checks import whole
from policywerk.math.random import Rng

Target = Callable[[list[list[float]], float, int, int, float, float], float]


def sarsa(q, r, s_next, a_next, gamma, epsilon):
    return r + gamma * q[s_next][a_next]


def q_learning(q, r, s_next, a_next, gamma, epsilon):
    return r + gamma * max(q[s_next])


def expected_sarsa(q, r, s_next, a_next, gamma, epsilon):
    return r + gamma * ((1 - epsilon) * max(q[s_next]) + epsilon * sum(q[s_next]) / len(q[s_next]))


def epsilon_greedy(values: list[float], epsilon: float, rng: Rng) -> int:
    """With probability ``epsilon`` a random action, else a best one (ties broken at random)."""
    if rng.random() < epsilon:
        return rng.randrange(len(values))
    best = max(values)
    return rng.choice([a for a, v in enumerate(values) if v == best])


@dataclass
class Episode:
    number: int
    reward: float  # the sum of rewards: the online return
    states: list[int] = field(default_factory=list)  # kept when asked for
    q: list[list[float]] = field(default_factory=list)  # Q after the episode, when asked for


class Learned(NamedTuple):
    """What a run of ``td_control`` learned (``q``) and went through (``episodes``); a tuple, so
    that ``q, episodes = td_control(...)`` unpacks it."""

    q: list[list[float]]  # the action values at the end, q[state][action]
    episodes: list[Episode]


def td_control(env, target: Target, episodes: int,
               alpha: float, epsilon: float, gamma: float,
               rng: Rng, keep: bool = False, update_first: bool = False) -> Learned:
    """Learn Q with ``target`` over ``episodes`` episodes of epsilon-greedy behaviour, from Q = 0.
    With ``keep``, every episode records its states and the action values after it. With
    ``update_first``, the next action is chosen after the update (Sutton & Barto's order for
    Q-learning), which a target that reads the next action, as SARSA's does, cannot allow."""
    whole(episodes, "episodes", least=1)
    if update_first and target is sarsa:
        raise ValueError("SARSA's target reads the next action: choose it before the update")
    if not (0.0 < alpha <= 1.0 and 0.0 <= epsilon <= 1.0 and 0.0 <= gamma <= 1.0):
        raise ValueError("need 0 < alpha <= 1 and epsilon, gamma in [0, 1]; "
                         f"got {alpha}, {epsilon}, {gamma}")
    q = [[0.0] * env.action_space.n for _ in range(env.observation_space.n)]
    history = []
    for number in range(1, episodes + 1):
        s, _ = env.reset()
        a = epsilon_greedy(q[s], epsilon, rng)
        record = Episode(number, 0.0, [s] if keep else [])
        done = False
        while not done:
            s_next, r, terminated, truncated, _ = env.step(a)
            a_next = None if update_first else epsilon_greedy(q[s_next], epsilon, rng)  # for SARSA
            # A terminal state's values are never updated: they stay 0 and any target may read them.
            q[s][a] += alpha * (target(q, r, s_next, a_next, gamma, epsilon) - q[s][a])
            if update_first:
                a_next = epsilon_greedy(q[s_next], epsilon, rng)
            record.reward += r
            if keep:
                record.states.append(s_next)
            s, a, done = s_next, a_next, terminated or truncated
        if keep:
            record.q = [row[:] for row in q]
        history.append(record)
    return Learned(q, history)
