"""The SVG pictures of policywerk.sketch: well-formed, deterministic, and drawn where the data says."""

import math
import re
import xml.etree.ElementTree as ET

import pytest

from policywerk.session import Session, activate
from policywerk.sketch import bar_chart, cliff_map, grid_chart, gridworld_map, line_chart
from policywerk.sketch.axes import log_ticks, ticks
from policywerk.worlds.cliff import CLIFF, COLS, GOAL, START
from policywerk.worlds.gridworld import GridWorld

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def run(tmp_path):
    with activate(Session(out_dir=tmp_path, echo=False)) as session:
        yield session


def drawn(run, item):
    return ET.fromstring((run.out_dir / item.file).read_text(encoding="utf-8"))


def texts(root):
    return [t.text for t in root.iter(f"{SVG}text")]


@pytest.mark.parametrize(("low", "high", "expected"), [
    (0.0, 1.0, [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]),
    (0.03, 0.38, [0.0, 0.1, 0.2, 0.3, 0.4]),
    (-13.0, 0.0, [-15.0, -10.0, -5.0, 0.0]),
    (0.0, 1000.0, [0.0, 200.0, 400.0, 600.0, 800.0, 1000.0]),
])
def test_ticks_are_round_numbers_that_cover_the_data(low, high, expected):
    assert ticks(low, high) == pytest.approx(expected)


def test_log_ticks_are_powers_of_ten_around_the_data():
    assert log_ticks(12.0, 9000.0) == [10.0, 100.0, 1000.0, 10000.0]
    assert log_ticks(3.0, 40.0) == [2.0, 5.0, 10.0, 20.0, 50.0]


def test_a_line_chart_is_an_svg_image_with_its_alt_text_and_one_line_per_series(run):
    item = line_chart({"TD": [0.3, 0.2, 0.1], "MC": [0.4, 0.3, 0.25]}, name="curves", alt="Two falling lines.",
                      title="Error", x_label="walks", y_label="RMS error")
    assert (item.kind, item.file, item.alt) == ("image", "curves.svg", "Two falling lines.")
    root = drawn(run, item)
    assert root.get("role") == "img" and root.find(f"{SVG}title").text == "Two falling lines."
    lines = root.findall(f"{SVG}polyline")
    assert len(lines) == 2 and lines[0].get("stroke") != lines[1].get("stroke")
    assert {"Error", "walks", "RMS error", "TD", "MC"} <= set(texts(root))
    points = [tuple(map(float, p.split(","))) for p in lines[0].get("points").split()]
    assert [x for x, _ in points] == sorted(x for x, _ in points)  # left to right
    assert points[0][1] < points[-1][1]  # falling values: the line goes down the page (y grows)


def test_the_same_data_draws_the_same_bytes(run, tmp_path):
    first = (tmp_path / line_chart({"a": [1.0, 2.0]}, name="a", alt="x").file).read_bytes()
    again = (tmp_path / line_chart({"a": [1.0, 2.0]}, name="b", alt="x").file).read_bytes()
    assert first == again


def test_a_missing_value_leaves_a_gap_and_a_log_scale_needs_positive_values(run):
    item = line_chart({"r": [1.0, math.nan, 3.0, 4.0]}, name="gap", alt="A line with a gap.")
    root = drawn(run, item)
    assert len(root.findall(f"{SVG}polyline")) == 1 and len(root.findall(f"{SVG}circle")) == 1
    with pytest.raises(ValueError, match="log scale needs values above zero"):
        line_chart({"r": [0.0, -1.0]}, log_y=True, name="bad", alt="x")
    with pytest.raises(ValueError, match="at least one value"):
        line_chart({"r": []}, name="empty", alt="x")


def test_text_in_a_picture_is_escaped(run):
    item = line_chart({"a<b & c": [1.0, 2.0]}, name="esc", alt='"quoted" <alt>', title="x < y", xs=[0, 1])
    root = drawn(run, item)  # parses: nothing broke out of its element
    assert "x < y" in texts(root) and root.find(f"{SVG}title").text == '"quoted" <alt>'


