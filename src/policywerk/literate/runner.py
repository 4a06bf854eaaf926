"""Execute a lesson's code cells in order, capture what each printed and showed, and cache the result.

A run writes into a staging folder and replaces the previous output only when every cell succeeded,
so a failing or interrupted lesson leaves the last good run in place; a later build clears what an
interrupted one left behind and puts a run that was half swapped out back. A cached run is reused while
its content key (code cells, the library files they reach, the setting) is unchanged and every file it
names still has the hash recorded for it; prose is not part of the key.
"""

import contextlib
import hashlib
import io
import json
import os
import shutil
import sys
import time
import traceback
import types
from dataclasses import asdict, dataclass, field
from pathlib import Path

from policywerk import session
from policywerk.lessons import LessonInfo
from policywerk.literate.cells import Cell, code_cells, parse_file
from policywerk.literate.deps import run_key
from policywerk.literate.portable import lock

RECORD = "record.json"


@dataclass
class CellOutput:
    number: int  # the cell's position among all cells
    line: int
    stdout: str = ""
    shown: list[dict] = field(default_factory=list)


@dataclass
class Record:
    lesson: str
    setting: str
    key: str
    cells: list[CellOutput]
    seeds: list[int] = field(default_factory=list)  # every seed the lesson asked ``session.seeds`` for
    hyperparameters: list[list[str]] = field(default_factory=list)  # [name, value, what it sets], as shown
    hashes: dict[str, str] = field(default_factory=dict)  # sha256 of every file the run wrote
    checksum: str = ""  # sha256 of the rest of this record, so that a damaged record.json is noticed

    def files(self) -> list[str]:
        return [item["file"] for cell in self.cells for item in cell.shown if item.get("file")]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _checksum(data: dict) -> str:
    body = {k: v for k, v in data.items() if k != "checksum"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class LessonFailed(Exception):
    """A code cell raised: the message names the lesson, the cell and the line."""

    def __init__(self, lesson: str, cell: Cell, line: int, error: BaseException, details: str):
        self.lesson, self.cell, self.line, self.error, self.details = lesson, cell, line, error, details
        super().__init__(f"lesson {lesson} failed in cell {cell.number} (the code cell at line {cell.line}), "
                         f"line {line}: {type(error).__name__}: {error}")


class LessonUnreadable(Exception):
    """The lesson's file cannot be read or split into cells: the message says where."""


def output_dir(root: Path, setting: str, info: LessonInfo) -> Path:
    return root / setting / info.module


def load_record(folder: Path) -> Record | None:
    """The cached record in ``folder``, or None if it is missing, unreadable, or a file it names is missing
    or no longer has the bytes it was written with (a corrupt cache entry, which is then run again)."""
    try:
        data = json.loads((folder / RECORD).read_text(encoding="utf-8"))
        record = Record(**{**data, "cells": [CellOutput(**c) for c in data["cells"]]})
    except (OSError, ValueError, TypeError, KeyError):
        return None
    if data.get("checksum") != _checksum(data):
        return None
    if not all((folder / name).is_file() for name in record.files()):
        return None
    if set(record.hashes) != set(record.files()):
        return None
    if any(sha256(folder / name) != digest for name, digest in record.hashes.items()):
        return None
    return record


TIMINGS = "timings.json"


def timings(root: Path, setting: str) -> dict[str, dict]:
    """What the last build measured of each lesson ({"seconds", "render_seconds", "peak_mb"}), kept apart
    from the runs so that the runs themselves hold only what two builds reproduce byte for byte."""
    try:
        data = json.loads((root / setting / TIMINGS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {lesson: m for lesson, m in data.items()
            if isinstance(m, dict) and isinstance(m.get("seconds"), (int, float))
            and isinstance(m.get("peak_mb"), (int, float, type(None)))}  # None: not measured (Windows)


def save_timing(root: Path, setting: str, lesson: str, measured: dict) -> None:
    data = {**timings(root, setting), lesson: measured}
    path = root / setting / TIMINGS
    path.parent.mkdir(parents=True, exist_ok=True)
    write_whole(path, (json.dumps(data, indent=1, sort_keys=True) + "\n").encode())


def write_whole(path: Path, data: bytes) -> None:
    """Write ``path`` all at once: into a temporary file beside it, then renamed over it. Stopped halfway,
    it leaves the old file as it was and no temporary one."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        temporary.write_bytes(data)
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def current_key(info: LessonInfo, setting: str) -> str:
    return run_key(code_cells(parse_file(info.path)), setting)


def fresh_record(info: LessonInfo, setting: str, root: Path) -> Record | None:
    """The cached run if it is whole and its key is the lesson's current one, else None. A lesson that
    cannot be read or parsed is stale, never an error here: its build says what is wrong with it."""
    record = load_record(output_dir(root, setting, info))
    try:
        return record if record is not None and record.key == current_key(info, setting) else None
    except (OSError, ValueError, SyntaxError):
        return None


def is_fresh(info: LessonInfo, setting: str, root: Path) -> bool:
    return fresh_record(info, setting, root) is not None


def build(info: LessonInfo, setting: str, root: Path, force: bool = False, log=None,
          run: session.Session | None = None) -> Record:
    """The lesson's record, from the cache when it is fresh, otherwise by running the lesson (in ``run``, a
    session to read the render time from afterwards, if given). Builds of one lesson take turns: a second
    build waits for the first, then finds its run fresh."""
    return refresh(info, setting, root, force, log, run)[0]


def refresh(info: LessonInfo, setting: str, root: Path, force: bool = False, log=None,
            run: session.Session | None = None) -> tuple[Record, bool]:
    """``build``'s work: the record, and whether the lesson ran for it (False: the cached run was fresh)."""
    if setting not in ("quick", "full"):
        raise ValueError(f"setting must be 'quick' or 'full', got {setting!r}")
    final = output_dir(root, setting, info)
    with lesson_lock(final, log or sys.stderr):
        recover(final)
        try:
            cells = parse_file(info.path)
        except (OSError, ValueError) as error:
            raise LessonUnreadable(f"lesson {info.module} cannot be read: {error}") from error
        check_syntax(info, code_cells(cells))
        key = run_key(code_cells(cells), setting)
        cached = load_record(final)
        if cached is not None and cached.key == key and not force:
            return cached, False
        staging = final.with_name(f".{final.name}.staging-{os.getpid()}")
        staging.mkdir()
        try:
            record = execute(info, cells, setting, staging, key, log, run)
            record.hashes = {name: sha256(staging / name) for name in record.files()}
            data = asdict(record)
            record.checksum = data["checksum"] = _checksum(data)
            (staging / RECORD).write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
            _replace(staging, final)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return record, True


LOCKS = ".locks"  # beside the runs: one lock file per lesson, held by the build of that lesson


@contextlib.contextmanager
def lesson_lock(final: Path, log=None, wait: bool = True):
    """Hold the lesson's lock for the ``with`` block (waiting for another build of it, if need be; with
    ``wait`` False, yield False at once instead). The lock dies with its process, however that ends."""
    path = final.parent / LOCKS / f"{final.name}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if not lock(fd, block=False):
            if not wait:
                yield False
                return
            print(f"  {final.name}: waiting for another build of this lesson to finish", file=log or sys.stderr,
                  flush=True)
            lock(fd, block=True)
        yield True
    finally:
        os.close(fd)


def recover(final: Path) -> None:
    """Clear what an interrupted build of this lesson left beside ``final``: its staging folders, and a
    previous run moved aside but not yet removed, which goes back in place if the new one never arrived.
    Call it holding the lesson's lock: then no other build of the lesson is running, and whatever lies
    there is a leftover."""
    if not final.parent.is_dir():
        return
    for leftover in sorted(final.parent.glob(f".{final.name}.*-*")):
        if ".old-" in leftover.name and not final.exists() and load_record(leftover) is not None:
            leftover.rename(final)  # the swap was cut off between its two renames: the old run is good
        else:
            shutil.rmtree(leftover, ignore_errors=True)


def clear_leftovers(final: Path) -> None:
    """``recover`` now if no build of the lesson is running; otherwise leave it to that build."""
    with lesson_lock(final, wait=False) as held:
        if held:
            recover(final)


def check_syntax(info: LessonInfo, code: list[Cell]) -> None:
    """Compile every code cell before any runs, so that a typo in the last cell fails in a second, named."""
    for cell in code:
        try:
            _compile(info, cell)
        except SyntaxError as error:
            raise LessonFailed(info.module, cell, error.lineno or cell.line, error, "") from error


def _compile(info: LessonInfo, cell: Cell):
    # Pad with blank lines so that tracebacks and line numbers point into the lesson file.
    return compile("\n" * (cell.line - 1) + cell.source, str(info.path), "exec")


def _replace(staging: Path, final: Path) -> None:
    """Swap the new output in; the old one is moved aside first and removed only afterwards."""
    old = final.with_name(f".{final.name}.old-{os.getpid()}")
    if final.exists():
        final.rename(old)
    staging.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def execute(info: LessonInfo, cells: list[Cell], setting: str, out_dir: Path, key: str = "",
            log=None, run: session.Session | None = None) -> Record:
    """Run every code cell in one module namespace, capturing each cell's printed output and shown files.

    ``run`` may be passed in to read what the session measured afterwards (the benchmark's render time).
    """
    log = log or sys.stderr  # looked up now: a build's worker points sys.stderr at its board
    code = code_cells(cells)
    outputs = []
    started = time.perf_counter()
    run = run or session.Session()
    run.quick, run.out_dir, run.echo = setting == "quick", out_dir, False
    with _lesson_module(info) as module, session.activate(run):
        for i, cell in enumerate(code, start=1):
            t0 = time.perf_counter()
            if run.report is not None:  # the build's board: which cell is running, until a loop reports
                run.report(session.Progress(f"cell {i}/{len(code)} (line {cell.line})", 0, None, 0.0))
            buffer = io.StringIO()
            first_shown = len(run.shown)
            run.printed = lambda buffer=buffer: len(buffer.getvalue())
            with contextlib.redirect_stdout(buffer):
                _exec_cell(info, cell, module)
            shown = [asdict(item) for item in run.shown[first_shown:]]
            outputs.append(CellOutput(cell.number, cell.line, buffer.getvalue(), shown))
            print(f"  {info.module} [{setting}] cell {i}/{len(code)} (line {cell.line}) "
                  f"{time.perf_counter() - t0:.2f}s", file=log, flush=True)
    print(f"  {info.module} [{setting}] ran {len(code)} code cells in {time.perf_counter() - started:.1f}s",
          file=log, flush=True)
    return Record(info.module, setting, key, outputs, seeds=list(run.seeds_used),
                  hyperparameters=[list(row) for row in run.hyperparameters])


def run_live(info: LessonInfo, setting: str, run: session.Session) -> None:
    """Run the lesson in this terminal, as ``python -m policywerk.lessons.<module>`` would, printing as it
    goes; a cell that raises is named, with its line, by a LessonFailed."""
    try:
        code = code_cells(parse_file(info.path))
    except (OSError, ValueError) as error:
        raise LessonUnreadable(f"lesson {info.module} cannot be read: {error}") from error
    check_syntax(info, code)
    run.quick = setting == "quick"
    with _lesson_module(info) as module, session.activate(run):
        for cell in code:
            _exec_cell(info, cell, module)


@contextlib.contextmanager
def _lesson_module(info: LessonInfo):
    """A fresh module for the lesson's cells, registered under its name while they run (dataclasses and
    pickle look a class's module up by name)."""
    module = types.ModuleType(f"policywerk.lessons.{info.module}")
    module.__file__ = str(info.path)
    saved = sys.modules.get(module.__name__)
    sys.modules[module.__name__] = module
    try:
        yield module
    finally:
        if saved is None:
            sys.modules.pop(module.__name__, None)
        else:
            sys.modules[module.__name__] = saved


def _exec_cell(info: LessonInfo, cell: Cell, module: types.ModuleType) -> None:
    """Run one cell; anything it raises (a ``sys.exit()`` too) comes out as a LessonFailed that names the
    lesson, the cell and the line. Bad input that the session refused is said in that one line alone."""
    try:
        exec(_compile(info, cell), module.__dict__)
    except (Exception, SystemExit) as error:
        if isinstance(error, SystemExit) and type(error) is not SystemExit:
            raise  # a stop from outside (the build's SIGTERM), not the lesson's own sys.exit()
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == str(info.path)]
        line = frames[-1].lineno if frames else cell.line
        details = "" if isinstance(error, session.BadInput) else traceback.format_exc()
        raise LessonFailed(info.module, cell, line, error, details) from error
