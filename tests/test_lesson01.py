"""Lesson 01 end to end in the quick setting: it runs, asserts its story, and draws what the page needs."""

import hashlib

import pytest

from policywerk.lessons import find
from policywerk.literate.cells import parse_file
from policywerk.literate.page import render
from policywerk.literate.runner import build, output_dir


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    info = find("l01_bellman")
    return info, root, build(info, "quick", root)


def test_lesson_shows_animation_poster_figures_and_tables(run):
    info, root, record = run
    kinds = [item["kind"] for cell in record.cells for item in cell.shown]
    assert kinds.count("animation") == 1 and kinds.count("poster") == 1
    assert kinds.count("table") == 3 and kinds.count("image") == 2
    folder = output_dir(root, "quick", info)
    gif = folder / "l01-value-iteration.gif"
    assert gif.read_bytes()[:6] == b"GIF89a"
    assert gif.stat().st_size < 500_000


def test_story_numbers_are_printed(run):
    _, _, record = run
    printed = "".join(cell.stdout for cell in record.cells)
    assert "same policy from both methods: True" in printed
    assert "Bellman residual of the final values" in printed


def test_page_has_prose_math_code_outputs_and_media(run):
    info, _, record = run
    page = render(info, parse_file(info.path), record, assets="l01-bellman")
    assert "# Lesson 01" in page and "$$" in page
    assert "```python" in page and 'title="Output"' in page
    assert "(l01-bellman/l01-value-iteration.gif){ .pw-animation" in page
    assert "(l01-bellman/l01-value-iteration-poster.png){ .pw-poster" in page
    assert "| sweep | largest change |" in page


def test_same_seed_same_bytes(run, tmp_path):
    info, root, first = run
    second = build(info, "quick", tmp_path, force=True)

    def digests(base):
        folder = output_dir(base, "quick", info)
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}

    assert first.key == second.key
    assert digests(root) == digests(tmp_path)


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
