"""Lesson 05 end to end in the quick setting: DQN learns the pixel game and beats its ablation."""

import inspect
import textwrap

import pytest

from policywerk.literate.cells import parse_file
from policywerk.literate.page import render

SOURCE = "https://code.example/a-fork/notes/blob/main"  # where the pages link the library's code


@pytest.fixture(scope="module")
def run(quick_build):
    return quick_build("l05_dqn")


def test_the_scores_are_printed_from_the_run(run):
    _, _, record = run
    printed = "".join(cell.stdout for cell in record.cells)
    assert "random keys, mean score: 1.60 ± 0.10 (SE, 100 games)" in printed
    assert "seed 0: greedy DQN 4.95 ± 0.91 (SE, 20 games), 3.1x random keys" in printed
    assert "environment steps and" in printed
    assert "DQN minus the ablation, seed by seed: 3.40 (a single seed: no standard error)" in printed


def test_the_update_shown_is_the_code_that_runs(run):
    from policywerk.agents.dqn import update

    sources = [item for cell in run[2].cells for item in cell.shown if item["kind"] == "source"]
    assert [item["path"] for item in sources] == ["src/policywerk/agents/dqn.py"]
    assert sources[0]["markdown"] == textwrap.dedent(inspect.getsource(update)).rstrip("\n")


def test_page_has_the_game_the_curves_and_the_comparison(run):
    info, _, record = run
    page = render(info, parse_file(info.path), record, assets="l05-dqn", source_url=SOURCE)
    assert page.startswith("# Lesson 05")
    for name in ("l05-breakout.gif", "l05-learning.png"):
        assert f"(l05-dqn/{name})" in page
    assert "| the papers (2015) | here |" in page
    assert "| ε falls from 1 to 0.1 over | 1,000,000 | 2.0% | 3,000 | 30.0% |" in page
    assert "def update(net" in page
