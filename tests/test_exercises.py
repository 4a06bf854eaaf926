"""The exercises' checker: each exercise passes with the library's function and fails with its stub and
with plausible wrong answers, each failure naming the case and the hint that applies; the notebook's
``check`` and the terminal's ``policywerk check`` say the same."""

import pytest

from policywerk.exercises import EXERCISES, check, find
from policywerk.exercises.spec import check as verdict_of
from policywerk.literate.cli import main
from policywerk.rl.bellman import q_value


def q_value_discounting_the_reward(mdp, values, state, action, gamma):
    return sum(t.probability * gamma * (t.reward + values[t.next_state]) for t in mdp.transitions(state, action))


def q_value_ignoring_slip(mdp, values, state, action, gamma):
    t = max(mdp.transitions(state, action), key=lambda t: t.probability)
    return t.reward + gamma * values[t.next_state]


def greedy_with_ties_to_the_last(mdp, values, gamma):
    """Right: ties may go to any of the tied actions."""
    policy = [0] * mdp.n_states
    for s in mdp.states:
        if not mdp.is_terminal(s):
            backups = [q_value(mdp, values, s, a, gamma) for a in range(mdp.n_actions)]
            policy[s] = max(a for a, q in enumerate(backups) if q >= max(backups) - 1e-12)
    return policy


def greedy_acting_in_the_walls(mdp, values, gamma):
    policy = [1] * mdp.n_states
    for s in mdp.states:
        if not mdp.is_terminal(s):
            backups = [q_value(mdp, values, s, a, gamma) for a in range(mdp.n_actions)]
            policy[s] = backups.index(max(backups))
    return policy


def greedy_by_the_intended_cells_value(mdp, values, gamma):
    """Heads for the best-valued neighbour, as if no move slipped and no step paid a reward."""
    policy = [0] * mdp.n_states
    for s in mdp.states:
        if not mdp.is_terminal(s):
            ahead = [values[mdp.move(s, a)] for a in range(mdp.n_actions)]
            policy[s] = ahead.index(max(ahead))
    return policy


def sarsa_target(q, r, s_next, a_next, gamma, epsilon):
    return r + gamma * q[s_next][a_next]


def expected_sarsa_leaving_the_greedy_action_out_of_exploring(q, r, s_next, a_next, gamma, epsilon):
    row = q[s_next]
    return r + gamma * ((1 - epsilon) * max(row) + epsilon * (sum(row) - max(row)) / (len(row) - 1))


def expected_sarsa_sorting_in_place(q, r, s_next, a_next, gamma, epsilon):
    row = q[s_next]
    row.sort()
    return r + gamma * ((1 - epsilon) * row[-1] + epsilon * sum(row) / len(row))


def td0_updating_after_the_walk(values, episode, alpha):
    errors = [r + values[s_next] - values[s] for s, r, s_next in episode]
    for (s, _, _), delta in zip(episode, errors):
        values[s] += alpha * delta
    return errors


def td0_returning_nothing(values, episode, alpha):
    for s, r, s_next in episode:
        values[s] += alpha * (r + values[s_next] - values[s])


def lambda_returns_forgetting_the_bootstrap_weight(values, episode, lam):
    out, g = [], 0.0
    for _, r, s_next in reversed(episode):
        g = r + values[s_next] + lam * g
        out.append(g)
    return out[::-1]


def huber_with_delta_one(prediction, target, delta):
    e = prediction - target
    return (0.5 * e * e, e) if abs(e) <= 1 else (abs(e) - 0.5, 1.0 if e > 0 else -1.0)


def huber_unclipped_gradient(prediction, target, delta):
    e = prediction - target
    return (0.5 * e * e if abs(e) <= delta else delta * (abs(e) - 0.5 * delta)), e


def gae_ignoring_ends(rewards, values, next_values, ends, gamma, lam):
    out, running = [0.0] * len(rewards), 0.0
    for t in reversed(range(len(rewards))):
        running = rewards[t] + gamma * next_values[t] - values[t] + gamma * lam * running
        out[t] = running
    return out


def gae_bootstrapping_from_the_next_entry(rewards, values, next_values, ends, gamma, lam):
    out, running = [0.0] * len(rewards), 0.0
    for t in reversed(range(len(rewards))):
        following = values[t + 1] if t + 1 < len(values) else next_values[t]
        delta = rewards[t] + gamma * following - values[t]
        running = delta if ends[t] else delta + gamma * lam * running
        out[t] = running
    return out


