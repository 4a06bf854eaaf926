"""The ``policywerk`` command: one clear line and a non-zero exit for bad input, a lesson that fails named
by lesson, cell and line, parallel builds in worker processes, a manifest of hashes, a chosen seed, and
builds that survive being stopped, killed, run twice at once, or a damaged cache."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from policywerk import session
from policywerk.lessons import LessonInfo
from policywerk.literate import cli, publish
from policywerk.literate.runner import build, lesson_lock, load_record, output_dir, recover, timings

ROOT = Path(__file__).resolve().parents[1]

LESSON = """# %% [markdown]
# # Lesson 9{n} · a test

# %%
from policywerk.session import budget, seeds
from policywerk.show import show_table
from policywerk.viz.style import house_style, new_figure
from policywerk.viz.panes import save_png
SEED = seeds({seed})
STEPS = budget(full=3, quick={steps})
print("seed", SEED, "steps", STEPS)

# %%
with house_style():  # as every drawing in viz/ is made
    fig = new_figure(100, 200)
    fig.text(0.1, 0.5, f"seed {{SEED}}")
save_png(fig, "l9{n}-figure", alt="A word on a white card.")
show_table(["seed"], [[SEED]], caption="The seed")
"""
SLOW = "\n# %%\nimport time\nprint('slow', flush=True)\ntime.sleep(60)\n"


def gone(pid: int, seconds: float = 15) -> bool:
    """Whether process ``pid`` has exited within ``seconds`` (a zombie counts: it has exited)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
        except OSError:
            return True
        if state == "Z":  # exited; its parent has not reaped it yet
            return True
        time.sleep(0.05)
    return False


def lesson(tmp_path, n=1, seed=4, steps=2, extra=""):
    path = tmp_path / f"l9{n}_test.py"
    path.write_text(LESSON.format(n=n, seed=seed, steps=steps) + extra)
    return LessonInfo(90 + n, f"l9{n}_test", f"Test {n}", "Someone, Paper", "2000", "m", "w", source=path)


def command(info, *args):
    """``python -c`` running ``policywerk ARGS`` with the catalog replaced by the one test lesson."""
    return [sys.executable, "-c",
            f"import sys; sys.path.insert(0, {str(ROOT / 'src')!r})\n"
            "from pathlib import Path\n"
            "from policywerk import lessons\n"
            "from policywerk.lessons import LessonInfo\n"
            "from policywerk.literate.cli import main\n"
            f"info = LessonInfo({info.number}, {info.module!r}, 'T', 'S, P', '2000', 'm', 'w', "
            f"source=Path({str(info.path)!r}))\n"
            "lessons.find = lambda name: info\n"
            "lessons.available = lambda: [info]\n"
            f"sys.exit(main({list(args)!r}))\n"]


def run_on(info, *args, env=None):
    return subprocess.run(command(info, *args), capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "policywerk.literate", *args], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})


def errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("policywerk:")]


@pytest.mark.parametrize("args, message", [
    (["run", "l99"], "unknown lesson 'l99'"),
    (["build", "nonsense"], "unknown lesson 'nonsense'"),
    (["run", "l01", "--seed", "-1"], "--seed must be a non-negative whole number"),
    (["run", "l01", "--seed", "two"], "--seed must be a non-negative whole number"),
    (["run", "l01", "--seed", "²"], "--seed must be a non-negative whole number"),
    (["build", "--jobs", "-2"], "--jobs must be a whole number"),
    (["build", "--jobs", "³"], "--jobs must be a whole number"),
    (["serve", "--addr", "8000"], "--addr must be HOST:PORT"),
    (["serve", "--addr", "127.0.0.1:99999"], "--addr must be HOST:PORT with a port from 1 to 65535"),
])
def test_bad_input_gets_one_clear_line_and_exit_2(args, message):
    result = run_cli(*args)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == errors(result.stderr) and len(errors(result.stderr)) == 1
    assert message in result.stderr and "Traceback" not in result.stderr


def test_list_names_every_lesson_and_its_state(tmp_path):
    result = run_cli("list", "--quick", "--root", str(tmp_path))
    assert result.returncode == 0
    for module in ("l01_bellman", "l07_world_model"):
        assert module in result.stdout
    states = [line.split()[2] for line in result.stdout.splitlines()[1:-1]]
    assert states == ["never"] * 7


