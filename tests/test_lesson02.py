"""Lesson 02 end to end in the quick setting: it learns, asserts its story, and draws what the page needs."""

import hashlib

import pytest

from policywerk.lessons import find
from policywerk.literate.cells import parse_file
from policywerk.literate.page import render
from policywerk.literate.runner import build, output_dir


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    info = find("l02_actor_critic")
    return info, root, build(info, "quick", root)


def test_lesson_shows_its_animation_figures_and_tables(run):
    info, root, record = run
    kinds = [item["kind"] for cell in record.cells for item in cell.shown]
    assert kinds.count("animation") == 1 and kinds.count("poster") == 1
    assert kinds.count("image") == 2 and kinds.count("table") == 2
    gif = output_dir(root, "quick", info) / "l02-balancing.gif"
    assert gif.read_bytes()[:6] == b"GIF89a"


def test_the_story_is_printed_from_the_run(run):
    _, _, record = run
    printed = "".join(cell.stdout for cell in record.cells)
    assert "seeds balanced for 1,000 steps within 50 trials" in printed
    assert "actor alone: 0 of 3 seeds balanced" in printed
    assert "critic's mean prediction where the pole is over and swinging outwards" in printed


def test_page_has_math_code_outputs_and_media(run):
    info, _, record = run
    page = render(info, parse_file(info.path), record, assets="l02-actor-critic")
    assert page.startswith("# Lesson 02") and r"\hat r(t) = r(t) + \gamma\,p(t) - p(t-1)" in page
    assert "(l02-actor-critic/l02-balancing.gif){ .pw-animation" in page
    assert "(l02-actor-critic/l02-learning-curves.png){ .pw-figure" in page
    assert "| seed | trials to 10,000 steps |" in page


def test_same_seed_same_bytes(run, tmp_path):
    info, root, first = run
    second = build(info, "quick", tmp_path, force=True)

    def digests(base):
        folder = output_dir(base, "quick", info)
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}

    assert first.key == second.key
    assert digests(root) == digests(tmp_path)
