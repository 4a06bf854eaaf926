"""Lesson 02 end to end in the quick setting: it learns, asserts its story, and draws what the page needs."""


import pytest

from policywerk.literate.cells import parse_file
from policywerk.literate.page import render

SOURCE = "https://code.example/a-fork/notes/blob/main"  # where the pages link the library's code


@pytest.fixture(scope="module")
def run(quick_build):
    return quick_build("l02_actor_critic")


def test_the_story_is_printed_from_the_run(run):
    _, _, record = run
    printed = "".join(cell.stdout for cell in record.cells)
    assert "seeds that balanced with the critic: 18 of 30 (42% to 75%, 95% interval)" in printed
    assert "seeds that balanced without it:     1 of 30 (1% to 17%, 95% interval)" in printed
    assert "critic's mean prediction where the pole is over and swinging outwards" in printed
    assert "actors that push right under a pole falling right: 17 of 18" in printed


def test_page_has_math_code_outputs_and_media(run):
    info, _, record = run
    page = render(info, parse_file(info.path), record, assets="l02-actor-critic", source_url=SOURCE)
    assert page.startswith("# Lesson 02") and r"\hat r(t) = r(t) + \gamma\,p(t) - p(t-1)" in page
    assert ('(l02-actor-critic/l02-balancing.gif){ #pw-l02-balancing .pw-animation '
            'data-pw-frames="l02-balancing.json"') in page
    assert "(l02-actor-critic/l02-learning-curves.png){ .pw-figure" in page
    assert "| learner | seeds that balanced 1,000 steps | median longest trial |" in page
    assert "| trial that balanced | seeds |" in page
    assert "## How this page differs from the paper, and from pole.c" in page