def test_list_into_a_pipe_closed_early_says_nothing_more(tmp_path):
    listing = f"{sys.executable} -m policywerk.literate list --root {tmp_path} | true"  # closed before a word
    result = subprocess.run(["bash", "-o", "pipefail", "-c", listing], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    assert result.returncode == 0 and result.stderr == ""


@pytest.mark.parametrize("verb", ["run", "build"])
def test_a_negative_budget_is_one_line_naming_lesson_cell_and_line_and_exit_1(tmp_path, verb):
    info = lesson(tmp_path, steps=-1)
    result = run_on(info, verb, "l91", "--quick", *(["--root", str(tmp_path / "runs")] if verb == "build" else
                                                    ["--out", str(tmp_path / "out")]))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert ("policywerk: lesson l91_test failed in cell 2 (the code cell at line 5), line 10: BadInput: a budget "
            "must not be negative, got full=3, quick=-1") in errors(result.stderr)
    with pytest.raises(session.BadInput, match="non-negative int"):
        session.Session(seed=-1)


def test_a_lesson_that_raises_is_named_by_lesson_cell_and_line_and_its_good_run_stays(tmp_path, capsys):
    info = lesson(tmp_path)
    root = tmp_path / "runs"
    good = build(info, "quick", root)
    info.path.write_text(info.path.read_text() + "\n# %%\nx = 1\nraise RuntimeError('boom')\n")
    assert cli.build_lessons([info], "quick", root, jobs=1, force=False) == 1
    err = capsys.readouterr().err
    assert "policywerk: lesson l91_test failed in cell 4 (the code cell at line 21), line 22: RuntimeError: boom" in err
    assert "Traceback" in err  # a lesson's own error keeps its traceback, for the author
    assert load_record(output_dir(root, "quick", info)) == good


@pytest.mark.parametrize("broken, message", [
    ("\n# %%\nx = (1,\n", "failed in cell 4 (the code cell at line 21), line 21: SyntaxError"),
    ("\n# %%\nimport sys\nsys.exit(3)\n", "failed in cell 4 (the code cell at line 21), line 22: SystemExit: 3"),
    ("\n# %% [markdown]\nno hash here\n", "lesson l91_test cannot be read: a Markdown cell's lines must start"),
])
def test_a_broken_lesson_fails_in_one_named_line_and_list_still_works(tmp_path, broken, message):
    info = lesson(tmp_path, extra=broken)
    root = tmp_path / "runs"
    result = run_on(info, "build", "l91", "--quick", "--root", str(root))
    assert result.returncode == 1 and message in result.stderr
    assert "outside its cells" not in result.stderr
    listing = run_on(info, "list", "--quick", "--root", str(root))
    assert listing.returncode == 0 and "never run" in listing.stdout


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


def test_parallel_builds_write_timings_and_a_manifest_of_every_files_hash(tmp_path):
    infos = [lesson(tmp_path, n=1), lesson(tmp_path, n=2, seed=9)]
    root = tmp_path / "runs"
    assert cli.build_lessons(infos, "quick", root, jobs=2, force=False) == 0
    records = [load_record(output_dir(root, "quick", info)) for info in infos]
    assert all(r is not None and set(r.hashes) == set(r.files()) for r in records)
    measured = timings(root, "quick")  # kept beside the runs, not in them: the runs stay reproducible
    assert sorted(measured) == ["l91_test", "l92_test"]
    assert all(m["seconds"] > 0 and m["peak_mb"] > 20 for m in measured.values())
    data = publish.manifest(root, "quick", infos)
    for info, record in zip(infos, records):
        entry = data["lessons"][info.module]
        assert entry["files"] == record.hashes and entry["digest"] == publish.digest(record)
        assert entry["key"] == record.key
    assert publish.digest(records[0]) != publish.digest(records[1])
    assert json.loads((root / "quick" / "manifest.json").read_text()) == data


def test_the_longest_lessons_start_first_by_the_catalog_then_by_the_last_measure():
    from policywerk.lessons import available

    first = cli.longest_first(available(), {})
    assert [info.module for info in first[:2]] == ["l05_dqn", "l02_actor_critic"]
    measured = {"l01_bellman": {"seconds": 500.0}, "l05_dqn": {"seconds": 1.0}}
    again = [info.module for info in cli.longest_first(available(), measured)]
    assert again[0] == "l01_bellman" and again[-1] == "l05_dqn"


def test_a_lesson_named_twice_is_built_once(tmp_path):
    info = lesson(tmp_path)
    result = run_on(info, "build", "l91", "91", "l91", "--quick", "--jobs", "3", "--root", str(tmp_path / "runs"))
    assert result.returncode == 0 and result.stderr.count("l91_test [quick]: running") == 1


def test_a_killed_run_says_it_stopped_and_blames_no_cell(tmp_path):
    info = lesson(tmp_path, extra=SLOW)
    process = subprocess.Popen(command(info, "run", "l91", "--quick", "--out", str(tmp_path / "out")),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout.readline().startswith("seed 4")
    deadline = time.time() + 30
    while "slow" not in process.stdout.readline() and time.time() < deadline:
        pass
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 143 and err.strip() == "policywerk: stopped"


def test_two_builds_of_one_lesson_at_once_take_turns_and_run_it_once(tmp_path):
    counter = tmp_path / "runs-of-the-cell"
    info = lesson(tmp_path, extra=f"\n# %%\nimport time\nwith open({str(counter)!r}, 'a') as f:\n"
                                  "    f.write('ran\\n')\ntime.sleep(1)\n")
    args = ("build", "l91", "--quick", "--root", str(tmp_path / "runs"))
    first, second = (subprocess.Popen(command(info, *args), stderr=subprocess.PIPE, text=True) for _ in range(2))
    assert first.wait(timeout=60) == 0 and second.wait(timeout=60) == 0
    assert counter.read_text() == "ran\n"
    said = first.stderr.read() + second.stderr.read()
    assert "waiting for another build of this lesson" in said
    assert "up to date (another build ran it meanwhile)" in said
    assert said.count("l91_test [quick]: done in") == 1  # the waiting build records no time: it ran nothing


def test_a_chatty_lesson_waits_for_a_slow_reader_instead_of_filling_its_memory(tmp_path):
    """The lesson writes 60 MB to stderr while nobody reads the build's own stderr for two seconds: the
    worker must wait (its pipe is full) rather than hold what it wrote, and the build must then finish."""
    quiet = lesson(tmp_path, n=1)
    assert run_on(quiet, "build", "l91", "--quick", "--root", str(tmp_path / "runs")).returncode == 0
    chatter = "\n# %%\nimport sys\nfor k in range(6_000):\n    print('x' * 10_000, file=sys.stderr)\n"
    chatty = lesson(tmp_path, n=2, extra=chatter)
    build_ = subprocess.Popen(command(chatty, "build", "l92", "--quick", "--root", str(tmp_path / "runs")),
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(2.0)  # the build blocks writing to this pipe; its worker fills its own pipe and waits
    build_.stderr.read()
    assert build_.wait(timeout=60) == 0
    measured = timings(tmp_path / "runs", "quick")
    assert measured["l92_test"]["peak_mb"] < measured["l91_test"]["peak_mb"] + 25  # not + 60 MB of lines


def test_a_worker_that_dies_mid_message_fails_alone_and_its_staging_is_cleared(tmp_path):
    death = ("\n# %%\nimport os, sys\n"
             "writer = sys.stderr.send.__closure__[0].cell_contents  # the worker's end of its pipe\n"
             "os.write(writer.fileno(), b'\\x00\\x00\\x10\\x00partial')  # a header, and a body cut short\n"
             "os._exit(9)\n")
    dying = lesson(tmp_path, n=1, extra=death)
    healthy = lesson(tmp_path, n=2)
    root = tmp_path / "runs"
    assert cli.build_lessons([dying, healthy], "quick", root, jobs=2, force=False) == 1
    assert load_record(output_dir(root, "quick", healthy)) is not None  # the other lesson was not stopped
    assert load_record(output_dir(root, "quick", dying)) is None
    assert not list(root.glob("quick/.l91_test.*")), "the dead worker's staging folder must be cleared"


def test_a_readers_matplotlibrc_changes_no_byte(tmp_path):
    info = lesson(tmp_path)
    rc = tmp_path / "matplotlibrc"
    rc.write_text("font.weight: bold\ntext.antialiased: False\nfont.size: 24\n")  # bold and rough: not in RC
    for root, env in ((tmp_path / "plain", {}), (tmp_path / "styled", {"MATPLOTLIBRC": str(rc)})):
        assert run_on(info, "build", "l91", "--quick", "--root", str(root), env=env).returncode == 0
    plain, styled = (load_record(output_dir(tmp_path / name, "quick", info)) for name in ("plain", "styled"))
    assert plain.hashes == styled.hashes


def test_a_damaged_artifact_is_detected_and_the_lesson_runs_again(tmp_path):
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


def test_a_damaged_record_is_detected_even_when_it_still_reads_as_json(tmp_path):
    info = lesson(tmp_path)
    root = tmp_path / "runs"
    build(info, "quick", root)
    path = output_dir(root, "quick", info) / "record.json"
    text = path.read_text()
    assert "seed 4 steps 2" in text
    path.write_text(text.replace("seed 4 steps 2", "seed 5 steps 2"))
    assert load_record(path.parent) is None
    assert "seed 4 steps 2" in build(info, "quick", root).cells[0].stdout


def test_what_an_interrupted_build_left_is_cleared_and_a_half_swap_is_undone(tmp_path):
    info = lesson(tmp_path)
    root = tmp_path / "runs"
    record = build(info, "quick", root)
    final = output_dir(root, "quick", info)
    (final.parent / f".{final.name}.staging-99").mkdir()
    (final.parent / f".{final.name}.staging-99" / "half.png").write_bytes(b"\x89PNG")
    final.rename(final.parent / f".{final.name}.old-99")  # cut off between the swap's two renames
    with lesson_lock(final):
        recover(final)
    assert load_record(final) == record
    assert sorted(p.name for p in final.parent.iterdir()) == [".locks", final.name]


class Build:
    """A build of the slow test lesson in another process, its stderr read as it comes."""

    def __init__(self, tmp_path):
        self.info = lesson(tmp_path)
        self.root = tmp_path / "runs"
        build(self.info, "quick", self.root)
        self.folder = output_dir(self.root, "quick", self.info)
        self.good = {p.name: p.read_bytes() for p in self.folder.iterdir()}
        self.info.path.write_text(self.info.path.read_text() + SLOW)  # stale now, and slow
        build_command = command(self.info, "build", "l91", "--quick", "--root", str(self.root))
        # Ctrl-C in a terminal reaches a build that handles it. A suite started in the background (`nohup`,
        # `&` in a script) inherits SIGINT ignored, and so would the build, unless it is given back here.
        handled = "import signal; signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        build_command[2] = handled + build_command[2]
        self.process = subprocess.Popen(build_command, stderr=subprocess.PIPE, text=True, start_new_session=True)
        self.lines = []
        self.reader = threading.Thread(target=lambda: self.lines.extend(self.process.stderr), daemon=True)
        self.reader.start()
        deadline = time.time() + 60
        while not any("cell 2/3" in line for line in self.lines) and time.time() < deadline:
            time.sleep(0.05)  # the slow third cell has started
        time.sleep(0.5)
        self.worker = int(next(self.root.glob("quick/.l91_test.staging-*")).name.rpartition("-")[2])

    def stop(self, signal_number, group):
        """Send ``signal_number`` to the whole process group (the build and its worker), as Ctrl-C in a
        terminal or a CI timeout does, or to the build's process alone, as ``kill PID`` does."""
        if group:
            os.killpg(self.process.pid, signal_number)
        else:
            self.process.send_signal(signal_number)
        code = self.process.wait(timeout=30)
        self.reader.join(timeout=10)  # all it said, to the end
        return code

    def worker_gone(self, seconds=15):
        return gone(self.worker, seconds)

    def leftovers(self):
        return list(self.root.glob("quick/.l91_test.*"))

    def unchanged(self):
        return {p.name: p.read_bytes() for p in self.folder.iterdir()} == self.good


@pytest.mark.parametrize("signal_number, group, code", [(signal.SIGINT, True, 130), (signal.SIGTERM, False, 143),
                                                        (signal.SIGHUP, False, 129)],
                         ids=["ctrl-c", "kill", "terminal-closed"])
def test_a_stopped_build_keeps_the_last_good_run_and_leaves_nothing_half_written(tmp_path, signal_number, group,
                                                                                 code):
    running = Build(tmp_path)
    assert running.stop(signal_number, group) == code
    assert running.worker_gone(), "the worker must stop with its build"
    assert not running.leftovers(), "no staging or half-swapped folder may be left"
    assert running.unchanged() and load_record(running.folder) is not None
    assert "policywerk: stopped" in "".join(running.lines)


def test_a_worker_whose_build_was_killed_stops_by_itself_and_cleans_up(tmp_path):
    running = Build(tmp_path)
    assert running.stop(signal.SIGKILL, group=False) == -signal.SIGKILL
    assert running.worker_gone(), "the orphaned worker must notice that its build is gone and exit"
    assert not running.leftovers() and running.unchanged()


def test_after_a_hard_kill_the_next_build_clears_the_leftovers_and_runs_without_force(tmp_path):
    running = Build(tmp_path)
    assert running.stop(signal.SIGKILL, group=True) == -signal.SIGKILL
    assert running.worker_gone()
    assert running.leftovers(), "a kill of every process leaves a staging folder"
    assert running.unchanged()  # the good run untouched
    running.info.path.write_text(running.info.path.read_text().replace("time.sleep(60)", "time.sleep(0)"))
    record = build(running.info, "quick", running.root)  # no force: the code changed, so it is stale
    assert not running.leftovers() and load_record(running.folder) == record
