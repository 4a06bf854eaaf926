"""Every written lesson, built in the quick setting: it shows what its page needs, and a second cold
build, by the command the site uses, gives the same bytes (the same seed, the same run, the same files,
the same page, the same manifest)."""

import functools
import hashlib
from pathlib import Path

import pytest

from policywerk.lessons import available
from policywerk.literate import publish
from policywerk.literate.cells import parse_file
from policywerk.literate.page import render
from policywerk.literate.runner import load_record, output_dir

SOURCE = "https://code.example/a-fork/notes/blob/main"  # where the pages link the library's code

ROOT = Path(__file__).resolve().parents[1]


def digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("info", available(), ids=lambda info: info.slug)
def test_a_second_cold_build_gives_the_same_bytes_and_the_same_page(quick_build, second_build, info):
    _, root, first = quick_build(info.module)
    again = second_build.root()
    second = load_record(output_dir(again, "quick", info))
    assert second is not None and first.key == second.key
    assert digests(output_dir(root, "quick", info)) == digests(output_dir(again, "quick", info))
    cells = parse_file(info.path)
    page = functools.partial(render, info, cells, assets=info.slug, source_url=SOURCE)
    assert page(first) == page(second)


def test_the_manifests_of_two_cold_builds_are_the_same(quick_build, second_build):
    root = {quick_build(info.module)[1] for info in available()}.pop()
    first = publish.manifest(root, "quick")
    assert sorted(first["lessons"]) == sorted(info.module for info in available())
    again = second_build.root()
    assert (root / "quick" / "manifest.json").read_bytes() == (again / "quick" / "manifest.json").read_bytes()


# What each lesson shows: (animations, figures, tables, pictures its try-it cell draws as SVG). The
# animation also has its poster; the figures count the SVG pictures too.
SHOWS = {"l01_bellman": (1, 4, 4, 2), "l02_actor_critic": (1, 3, 5, 1), "l03_td_learning": (1, 7, 7, 2),
         "l04_q_learning": (1, 4, 4, 2), "l05_dqn": (1, 2, 6, 1), "l06_ppo": (1, 4, 4, 2),
         "l07_world_model": (1, 6, 5, 1)}


def test_every_written_lesson_is_listed_here():
    assert sorted(SHOWS) == sorted(info.module for info in available())


@pytest.mark.parametrize("info", available(), ids=lambda info: info.slug)
def test_each_lesson_shows_its_animation_figures_and_tables(quick_build, info):
    _, root, record = quick_build(info.module)
    kinds = [item["kind"] for cell in record.cells for item in cell.shown]
    animations, figures, tables, sketches = SHOWS[info.module]
    assert (kinds.count("animation"), kinds.count("poster")) == (animations, animations)
    assert (kinds.count("image"), kinds.count("table")) == (figures, tables)
    svgs = [item for cell in record.cells for item in cell.shown if item["file"].endswith(".svg")]
    assert len(svgs) == sketches and all(item["kind"] == "image" for item in svgs)
    assert kinds.count("data") == (info.module == "l07_world_model")  # its trained model, for the try-it cell
    gifs = [item["file"] for cell in record.cells for item in cell.shown if item["kind"] == "animation"]
    for name in gifs:
        gif = output_dir(root, "quick", info) / name
        assert gif.read_bytes()[:6] == b"GIF89a" and gif.stat().st_size < 500_000