def kl_the_wrong_way_round(mu_q, log_std_q, mu_p, log_std_p):
    from policywerk.nn.distributions import gaussian_kl
    return gaussian_kl(mu_p, log_std_p, mu_q, log_std_q)[0]


def kl_with_std_for_variance(mu_q, log_std_q, mu_p, log_std_p):
    import math
    return sum(lp - lq + (math.exp(lq) + (mq - mp) ** 2) / (2 * math.exp(lp)) - 0.5
               for mq, lq, mp, lp in zip(mu_q, log_std_q, mu_p, log_std_p))


def imagined_returns_starting_from_zero(rewards, values, gamma, lam):
    out, following = [0.0] * len(rewards), 0.0
    for k in reversed(range(len(rewards))):
        following = rewards[k] + gamma * ((1 - lam) * values[k + 1] + lam * following)
        out[k] = following
    return out


def reinforcement_bootstrapping_after_a_failure(v, r, box, next_box, gamma):
    return r + gamma * v[box if next_box is None else next_box] - v[box]


def clip_gradient_clipping_both_sides(ratio, advantage, clip):
    if clip is not None and not 1 - clip <= ratio <= 1 + clip:
        return 0.0
    return advantage


def dqn_target_without_the_end_of_the_game(reward, next_q, terminal, gamma):
    return reward + gamma * max(next_q)


def dqn_target_from_the_largest_size(reward, next_q, terminal, gamma):
    return reward if terminal else reward + gamma * max(next_q, key=abs)


def epsilon_greedy_with_ties_to_the_first(values, epsilon, rng):
    if rng.random() < epsilon:
        return rng.randrange(len(values))
    return values.index(max(values))


def epsilon_greedy_exploring_only_the_others(values, epsilon, rng):
    best = [a for a, v in enumerate(values) if v == max(values)]
    if rng.random() < epsilon:
        return rng.choice([a for a in range(len(values)) if a not in best])
    return rng.choice(best)


def actor_learning_before_the_push_is_marked(w, e, box, y, r_hat, alpha, delta):
    for i in range(len(w)):
        w[i] += alpha * r_hat * e[i]
        e[i] *= delta
    e[box] += (1 - delta) * y


def actor_crediting_only_the_current_box(w, e, box, y, r_hat, alpha, delta):
    e[box] += (1 - delta) * y
    w[box] += alpha * r_hat * e[box]
    for i in range(len(e)):
        e[i] *= delta


# Each exercise with wrong answers a reader might write, and the start of the case each must fail on.
WRONG = {
    "l01.q_value": [(q_value_discounting_the_reward, "case 5 (no slip, all values 0"),
                    (q_value_ignoring_slip, "case 1 (the lesson's grid")],
    "l01.greedy_policy": [(greedy_acting_in_the_walls, "case 1 (the lesson's grid"),
                          (greedy_by_the_intended_cells_value, "case 1 (the lesson's grid")],
    "l04.expected_sarsa": [(sarsa_target, "case 1 (one greedy action"),
                           (expected_sarsa_leaving_the_greedy_action_out_of_exploring, "case 1 (one greedy action"),
                           (expected_sarsa_sorting_in_place, "case 1 (one greedy action")],
    "l03.td0": [(td0_updating_after_the_walk, "case 3 (random walk 1"),
                (td0_returning_nothing, "case 1 (the lesson's start")],
    "l03.lambda_returns": [(lambda_returns_forgetting_the_bootstrap_weight, "case 1 (λ = 1")],
    "l05.huber": [(huber_with_delta_one, "case 5 (δ = 2"), (huber_unclipped_gradient, "case 2 (a large error")],
    "l06.gae": [(gae_ignoring_ends, "case 2 (two stretches"),
                (gae_bootstrapping_from_the_next_entry, "case 3 (an episode that terminates after one step")],
    "l07.gaussian_kl": [(kl_the_wrong_way_round, "case 3 (q = N(0, 1)"),
                        (kl_with_std_for_variance, "case 3 (q = N(0, 1)")],
    "l07.lambda_returns": [(imagined_returns_starting_from_zero, "case 2 (no reward")],
    "l04.epsilon_greedy": [(epsilon_greedy_with_ties_to_the_first, "case 2 (ε = 0 and a tie"),
                           (epsilon_greedy_exploring_only_the_others, "case 3 (ε = 1")],
    "l05.dqn_target": [(dqn_target_without_the_end_of_the_game, "case 2 (the ball lost"),
                       (dqn_target_from_the_largest_size, "case 3 (all next values negative")],
    "l02.actor_step": [(actor_learning_before_the_push_is_marked, "case 1 (the first step"),
                       (actor_crediting_only_the_current_box, "case 2 (an older trace")],
    "l02.internal_reinforcement": [(reinforcement_bootstrapping_after_a_failure, "case 2 (the pole fell")],
    "l06.clipped_objective_grad": [(clip_gradient_clipping_both_sides, "case 3 (past 1 + ε but")],
}


