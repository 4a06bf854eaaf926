"""Lesson 06 end to end in the quick setting: PPO learns, the page shows its pictures and derivations."""

import inspect
import textwrap

import pytest

from policywerk.literate.cells import parse_file
from policywerk.literate.page import render

SOURCE = "https://code.example/a-fork/notes/blob/main"  # where the pages link the library's code


@pytest.fixture(scope="module")
def run(quick_build):
    return quick_build("l06_ppo")


def printed(record):
    return "".join(cell.stdout for cell in record.cells)


def test_the_derivations_are_checked_on_the_page(run):
    out = printed(run[2])
    assert "d/dmu: formula +1.406250   finite difference +1.406250" in out
    assert "A = +1: gradient in rho at rho = 0.5, 0.9, 1.0, 1.1, 1.5: 1 1 1 1 0" in out
    assert "A = -1: gradient in rho at rho = 0.5, 0.9, 1.0, 1.1, 1.5: 0 -1 -1 -1 -1" in out
    assert "lambda =  0.0: advantages +0.3500 -0.0500 -0.5000" in out


def test_the_update_shown_is_the_code_that_runs(run):
    from policywerk.agents.ppo import update

    sources = [item for cell in run[2].cells for item in cell.shown if item["kind"] == "source"]
    assert [item["path"] for item in sources] == ["src/policywerk/agents/ppo.py"]
    assert sources[0]["markdown"] == textwrap.dedent(inspect.getsource(update)).rstrip("\n")
    assert "def update(" not in printed(run[2])  # shown as source, not printed as output


def test_page_has_the_animation_the_figures_and_the_differences(run):
    info, _, record = run
    page = render(info, parse_file(info.path), record, assets="l06-ppo", source_url=SOURCE)
    assert page.startswith("# Lesson 06")
    for name in ("l06-cartpole.gif", "l06-objective.png", "l06-learning.png"):
        assert f"(l06-ppo/{name})" in page
    assert "| the paper (MuJoCo tasks) | here |" in page
    assert "policies that balanced every evaluation episode: PPO 0 of 1 (0% to 79%, 95% interval)" in page
    assert "no clip minus PPO, seed by seed, in percentage points:" in page
    assert "def update(policy" in page
