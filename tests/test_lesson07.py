"""Lesson 07 end to end in the quick setting: the page shows the world model, imagination and the
agent."""

import inspect
import textwrap

import pytest

from policywerk.literate.cells import parse_file
from policywerk.literate.page import render

SOURCE = "https://code.example/a-fork/notes/blob/main"  # where the pages link the library's code


@pytest.fixture(scope="module")
def run(quick_build):
    return quick_build("l07_world_model")


def printed(record):
    return "".join(cell.stdout for cell in record.cells)


def test_the_gru_gradient_check_is_on_the_page(run):
    out = printed(run[2])
    line = next(x for x in out.splitlines() if x.startswith("dL/dW_c[1][3]"))
    analytic, numeric = (float(part.split()[-1]) for part in line.split(","))
    assert analytic == pytest.approx(numeric, abs=1e-7) and analytic != 0.0


def test_the_code_shown_is_the_library_code_as_highlighted_source_not_printed_output(run):
    from policywerk.agents.dreamer import behaviour_update
    from policywerk.agents.world_model import WorldModel

    record = run[2]
    sources = [item for cell in record.cells for item in cell.shown if item["kind"] == "source"]
    assert [item["path"] for item in sources] == ["src/policywerk/agents/world_model.py"] * 2 + [
        "src/policywerk/agents/dreamer.py"]
    shown = (WorldModel._forward, WorldModel._backward, behaviour_update)
    for item, function in zip(sources, shown):
        lines, first = inspect.getsourcelines(function)
        assert (item["first_line"], item["last_line"]) == (first, first + len(lines) - 1)
        assert item["markdown"] == textwrap.dedent("".join(lines)).rstrip("\n")
    assert "def _forward(" not in printed(record) and "def behaviour_update(" not in printed(record)


def test_page_has_the_animation_the_figures_the_tables_and_the_differences(run):
    info, _, record = run
    page = render(info, parse_file(info.path), record, assets="l07-world-model", source_url=SOURCE)
    assert page.startswith("# Lesson 07")
    for name in ("l07-reach.gif", "l07-world.png", "l07-model.png", "l07-dream.png",
                 "l07-horizon.png", "l07-learning.png"):
        assert f"(l07-world-model/{name})" in page
    assert "| Dreamer (2020) | here |" in page
    assert "| policy | reaches the target | mean return ± SE |" in page
    assert "random policy: the episodes that reach the target, " in page and "(SE, 20 episodes)" in page
    assert "## One training run, and two more" in page
    assert "| frame drawn by | nats per frame | pixels wrong per frame |" in page
