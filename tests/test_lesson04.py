"""Lesson 04 end to end in the quick setting: the cliff results, the one-line diff and the pictures."""

import pytest

from policywerk.literate.cells import parse_file
from policywerk.literate.page import render

SOURCE = "https://code.example/a-fork/notes/blob/main"  # where the pages link the library's code


@pytest.fixture(scope="module")
def run(quick_build):
    return quick_build("l04_q_learning")


def test_the_diff_on_the_page_is_one_line(run):
    _, _, record = run
    printed = "".join(cell.stdout for cell in record.cells)
    assert "-    return r + gamma * q[s_next][a_next]\n+    return r + gamma * max(q[s_next])" in printed
    assert "runs whose Q-learning greedy path is the 13-step edge: 30 of 30 (89% to 100%, 95% interval)" in printed
    assert "SARSA minus Q-learning, run by run:  21.2 ± 1.4 (SE, 30 runs)" in printed
    assert "  minus this page's order, run by run:         -0.1 ± 0.4 (SE, 30 runs)" in printed


def test_page_has_the_results(run):
    info, _, record = run
    page = render(info, parse_file(info.path), record, assets="l04-q-learning", source_url=SOURCE)
    assert page.startswith("# Lesson 04")
    for name in ("l04-cliff.gif", "l04-rewards.png", "l04-paths.png"):
        assert f"(l04-q-learning/{name})" in page
    assert "| episodes | Q-learning | SARSA | Expected SARSA |" in page
