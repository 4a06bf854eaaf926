"""The ``policywerk`` command: one clear line and a non-zero exit for bad input, a lesson that fails named
by lesson, cell and line, parallel builds, a manifest of hashes, a chosen seed, and builds that survive
being interrupted or a corrupt cache."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from policywerk import session
from policywerk.lessons import LessonInfo
from policywerk.literate import cli, publish
from policywerk.literate.runner import _abandoned, _hold, build, load_record, output_dir, recover, timings

ROOT = Path(__file__).resolve().parents[1]

LESSON = """# %% [markdown]
# # Lesson 9{n} · a test

# %%
from policywerk.session import budget, seeds, show_table
from policywerk.viz.style import new_figure
from policywerk.viz.panes import save_png
SEED = seeds({seed})
STEPS = budget(full=3, quick={steps})
print("seed", SEED, "steps", STEPS)

# %%
fig = new_figure(100, 200)
fig.text(0.1, 0.5, f"seed {{SEED}}")
save_png(fig, "l9{n}-figure", alt="A word on a white card.")
show_table(["seed"], [[SEED]], caption="The seed")
"""


def lesson(tmp_path, n=1, seed=4, steps=2, extra=""):
    path = tmp_path / f"l9{n}_test.py"
    path.write_text(LESSON.format(n=n, seed=seed, steps=steps) + extra)
    return LessonInfo(90 + n, f"l9{n}_test", f"Test {n}", "Someone, Paper", "2000", "m", "w", source=path)


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "policywerk.literate", *args], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})


@pytest.mark.parametrize("args, message", [
    (["run", "l99"], "unknown lesson 'l99'"),
    (["build", "nonsense"], "unknown lesson 'nonsense'"),
    (["run", "l01", "--seed", "-1"], "--seed must be a non-negative whole number"),
    (["run", "l01", "--seed", "two"], "--seed must be a non-negative whole number"),
    (["build", "--jobs", "-2"], "--jobs must be a whole number"),
])
def test_bad_input_gets_one_clear_line_and_exit_2(args, message):
    result = run_cli(*args)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"policywerk: {result.stderr.split('policywerk: ')[1].strip()}"]
    assert message in result.stderr and "Traceback" not in result.stderr


def test_list_names_every_lesson_and_its_state(tmp_path):
    result = run_cli("list", "--quick", "--root", str(tmp_path))
    assert result.returncode == 0
    for module in ("l01_bellman", "l07_world_model"):
        assert module in result.stdout
    assert "never run" in result.stdout


def test_a_negative_budget_is_refused_by_name():
    with pytest.raises(ValueError, match="must not be negative"):
        session.budget(full=10, quick=-1)
    with pytest.raises(ValueError, match="non-negative int"):
        session.Session(seed=-1)


def test_a_lesson_that_raises_is_named_by_lesson_cell_and_line_and_the_build_exits_1(tmp_path, capsys):
    info = lesson(tmp_path, extra="\n# %%\nx = 1\nraise RuntimeError('boom')\n")
    assert cli.build_lessons([info], "quick", tmp_path / "runs", jobs=1, force=False) == 1
    err = capsys.readouterr().err
    assert "lesson l91_test failed in cell 4 (the code cell at line 19), line 20: RuntimeError: boom" in err


def test_run_prints_as_it_goes_and_a_chosen_seed_moves_every_seed(tmp_path, capsys):
    info = lesson(tmp_path, seed=4)
    assert cli.run_lesson(info, "quick", tmp_path / "out", seed=None) == 0
    assert "seed 4 steps 2" in capsys.readouterr().out
    assert cli.run_lesson(info, "quick", tmp_path / "out", seed=11) == 0
    out = capsys.readouterr().out
    assert "seed 11 steps 2" in out and (tmp_path / "out" / "l91-figure.png").is_file()
    with session.activate(session.Session(seed=3)):
        assert session.seeds([0, 1, 2]) == [3, 4, 5] and session.seeds(7) == 3
    assert session.seeds([0, 1]) == [0, 1]


def test_parallel_builds_write_a_manifest_with_every_files_hash(tmp_path):
    infos = [lesson(tmp_path, n=1), lesson(tmp_path, n=2, seed=9)]
    root = tmp_path / "runs"
    assert cli.build_lessons(infos, "quick", root, jobs=2, force=False) == 0
    records = [load_record(output_dir(root, "quick", info)) for info in infos]
    assert all(r is not None and set(r.hashes) == set(r.files()) for r in records)
    measured = timings(root, "quick")  # kept beside the runs, not in them: the runs stay reproducible
    assert sorted(measured) == ["l91_test", "l92_test"]
    assert all(m["seconds"] > 0 and m["peak_mb"] > 20 for m in measured.values())
    # the manifest lists the catalog's lessons; these test lessons are checked through the same pieces
    assert publish.digest(records[0]) != publish.digest(records[1])
    assert publish.seeds_of(records[1]) == ""  # no hyperparameter table in the test lesson
    data = publish.manifest(root, "quick")
    assert json.loads((root / "quick" / "manifest.json").read_text()) == data


def test_a_corrupt_artifact_is_detected_and_the_lesson_runs_again(tmp_path):
    info = lesson(tmp_path)
    root = tmp_path / "runs"
    first = build(info, "quick", root)
    png = output_dir(root, "quick", info) / "l91-figure.png"
    data = bytearray(png.read_bytes())
    data[len(data) // 2] ^= 0xFF
    png.write_bytes(bytes(data))
    assert load_record(output_dir(root, "quick", info)) is None
    again = build(info, "quick", root)
    assert again.hashes == first.hashes and png.read_bytes() != bytes(data)


def test_what_an_interrupted_build_left_is_cleared_and_a_half_swap_is_undone(tmp_path):
    info = lesson(tmp_path)
    root = tmp_path / "runs"
    record = build(info, "quick", root)
    final = output_dir(root, "quick", info)
    dead = 2**22 + 12345  # no such process
    (final.parent / f".{final.name}.staging-{dead}").mkdir()
    (final.parent / f".{final.name}.staging-{dead}" / "half.png").write_bytes(b"\x89PNG")
    final.rename(final.parent / f".{final.name}.old-{dead}")  # cut off between the swap's two renames
    recover(final)
    assert load_record(final) == record
    assert sorted(p.name for p in final.parent.iterdir()) == [final.name]


def test_a_staging_folder_that_a_live_build_holds_is_left_alone(tmp_path):
    info = lesson(tmp_path)
    final = output_dir(tmp_path / "runs", "quick", info)
    staging = final.with_name(f".{final.name}.staging-1")
    staging.mkdir(parents=True)
    lock = _hold(staging)  # as a build running in another process would
    recover(final)
    assert staging.is_dir()
    os.close(lock)  # that build is gone
    recover(final)
    assert not staging.exists()


def interrupt_a_build(tmp_path, signal_number, group):
    """Build a lesson, make its code slow (so its run is stale), start a build of it in another process,
    and stop it with ``signal_number`` in the middle of the slow cell: the whole process group (the build and
    its worker), as Ctrl-C in a terminal or a CI timeout does, or else the build's process alone, as
    ``kill PID`` does. Returns (info, root, the good run's files, the build's exit code)."""
    info = lesson(tmp_path)
    root = tmp_path / "runs"
    build(info, "quick", root)
    good = {p.name: p.read_bytes() for p in output_dir(root, "quick", info).iterdir()}
    info.path.write_text(info.path.read_text() + "\n# %%\nimport time\nprint('slow', flush=True)\ntime.sleep(60)\n")
    script = (f"import sys; sys.path.insert(0, {str(ROOT / 'src')!r})\n"
              "from pathlib import Path\n"
              "from policywerk.lessons import LessonInfo\n"
              "from policywerk.literate.cli import main\n"
              f"info = LessonInfo(91, 'l91_test', 'T', 'S, P', '2000', 'm', 'w', source=Path({str(info.path)!r}))\n"
              "from policywerk import lessons; lessons.find = lambda name: info\n"
              f"sys.exit(main(['build', 'l91', '--quick', '--root', {str(root)!r}]))\n")
    process = subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline and "cell 2/3" not in (process.stderr.readline() or ""):
        pass  # wait until the slow third cell has started
    time.sleep(0.5)
    if group:
        os.killpg(process.pid, signal_number)
    else:
        process.send_signal(signal_number)
    process.wait(timeout=30)
    return info, root, good, process.returncode


def staging_gone(root, seconds=15):
    deadline = time.time() + seconds
    while list(root.glob("quick/.*")) and time.time() < deadline:
        time.sleep(0.1)
    return not list(root.glob("quick/.*"))


@pytest.mark.parametrize("signal_number, group, code", [(signal.SIGINT, True, 130), (signal.SIGTERM, False, 143)],
                         ids=["ctrl-c", "kill"])
def test_a_stopped_build_keeps_the_last_good_run_and_leaves_nothing_half_written(tmp_path, signal_number, group,
                                                                                 code):
    info, root, good, exit_code = interrupt_a_build(tmp_path, signal_number, group)
    assert exit_code == code
    assert not list(root.glob("quick/.*")), "no staging or half-swapped folder may be left"
    folder = output_dir(root, "quick", info)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == good
    assert load_record(folder) is not None


def test_a_worker_whose_build_was_killed_stops_by_itself_and_cleans_up(tmp_path):
    info, root, good, exit_code = interrupt_a_build(tmp_path, signal.SIGKILL, group=False)
    assert exit_code == -signal.SIGKILL
    assert staging_gone(root), "the orphaned worker must notice, stop and remove its staging folder"
    assert {p.name: p.read_bytes() for p in output_dir(root, "quick", info).iterdir()} == good


def test_after_a_hard_kill_the_next_build_clears_the_leftovers_and_runs_without_force(tmp_path):
    info, root, good, exit_code = interrupt_a_build(tmp_path, signal.SIGKILL, group=True)
    assert exit_code == -signal.SIGKILL
    leftovers = list(root.glob("quick/.l91_test.staging-*"))
    assert leftovers, "a kill of every process leaves a staging folder"
    deadline = time.time() + 15
    while not _abandoned(leftovers[0]) and time.time() < deadline:
        time.sleep(0.05)  # the worker's kill lands a moment after its parent's: until then it holds the lock
    folder = output_dir(root, "quick", info)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == good  # the good run untouched
    info.path.write_text(info.path.read_text().replace("time.sleep(60)", "time.sleep(0)"))
    record = build(info, "quick", root)  # no force: the code changed, so the run is stale and reruns
    assert not list(root.glob("quick/.*")) and load_record(folder) == record
