"""The literate runner: outputs under the right cell, failures named, prose-only edits cached."""

import json
from pathlib import Path

import pytest

from policywerk.lessons import LessonInfo
from policywerk.literate import deps
from policywerk.literate.cells import parse_file
from policywerk.literate.page import render
from policywerk.literate.runner import LessonFailed, build, is_fresh, load_record, output_dir

SOURCE = "https://code.example/a-fork/notes/blob/main"  # where the pages link the library's code

LESSON = """# %% [markdown]
# # A test lesson
# Prose before the first code cell.

# %%
from pathlib import Path
from policywerk.session import budget
from policywerk.show import show_table
Path(COUNTER).write_text(str(int(Path(COUNTER).read_text() or 0) + 1))
N = budget(full=10, quick=3)
print("first cell, N =", N)

# %% [markdown]
# Prose between cells.

# %%
print("before the table")
show_table(["n", "square"], [[n, n * n] for n in range(N)], caption="Squares")
print("after the table")
"""


def make_lesson(tmp_path: Path, text: str = LESSON) -> LessonInfo:
    counter = tmp_path / "runs.txt"
    counter.write_text("0")
    path = tmp_path / "l99_test.py"
    path.write_text(f"# %%\nCOUNTER = {str(counter)!r}\n\n" + text)
    return LessonInfo(99, "l99_test", "Test", "paper", "2000", "mechanism", "world", source=path)


def runs(tmp_path: Path) -> int:
    return int((tmp_path / "runs.txt").read_text())


def test_outputs_land_under_the_cell_that_made_them(tmp_path):
    info = make_lesson(tmp_path)
    record = build(info, "quick", tmp_path / "out")
    assert [c.number for c in record.cells] == [1, 3, 5]  # cell numbers count prose cells too
    assert record.cells[1].stdout == "first cell, N = 3\n"
    last = record.cells[2]
    assert last.stdout == "before the table\nafter the table\n"
    (table,) = last.shown
    assert table["kind"] == "table" and "| 2 | 4 |" in table["markdown"]
    assert table["at"] == len("before the table\n")  # shown between the two prints
    page = render(info, parse_file(info.path), record, assets="l99", source_url=SOURCE)
    assert page.index("before the table") < page.index("Squares") < page.index("after the table")
    assert page.index("Prose between cells.") < page.index("before the table")


def test_the_setting_decides_the_budget(tmp_path):
    info = make_lesson(tmp_path)
    assert build(info, "full", tmp_path / "out").cells[1].stdout == "first cell, N = 10\n"
    with pytest.raises(ValueError, match="setting"):
        build(info, "medium", tmp_path / "out")


def test_prose_edit_is_a_cache_hit_and_code_edit_reruns(tmp_path):
    info = make_lesson(tmp_path)
    root = tmp_path / "out"
    build(info, "quick", root)
    assert runs(tmp_path) == 1
    info.path.write_text(info.path.read_text().replace("Prose between cells.", "Edited prose, longer now."))
    assert is_fresh(info, "quick", root)
    record = build(info, "quick", root)
    assert runs(tmp_path) == 1, "a prose-only edit re-ran the lesson"
    assert "Edited prose" in render(info, parse_file(info.path), record, assets="x", source_url=SOURCE)
    info.path.write_text(info.path.read_text().replace('print("after the table")', 'print("after!")'))
    assert not is_fresh(info, "quick", root)
    assert build(info, "quick", root).cells[2].stdout.endswith("after!\n")
    assert runs(tmp_path) == 2


def test_failing_cell_is_named_and_previous_output_survives(tmp_path):
    info = make_lesson(tmp_path)
    root = tmp_path / "out"
    good = build(info, "quick", root)
    text = info.path.read_text()
    info.path.write_text(text.replace('print("after the table")', 'print("after")\nx = 1 / 0'))
    bad_line = info.path.read_text().splitlines().index("x = 1 / 0") + 1
    with pytest.raises(LessonFailed) as caught:
        build(info, "quick", root)
    message = str(caught.value)
    assert "l99_test" in message and "cell 5" in message and f"line {bad_line}" in message
    assert "ZeroDivisionError" in message
    kept = load_record(output_dir(root, "quick", info))
    assert kept is not None and kept.key == good.key  # the last good run is still there
    assert not [p for p in (root / "quick").iterdir() if p.name.startswith(".l99")]  # no staging left


def test_corrupt_record_is_rebuilt(tmp_path):
    info = make_lesson(tmp_path)
    root = tmp_path / "out"
    build(info, "quick", root)
    (output_dir(root, "quick", info) / "record.json").write_text("{not json")
    assert not is_fresh(info, "quick", root)
    build(info, "quick", root)
    assert runs(tmp_path) == 2
    assert json.loads((output_dir(root, "quick", info) / "record.json").read_text())["lesson"] == "l99_test"


def test_dependencies_follow_imports_through_the_library():
    from policywerk.lessons import find

    info = find("l01")
    code = [c.source for c in parse_file(info.path) if c.kind == "code"]
    files = {p.relative_to(deps.PACKAGE_ROOT).as_posix() for p in deps.dependencies(code)}
    # Imported directly by the lesson, and only indirectly (vectors via value_iteration).
    assert {"agents/value_iteration.py", "math/vectors.py", "viz/gif.py", "session.py"} <= files
    assert not any(f.startswith("literate/") for f in files)


def test_library_edit_changes_the_key(tmp_path, monkeypatch):
    info = make_lesson(tmp_path)
    code = [c for c in parse_file(info.path) if c.kind == "code"]
    before = deps.run_key(code, "quick")
    real = Path.read_bytes

    def edited(path: Path) -> bytes:
        data = real(path)
        return data + b"\n# edited" if path.name == "session.py" else data

    monkeypatch.setattr(Path, "read_bytes", edited)
    assert deps.run_key(code, "quick") != before
