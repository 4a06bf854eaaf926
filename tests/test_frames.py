"""The player's sidecar: one entry per frame drawn, mapped onto the GIF's own images, with the panes'
rectangles measured from the figure; trace tables link their rows to frames; every lesson writes one."""

import json

import pytest
from matplotlib.animation import Image  # Pillow, as matplotlib imports it; a decoder for the tests

from policywerk.lessons import available
from policywerk.literate.page import _linked, anchor
from policywerk.session import Session, activate
from policywerk.show import Animation, show_table
from policywerk.viz.frames import FrameInfo
from policywerk.viz.panes import footer, save_animation, three_panes
from policywerk.viz.style import house_style

PANES = ("environment", "internals", "trace")


def animate(tmp_path, draw_returns=True, steps=(0, 1, 1, 2, 3)):
    """Four distinct pictures over five frames (frame 2 repeats frame 1), into ``tmp_path``."""
    session = Session(out_dir=tmp_path, echo=False)
    with activate(session):
        panes = three_panes("A test")
        with house_style():
            (dot,) = panes.env.plot([], [], "o")
            panes.env.set_xlim(0, 4)
            panes.env.set_ylim(0, 4)
            inset = panes.internals.inset_axes((0.1, 0.1, 0.8, 0.8))
            (bar,) = inset.plot([], [])
            panes.trace.set_xlabel("step")
        counter = footer(panes.fig, "")

        def draw(i):
            k = steps[i]
            dot.set_data([k], [k])
            bar.set_data([0, k], [0, 1])
            counter.set_text(f"picture {k}")
            return FrameInfo(f"frame {i + 1} of {len(steps)}", 10 * k, {"height": k / 3}) if draw_returns else None

        animation = save_animation(panes, len(steps), draw, "test-anim", "A dot moving.", frame_ms=100,
                                   hold_ms=500, dynamic=[dot, bar, counter])
    return animation, session, json.loads((tmp_path / "test-anim.json").read_text())


def test_the_sidecar_has_a_frame_per_drawing_mapped_onto_the_gifs_images(tmp_path):
    animation, session, data = animate(tmp_path)
    frames = data["frames"]
    assert [f["label"] for f in frames] == [f"frame {i} of 5" for i in range(1, 6)]
    assert [f["text"] for f in frames][:2] == ["frame 1 of 5, height 0", "frame 2 of 5, height 0.333"]
    assert [f["gif"] for f in frames] == [0, 1, 1, 2, 3]  # the repeated frame adds no image
    assert [f["ms"] for f in frames] == [100, 100, 100, 100, 500]
    with Image.open(tmp_path / "test-anim.gif") as gif:
        assert gif.n_frames == 4
        durations = []
        for k in range(gif.n_frames):
            gif.seek(k)
            durations.append(gif.info["duration"])
    assert durations == [100, 200, 100, 500]  # the GIF's own timing: the same total
    assert animation == Animation("test-anim", (0, 10, 10, 20, 30))
    assert [item.kind for item in session.shown] == ["frames", "animation", "poster"]
    assert data["poster"] == 4 and data["gif"] == "test-anim.gif"


def test_the_panes_are_measured_rectangles_inside_the_frame_in_their_order(tmp_path):
    _, _, data = animate(tmp_path)
    assert (data["width"], data["height"]) == (1100, 440)
    rects = [data["panes"][name] for name in PANES]
    for x, y, w, h in rects:
        assert 0 <= x and 0 <= y and x + w <= 1100 and y + h <= 440 and w > 150 and h > 200
    for (x1, _, w1, _), (x2, _, _, _) in zip(rects, rects[1:]):
        assert x1 + w1 <= x2 + 8  # side by side, left to right, at most touching at their padding
    # the trace pane's rectangle reaches down over its axis label "step", below the axes themselves
    assert rects[2][1] + rects[2][3] > 440 * (1 - 0.12)
    assert data["smallest_text_px"] == pytest.approx(9 * 100 / 72, abs=0.01)  # the footer, 9 pt at 100 dpi


def test_a_draw_that_returns_no_frame_info_is_refused(tmp_path):
    with pytest.raises(TypeError, match="must return the FrameInfo"):
        animate(tmp_path, draw_returns=False)
    assert not (tmp_path / "test-anim.json").exists()


def test_frames_at_finds_the_first_frame_that_shows_each_row_and_none_where_the_animation_skips_it():
    animation = Animation("a", (0, 1, 5, 5, 9))
    assert animation.frames_at([0, 1, 2, 5, 6, 9, 10]).frames == (0, 1, None, 2, None, 4, None)


def test_a_linked_table_links_the_first_cell_of_each_row_to_its_frame(tmp_path):
    with activate(Session(out_dir=tmp_path, echo=False)):
        item = show_table(["step", "value"], [[1, 0.5], [7, 0.25], [8, 0.125]], "A trace.",
                          frames=Animation("l09-x", (0, 1, 5, 7)).frames_at([1, 7, 8]))
        with pytest.raises(ValueError, match="2 rows but 1 frame links"):
            show_table(["step"], [[1], [2]], "Too few links.", frames=Animation("a", (0,)).frames_at([1]))
    lines = _linked(item.__dict__).split("\n")
    assert lines[:2] == ["| step | value |", "|---:|---:|"]
    assert lines[2] == (f'| <a class="pw-frame-link" href="#{anchor("l09-x")}" data-pw-frame="1" '
                        'aria-label="step 1: show it in the animation">1</a> | 0.5 |')
    assert 'data-pw-frame="3"' in lines[3] and lines[4] == "| 8 | 0.125 |"  # step 8 is not in the animation


@pytest.mark.parametrize("info", available(), ids=lambda i: i.module)
def test_every_lessons_animation_has_a_sidecar_that_matches_its_gif(quick_build, info):
    _, root, record = quick_build(info.module)
    folder = root / "quick" / info.module
    animations = [item for cell in record.cells for item in cell.shown if item["kind"] == "animation"]
    assert animations, f"{info.module} shows no animation"
    for item in animations:
        data = json.loads((folder / item["file"].replace(".gif", ".json")).read_text())
        frames = data["frames"]
        with Image.open(folder / item["file"]) as gif:
            images = gif.n_frames
        assert frames[0]["gif"] == 0 and frames[-1]["gif"] == images - 1
        assert all(b["gif"] - a["gif"] in (0, 1) for a, b in zip(frames, frames[1:]))
        assert all(f["label"] and f["text"].startswith(f["label"]) for f in frames)
        assert 0 <= data["poster"] < len(frames) and set(data["panes"]) == set(PANES)
        assert data["smallest_text_px"] >= 8 * 100 / 72 - 0.01  # no text under 8 pt (see test_rules)
        assert data["title"] and data["format"] == "policywerk-frames-1"
        tables = [t for cell in record.cells for t in cell.shown if t["kind"] == "table" and t["frames"]]
        linked = [t for t in tables if t["animation"] == item["file"].removesuffix(".gif")]
        assert linked and any(k is not None for t in linked for k in t["frames"]), f"no row links to {item['file']}"
        for table in linked:  # a row links to a frame whose trace stands where the row's first cell says
            rows = table["markdown"].split("\n")[2:]
            for row, k in zip(rows, table["frames"]):
                if k is not None:
                    first = row.removeprefix("| ").partition(" |")[0].replace(",", "")
                    assert frames[k]["x"] == float(first), f"{info.module}: row {row!r} links to frame {k}"
