"""Lesson 01 end to end in the quick setting: it runs, asserts its story, and draws what the page needs."""


import pytest

from policywerk.lessons import find
from policywerk.literate.cells import parse_file
from policywerk.literate.page import render
from policywerk.literate.runner import build, output_dir

SOURCE = "https://code.example/a-fork/notes/blob/main"  # where the pages link the library's code


@pytest.fixture(scope="module")
def run(quick_build):
    return quick_build("l01_bellman")


def test_story_numbers_are_printed(run):
    _, _, record = run
    printed = "".join(cell.stdout for cell in record.cells)
    assert "same policy from both methods: True" in printed
    assert "Bellman residual of the final values" in printed


def test_page_has_prose_math_code_outputs_and_media(run):
    info, _, record = run
    page = render(info, parse_file(info.path), record, assets="l01-bellman", source_url=SOURCE)
    assert "# Lesson 01" in page and "$$" in page
    assert "```python" in page and 'title="Output"' in page
    assert ('(l01-bellman/l01-value-iteration.gif){ #pw-l01-value-iteration .pw-animation '
            'data-pw-frames="l01-value-iteration.json"') in page
    assert '<a class="pw-frame-link" href="#pw-l01-value-iteration" data-pw-frame="8"' in page  # sweep 8, frame 8
    assert "(l01-bellman/l01-value-iteration-poster.png){ .pw-poster" in page
    assert "| sweep | largest change |" in page


def test_full_setting_gif_is_small_and_the_committed_poster_is_current(tmp_path):
    # Lesson 01 is cheap enough (a few seconds) to check in its full, published setting.
    from pathlib import Path

    info = find("l01_bellman")
    build(info, "full", tmp_path)
    folder = output_dir(tmp_path, "full", info)
    assert (folder / "l01-value-iteration.gif").stat().st_size < 500_000
    committed = Path(__file__).resolve().parents[1] / "docs" / "assets" / "posters" / "l01-bellman.png"
    assert committed.read_bytes() == (folder / "l01-value-iteration-poster.png").read_bytes(), (
        "docs/assets/posters/l01-bellman.png is out of date: run `make lessons` and commit it")
