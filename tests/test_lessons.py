"""Every written lesson, built in the quick setting: it shows what its page needs, and a second build
gives the same bytes (the same seed, the same run, the same files)."""

import hashlib

import pytest

from policywerk.lessons import available
from policywerk.literate.runner import build, output_dir


def digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("info", available(), ids=lambda info: info.slug)
def test_a_second_build_gives_the_same_bytes(quick_build, info, tmp_path):
    _, root, first = quick_build(info.module)
    second = build(info, "quick", tmp_path, force=True)
    assert first.key == second.key
    assert digests(output_dir(root, "quick", info)) == digests(output_dir(tmp_path, "quick", info))


# What each lesson shows: (animations, figures, tables). The animation also has its poster.
SHOWS = {"l01_bellman": (1, 2, 4), "l02_actor_critic": (1, 2, 4), "l03_td_learning": (1, 5, 7),
         "l04_q_learning": (1, 2, 4), "l05_dqn": (1, 1, 5), "l06_ppo": (1, 2, 4),
         "l07_world_model": (1, 5, 5)}


def test_every_written_lesson_is_listed_here():
    assert sorted(SHOWS) == sorted(info.module for info in available())


@pytest.mark.parametrize("info", available(), ids=lambda info: info.slug)
def test_each_lesson_shows_its_animation_figures_and_tables(quick_build, info):
    _, root, record = quick_build(info.module)
    kinds = [item["kind"] for cell in record.cells for item in cell.shown]
    animations, figures, tables = SHOWS[info.module]
    assert (kinds.count("animation"), kinds.count("poster")) == (animations, animations)
    assert (kinds.count("image"), kinds.count("table")) == (figures, tables)
    gifs = [item["file"] for cell in record.cells for item in cell.shown if item["kind"] == "animation"]
    for name in gifs:
        gif = output_dir(root, "quick", info) / name
        assert gif.read_bytes()[:6] == b"GIF89a" and gif.stat().st_size < 500_000