def test_every_exercise_has_wrong_answers_here():
    assert sorted(WRONG) == sorted(EXERCISES)


@pytest.mark.parametrize("key", sorted(EXERCISES))
def test_the_librarys_own_function_is_right(key):
    exercise = find(key)
    verdict = verdict_of(exercise, exercise.reference)
    assert verdict.ok and (verdict.cases >= 20 or exercise.counts), verdict.message
    shown = exercise.shown or exercise.reference
    assert f"def {shown.__name__}(" in verdict.message  # the library's code, shown to a right answer


@pytest.mark.parametrize("key", sorted(EXERCISES))
def test_the_stub_to_start_from_is_not_yet_right(key):
    exercise = find(key)
    namespace = {}
    exec(exercise.stub, namespace)
    verdict = verdict_of(exercise, namespace[exercise.name])
    assert not verdict.ok and "not written yet" in verdict.message
    assert exercise.hints and exercise.statement and exercise.level in ("warm-up", "core", "hard")


@pytest.mark.parametrize(("key", "wrong", "case"), [(k, w, c) for k, pairs in WRONG.items() for w, c in pairs],
                         ids=lambda x: getattr(x, "__name__", str(x))[:40])
def test_a_plausible_wrong_answer_is_told_the_first_case_it_fails(key, wrong, case):
    verdict = verdict_of(find(key), wrong)
    assert not verdict.ok
    assert verdict.message.startswith(f"Not yet: {case}"), verdict.message
    assert "input:" in verdict.message and "Hint" in verdict.message


@pytest.mark.parametrize("key", sorted(EXERCISES))
def test_statements_and_hints_are_plain_text_without_control_characters(key):
    """A lost backslash turns \\varepsilon into a vertical tab and \\nabla into a line break."""
    exercise = find(key)
    for text in (exercise.statement, *exercise.hints):
        assert not any(ord(c) < 32 for c in text), (key, text)


def test_a_tie_may_go_to_any_of_the_tied_actions():
    """Rounding can split an exact tie in the last bit, so the library's choice is not the only right one."""
    assert verdict_of(find("l01.greedy_policy"), greedy_with_ties_to_the_last).ok


def test_a_function_that_exits_is_not_right(tmp_path, capsys):
    (tmp_path / "a.py").write_text("import sys\ndef huber(p, t, d):\n    sys.exit(0)\n")
    assert main(["check", "l05.huber", str(tmp_path / "a.py")]) == 1
    assert "it raised SystemExit: 0" in capsys.readouterr().out
    (tmp_path / "b.py").write_text("import sys\nsys.exit(0)\n")
    assert main(["check", "l05.huber", str(tmp_path / "b.py")]) == 2
    assert "raised SystemExit" in capsys.readouterr().err


def test_changing_the_arguments_is_a_failure_of_its_own():
    verdict = verdict_of(find("l04.expected_sarsa"), expected_sarsa_sorting_in_place)
    assert "changed its arguments" in verdict.message


def test_an_error_in_the_answer_is_reported_as_a_failed_case():
    def broken(q, r, s_next, a_next, gamma, epsilon):
        return r + gamma * max(q[s_next + 100])

    verdict = verdict_of(find("l04.expected_sarsa"), broken)
    assert not verdict.ok and "it raised IndexError: list index out of range" in verdict.message


def test_in_a_notebook_check_prints_the_verdict_and_says_whether_it_is_right(capsys):
    assert check("l04.expected_sarsa", find("l04.expected_sarsa").reference) is True
    assert capsys.readouterr().out.startswith("Right: expected_sarsa agrees with the library")
    assert check("l04.expected_sarsa", sarsa_target) is False
    assert capsys.readouterr().out.startswith("Not yet: case 1")
    with pytest.raises(KeyError, match="no exercise 'l04.sarsa'; there are: l01.q_value"):
        check("l04.sarsa", sarsa_target)


