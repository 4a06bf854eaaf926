"""Lesson 03 end to end in the quick setting: the reproductions run, assert their claims, and draw."""

import pytest

from policywerk.literate.cells import parse_file
from policywerk.literate.page import render

SOURCE = "https://code.example/a-fork/notes/blob/main"  # where the pages link the library's code


@pytest.fixture(scope="module")
def run(quick_build):
    return quick_build("l03_td_learning")


def test_printed_results_back_the_story(run):
    _, _, record = run
    printed = "".join(cell.stdout for cell in record.cells)
    assert "V(A) = 0.1667" in printed and "V(E) = 0.8333" in printed
    assert "largest difference between the two views" in printed
    assert "never falls by more than 0.001 from one λ to the next: True" in printed
    assert "the best Monte Carlo minus the best TD(0), run by run: 0.051 ± 0.003 (SE, 100 runs)" in printed
    assert "batch MC minus batch TD(0), run by run, over walks 2 to 100:" in printed
    assert "every training set visits every state: True" in printed


def test_page_has_the_reproductions(run):
    info, _, record = run
    page = render(info, parse_file(info.path), record, assets="l03-td-learning", source_url=SOURCE)
    assert page.startswith("# Lesson 03")
    for name in ("l03-random-walk.gif", "l03-td-vs-mc.png", "l03-batch.png", "l03-experiment-1.png",
                 "l03-experiment-2-alpha.png", "l03-experiment-2-lambda.png"):
        assert f"(l03-td-learning/{name})" in page
    assert "Example 6.2" in page and "Example 6.3" in page
    assert "| method | after 0 | after 1 | after 10 | after 25 | after 50 | after 100 ± SE |" in page
    assert "## How this page differs from the paper and the book" in page
