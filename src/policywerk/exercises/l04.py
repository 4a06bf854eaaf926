"""Lesson 04's exercises: the Expected SARSA target."""

from policywerk.agents.td_control import expected_sarsa
from policywerk.exercises.spec import Case, Exercise
from policywerk.math.random import Rng


def _target_cases():
    row = [-1.0, -2.0, -3.0, -4.0]
    yield Case(([[0.0] * 4, row], -1.0, 1, 3, 1.0, 0.1), "one greedy action worth -1 among four: "
               "-1 + 0.9 (-1) + 0.1 (-2.5) = -2.15", hint=1)
    yield Case(([[0.0] * 4, row], -1.0, 1, 3, 1.0, 0.0), "epsilon 0: Q-learning's target", hint=2)
    yield Case(([[0.0] * 4, [0.0] * 4], -100.0, 1, 0, 1.0, 0.1), "a terminal next state, all of whose "
               "values are 0: only the reward is left", hint=3)
    rng = Rng(4)
    for k in range(40):
        q = [[round(rng.uniform(-20, 0), 3) for _ in range(4)] for _ in range(6)]
        yield Case((q, -1.0, rng.randrange(6), rng.randrange(4), round(rng.uniform(0.5, 1), 2),
                    round(rng.uniform(0, 0.5), 2)), f"random case {k + 1}", hint=1)


EXPECTED_SARSA = Exercise(
    key="l04.expected_sarsa",
    title="The Expected SARSA target",
    level="core",
    statement=(
        "Write `expected_sarsa(q, r, s_next, a_next, gamma, epsilon)`: the target "
        "$r + \\gamma \\sum_a \\pi(a \\mid s') Q(s', a)$, where $\\pi$ is the epsilon-greedy policy: "
        "with probability $\\varepsilon$ an action at random, else a greedy one. `q[s][a]` is the "
        "table of action values; `a_next`, the action the agent will take, is SARSA's and is not "
        "needed here. The signature is the one all three methods share, so `td_control` can learn "
        "with yours."),
    stub=('def expected_sarsa(q, r, s_next, a_next, gamma, epsilon):\n'
          '    """r plus gamma times the value of s_next expected under the epsilon-greedy policy."""\n'
          '    raise NotImplementedError\n'),
    hints=("Every action gets ε / (number of actions) from exploring, and the greedy one gets 1 − ε "
           "more: the expectation is (1 − ε) max(q[s_next]) + ε mean(q[s_next]).",
           "With ε = 0 the policy is greedy and the target is Q-learning's, r + γ max(q[s_next]); "
           "`q[s_next][a_next]` would be SARSA's.",
           "A terminal state's values are all 0, so no special case is needed: the target is the "
           "reward."),
    reference=expected_sarsa,
    cases=_target_cases,
    tolerance=1e-12,
)

EXERCISES = (EXPECTED_SARSA,)