ANSWER = """def expected_sarsa(q, r, s_next, a_next, gamma, epsilon):
    row = q[s_next]
    return r + gamma * ((1 - epsilon) * max(row) + epsilon * sum(row) / len(row))
"""


@pytest.mark.parametrize(("text", "code", "said"), [
    (ANSWER, 0, "Right: expected_sarsa agrees"),
    (ANSWER.replace("max(row)", "min(row)"), 1, "Not yet: case 1"),
    ("def expected_sarsa(:\n", 2, "answer.py has a syntax error on line 1"),
    ("raise SystemError('no')\n", 2, "answer.py raised SystemError: no while it was loaded"),
    ("def sarsa(q, r, s, a, g, e):\n    return r\n", 2, "answer.py defines no function expected_sarsa"),
])
def test_the_terminal_checks_a_file_and_exits_0_1_or_2(tmp_path, monkeypatch, capsys, text, code, said):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "answer.py").write_text(text)
    assert main(["check", "l04.expected_sarsa", "answer.py"]) == code
    out, err = capsys.readouterr()
    assert said in (out if code < 2 else err)
    if code == 2:
        assert err.count("\n") == 1 and not out  # one clear line


def test_the_terminal_refuses_an_unknown_exercise_or_a_missing_file(tmp_path, capsys):
    assert main(["check", "l09.nothing", str(tmp_path / "a.py")]) == 2
    assert "no exercise 'l09.nothing'" in capsys.readouterr().err
    assert main(["check", "l04.expected_sarsa", str(tmp_path / "a.py")]) == 2
    assert f"no file {tmp_path / 'a.py'}" in capsys.readouterr().err


def test_the_terminal_lists_every_exercise(capsys):
    assert main(["exercises"]) == 0
    out = capsys.readouterr().out
    assert all(key in out for key in EXERCISES) and "policywerk check" in out


@pytest.mark.parametrize("module", ["l01_bellman", "l02_actor_critic", "l03_td_learning", "l04_q_learning",
                                    "l05_dqn", "l06_ppo", "l07_world_model"])
def test_every_lesson_page_ends_with_its_exercises_and_the_notebook_checks_them(module):
    import json

    from policywerk.exercises import of_lesson
    from policywerk.lessons import find
    from policywerk.literate.cells import parse_file
    from policywerk.literate.exercise_page import anchor, notebook_cells, section
    from policywerk.literate.notebook import to_notebook

    exercises = of_lesson(module)
    assert exercises, f"{module} has no exercise"
    site, plain = section(module), section(module, plain=True)
    for exercise in exercises:
        assert f"{{ #{anchor(exercise)} }}" in site and f'data-key="{exercise.key}"' in site
        assert site.count('??? tip "Hint') >= len(exercises) and '??? success "The library\'s answer"' in site
        assert f"policywerk check {exercise.key} answer.py" in plain and "<details><summary>Hint 1" in plain
        assert "pw-exercise" not in plain
    cells = parse_file(find(module).path)
    extra = notebook_cells(module, len(cells) + 1)
    notebook = json.loads(to_notebook(cells + extra))
    sources = ["".join(c["source"]) for c in notebook["cells"]]
    for exercise in exercises:
        stub = sources.index(exercise.stub.rstrip("\n"))
        assert sources[stub + 1].endswith(f'check("{exercise.key}", {exercise.name})')
    assert len({c["id"] for c in notebook["cells"]}) == len(notebook["cells"])  # ids stay unique


def test_the_editors_text_is_checked_as_the_terminal_checks_a_file(capsys):
    import policywerk.exercises as exercises
    from policywerk.exercises import check_source

    assert check_source("l04.expected_sarsa", ANSWER) is True and exercises.LAST == "right"
    assert capsys.readouterr().out.startswith("Right:")
    assert check_source("l04.expected_sarsa", "def expected_sarsa(:\n") is False
    err = capsys.readouterr().err
    assert 'File "<your code>", line 1' in err and "SyntaxError" in err and exercises.LAST == "error"
    assert check_source("l04.expected_sarsa", "def sarsa():\n    pass\n") is False
    assert "defines no function expected_sarsa" in capsys.readouterr().err
