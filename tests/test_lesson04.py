"""Lesson 04 end to end in the quick setting: the cliff results, the one-line diff and the pictures."""

import pytest

from policywerk.lessons import find
from policywerk.literate.cells import parse_file
from policywerk.literate.page import render
from policywerk.literate.runner import build, output_dir


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    info = find("l04_q_learning")
    return info, root, build(info, "quick", root)


def test_lesson_shows_animation_figures_and_tables(run):
    info, root, record = run
    kinds = [item["kind"] for cell in record.cells for item in cell.shown]
    assert kinds.count("animation") == 1 and kinds.count("poster") == 1
    assert kinds.count("image") == 2 and kinds.count("table") == 2
    assert (output_dir(root, "quick", info) / "l04-cliff.gif").read_bytes()[:6] == b"GIF89a"


def test_the_diff_on_the_page_is_one_line(run):
    _, _, record = run
    printed = "".join(cell.stdout for cell in record.cells)
    assert "-    return r + gamma * q[s_next][a_next]\n+    return r + gamma * max(q[s_next])" in printed
    assert "Q-learning's greedy path is the 13-step edge in 20 of 20 runs" in printed


def test_page_has_the_results(run):
    info, _, record = run
    page = render(info, parse_file(info.path), record, assets="l04-q-learning")
    assert page.startswith("# Lesson 04")
    for name in ("l04-cliff.gif", "l04-rewards.png", "l04-paths.png"):
        assert f"(l04-q-learning/{name})" in page
    assert "| episodes | Q-learning | SARSA | Expected SARSA |" in page