def test_bars_stand_on_zero_and_each_category_gets_its_reference_mark(run):
    item = bar_chart(list("ABC"), {"TD": [0.2, 0.5, 0.8]}, reference=[1 / 4, 1 / 2, 3 / 4],
                     reference_label="true value", name="bars", alt="Bars.")
    root = drawn(run, item)
    bars = [r for r in root.findall(f"{SVG}rect") if r.get("fill") == "#0072b2" and r.get("width") != "12"]
    assert len(bars) == 3
    bottoms = {round(float(r.get("y")) + float(r.get("height")), 1) for r in bars}
    assert len(bottoms) == 1  # every bar stands on the zero line
    heights = [float(r.get("height")) for r in bars]
    assert heights[1] == pytest.approx(heights[0] * 2.5, rel=0.02)
    assert {"A", "B", "C", "true value"} <= set(texts(root))
    with pytest.raises(ValueError, match="one value for each"):
        bar_chart(list("AB"), {"TD": [0.1]}, name="short", alt="x")


def test_a_grid_writes_each_value_and_arrow_and_names_its_special_cells(run):
    world = GridWorld()
    values = [0.1 * s for s in range(world.n_states)]
    item = gridworld_map(world, values, [1] * world.n_states, name="grid", alt="Values.")
    root = drawn(run, item)
    words = texts(root)
    assert words.count("goal") == 1 and words.count("pit") == 1
    free = [s for s in world.states if not world.is_terminal(s)]
    assert words.count("→") == len(free)
    assert f"+{values[free[-1]]:.2f}" in words
    cells = [r for r in root.findall(f"{SVG}rect") if r.get("stroke")]
    assert len(cells) == world.n_states


def test_the_cliff_map_draws_the_greedy_route_from_the_start_to_the_goal(run):
    # Q favours "up" at the start, "right" along the second row from the bottom, "down" at its end.
    q = [[0.0, 0.0, 0.0, 0.0] for _ in range(48)]
    for s in range(48):
        row, col = divmod(s, COLS)
        best = 0 if s == START else 2 if col == COLS - 1 else 1
        q[s][best] = -1.0 + 0.01 * col  # every value below zero, the best one highest
        q[s] = [v - 5.0 if a != best else v for a, v in enumerate(q[s])]
    item = cliff_map(q, name="cliff", alt="The cliff.")
    root = drawn(run, item)
    route = [p for p in root.findall(f"{SVG}polyline")]
    assert len(route) == 1
    points = route[0].get("points").split()
    assert len(points) == 14  # 13 steps: up, 11 to the right, down into the goal
    assert texts(root).count("cliff") == len(CLIFF) and "goal" in texts(root)
    assert GOAL == 47


def test_grid_chart_checks_its_sizes(run):
    with pytest.raises(ValueError, match="needs 6 values"):
        grid_chart(2, 3, [0.0] * 5, name="bad", alt="x")


def test_the_svg_has_no_script_and_names_no_other_origin(run, tmp_path):
    line_chart({"a": [1.0, 2.0]}, name="plain", alt="x")
    text = (tmp_path / "plain.svg").read_text()
    assert "<script" not in text
    assert re.findall(r"https?://[^\s\"']+", text) == ["http://www.w3.org/2000/svg"]  # a namespace, not a request


def test_a_log_scale_names_its_powers_of_ten_plainly_and_the_extreme_ones_as_powers():
    from policywerk.sketch.axes import power_label

    assert [power_label(v) for v in (0.001, 0.01, 1.0, 1000.0, 1e-6, 2e-5, 1e7)] == [
        "0.001", "0.01", "1", "1,000", "10⁻⁶", "2×10⁻⁵", "10⁷"]


def test_tick_labels_carry_the_decimals_their_step_needs():
    from policywerk.sketch.axes import label

    assert [label(t, 2.5) for t in ticks(0.0, 12.0)] == ["0", "2.5", "5.0", "7.5", "10.0", "12.5"]
    assert [label(t, 25.0) for t in ticks(0.0, 120.0)] == ["0", "25", "50", "75", "100", "125"]
    assert label(1.5e-4, 1e-4) == "1.5×10⁻⁴" and label(-2e7, 1e7) == "−2×10⁷"


@pytest.mark.parametrize("values", [[10.0, 10.0], [1.0], [1.0, 0.0], [0.5]])
def test_a_constant_or_single_value_still_gets_a_scale(run, values):
    """A value iteration that converges in one sweep (γ = 0 without slip) leaves one positive change."""
    for log_y in (True, False):
        item = line_chart({"d": values}, log_y=log_y, name=f"one-{int(log_y)}", alt="x")
        root = drawn(run, item)
        ys = [float(t.get("y")) for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "end"]
        assert len(ys) >= 2 and all(math.isfinite(y) for y in ys)
