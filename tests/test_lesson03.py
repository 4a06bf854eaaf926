"""Lesson 03 end to end in the quick setting: the reproductions run, assert their claims, and draw."""

import pytest

from policywerk.lessons import find
from policywerk.literate.cells import parse_file
from policywerk.literate.page import render
from policywerk.literate.runner import build, output_dir


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    info = find("l03_td_learning")
    return info, root, build(info, "quick", root)


def test_lesson_shows_animation_five_figures_and_its_tables(run):
    info, root, record = run
    kinds = [item["kind"] for cell in record.cells for item in cell.shown]
    assert kinds.count("animation") == 1 and kinds.count("poster") == 1
    assert kinds.count("image") == 5 and kinds.count("table") == 5
    assert (output_dir(root, "quick", info) / "l03-random-walk.gif").read_bytes()[:6] == b"GIF89a"


def test_printed_results_back_the_story(run):
    _, _, record = run
    printed = "".join(cell.stdout for cell in record.cells)
    assert "V(A) = 0.1667" in printed and "V(E) = 0.8333" in printed
    assert "largest difference between the two views" in printed
    assert "never falls by more than 0.001: True" in printed


def test_page_has_the_reproductions(run):
    info, _, record = run
    page = render(info, parse_file(info.path), record, assets="l03-td-learning")
    assert page.startswith("# Lesson 03")
    for name in ("l03-random-walk.gif", "l03-td-vs-mc.png", "l03-batch.png", "l03-experiment-1.png",
                 "l03-experiment-2-alpha.png", "l03-experiment-2-lambda.png"):
        assert f"(l03-td-learning/{name})" in page
    assert "Example 6.2" in page and "Example 6.3" in page
