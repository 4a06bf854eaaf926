"""Execute a lesson's code cells in order, capture what each printed and showed, and cache the result.

A run writes into a staging folder and replaces the previous output only when every cell succeeded,
so a failing or interrupted lesson leaves the last good run in place; a later build clears what an
interrupted one left behind and puts a run that was half swapped out back. A cached run is reused while
its content key (code cells, the library files they reach, the setting) is unchanged and every file it
names still has the hash recorded for it; prose is not part of the key.
"""

import contextlib
import fcntl
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
    hashes: dict[str, str] = field(default_factory=dict)  # sha256 of every file the run wrote

    def files(self) -> list[str]:
        return [item["file"] for cell in self.cells for item in cell.shown if item.get("file")]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class LessonFailed(Exception):
    """A code cell raised: the message names the lesson, the cell and the line."""

    def __init__(self, lesson: str, cell: Cell, line: int, error: BaseException, details: str):
        self.lesson, self.cell, self.line, self.error, self.details = lesson, cell, line, error, details
        super().__init__(f"lesson {lesson} failed in cell {cell.number} (the code cell at line {cell.line}), "
                         f"line {line}: {type(error).__name__}: {error}")


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
    return data if isinstance(data, dict) else {}


def save_timing(root: Path, setting: str, lesson: str, measured: dict) -> None:
    data = {**timings(root, setting), lesson: measured}
    path = root / setting / TIMINGS
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{TIMINGS}.{os.getpid()}.partial")
    temporary.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    temporary.replace(path)


def current_key(info: LessonInfo, setting: str) -> str:
    return run_key(code_cells(parse_file(info.path)), setting)


def is_fresh(info: LessonInfo, setting: str, root: Path) -> bool:
    record = load_record(output_dir(root, setting, info))
    return record is not None and record.key == current_key(info, setting)


def build(info: LessonInfo, setting: str, root: Path, force: bool = False, log=None,
          run: session.Session | None = None) -> Record:
    """The lesson's record, from the cache when it is fresh, otherwise by running the lesson (in ``run``, a
    session to read the render time from afterwards, if given)."""
    if setting not in ("quick", "full"):
        raise ValueError(f"setting must be 'quick' or 'full', got {setting!r}")
    final = output_dir(root, setting, info)
    recover(final)
    cells = parse_file(info.path)
    key = run_key(code_cells(cells), setting)
    cached = load_record(final)
    if cached is not None and cached.key == key and not force:
        return cached
    staging = final.with_name(f".{final.name}.staging-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    lock = _hold(staging)  # while this process lives, no other build takes the folder for a leftover
    try:
        record = execute(info, cells, setting, staging, key, log, run)
        record.hashes = {name: sha256(staging / name) for name in record.files()}
        (staging / RECORD).write_text(json.dumps(asdict(record), indent=1, ensure_ascii=False) + "\n",
                                      encoding="utf-8")
        _replace(staging, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        os.close(lock)
    return record


def recover(final: Path) -> None:
    """Clear what an interrupted build of this lesson left beside ``final``: its staging folders, and a
    previous run moved aside but not yet removed, which goes back in place if the new one never arrived.
    A folder still locked by a live build is left alone; a dead process's locks are gone with it."""
    if not final.parent.is_dir():
        return
    for leftover in sorted(final.parent.glob(f".{final.name}.*-*")):
        if not _abandoned(leftover):
            continue
        if ".old-" in leftover.name and not final.exists() and load_record(leftover) is not None:
            leftover.rename(final)  # the swap was cut off between its two renames: the old run is good
        else:
            shutil.rmtree(leftover, ignore_errors=True)


def _hold(folder: Path) -> int:
    """Lock ``folder`` (the lock follows it through renames) and return the descriptor that holds it."""
    fd = os.open(folder, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def _abandoned(folder: Path) -> bool:
    """True if no live process holds ``folder``'s lock."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


def _replace(staging: Path, final: Path) -> None:
    """Swap the new output in; the old one is moved aside (locked, as ours) first and removed only afterwards."""
    old = final.with_name(f".{final.name}.old-{os.getpid()}")
    lock = _hold(final) if final.exists() else None
    try:
        if lock is not None:
            final.rename(old)
        staging.rename(final)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        if lock is not None:
            os.close(lock)


def execute(info: LessonInfo, cells: list[Cell], setting: str, out_dir: Path, key: str = "",
            log=None, run: session.Session | None = None) -> Record:
    """Run every code cell in one module namespace, capturing each cell's printed output and shown files.

    ``run`` may be passed in to read what the session measured afterwards (the benchmark's render time).
    """
    log = log or sys.stderr  # looked up now: a build's worker points sys.stderr at its board
    module = types.ModuleType(f"policywerk.lessons.{info.module}")
    module.__file__ = str(info.path)
    code = code_cells(cells)
    outputs = []
    started = time.perf_counter()
    run = run or session.Session()
    run.quick, run.out_dir, run.echo = setting == "quick", out_dir, False
    saved_module = sys.modules.get(module.__name__)
    sys.modules[module.__name__] = module  # dataclasses and pickle look the module up by name
    try:
        with session.activate(run):
            for i, cell in enumerate(code, start=1):
                t0 = time.perf_counter()
                if run.report is not None:  # the build's board: which cell is running, until a loop reports
                    run.report(session.Progress(f"cell {i}/{len(code)} (line {cell.line})", 0, None, 0.0))
                outputs.append(_run_cell(info, cell, module, run))
                print(f"  {info.module} [{setting}] cell {i}/{len(code)} (line {cell.line}) "
                      f"{time.perf_counter() - t0:.2f}s", file=log, flush=True)
    finally:
        if saved_module is None:
            sys.modules.pop(module.__name__, None)
        else:
            sys.modules[module.__name__] = saved_module
    print(f"  {info.module} [{setting}] ran {len(code)} code cells in {time.perf_counter() - started:.1f}s",
          file=log, flush=True)
    return Record(info.module, setting, key, outputs)


def run_live(info: LessonInfo, setting: str, run: session.Session) -> None:
    """Run the lesson in this terminal, as ``python -m policywerk.lessons.<module>`` would, printing as it
    goes; a cell that raises is named, with its line, by a LessonFailed."""
    module = types.ModuleType(f"policywerk.lessons.{info.module}")
    module.__file__ = str(info.path)
    run.quick = setting == "quick"
    saved_module = sys.modules.get(module.__name__)
    sys.modules[module.__name__] = module  # dataclasses and pickle look the module up by name
    try:
        with session.activate(run):
            for cell in code_cells(parse_file(info.path)):
                compiled = compile("\n" * (cell.line - 1) + cell.source, str(info.path), "exec")
                try:
                    exec(compiled, module.__dict__)
                except Exception as error:
                    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == str(info.path)]
                    line = frames[-1].lineno if frames else cell.line
                    raise LessonFailed(info.module, cell, line, error, traceback.format_exc()) from error
    finally:
        if saved_module is None:
            sys.modules.pop(module.__name__, None)
        else:
            sys.modules[module.__name__] = saved_module


def _run_cell(info: LessonInfo, cell: Cell, module: types.ModuleType, run: session.Session) -> CellOutput:
    # Pad with blank lines so that tracebacks and the line numbers below point into the lesson file.
    compiled = compile("\n" * (cell.line - 1) + cell.source, str(info.path), "exec")
    buffer = io.StringIO()
    first_shown = len(run.shown)
    run.printed = lambda: len(buffer.getvalue())
    try:
        with contextlib.redirect_stdout(buffer):
            exec(compiled, module.__dict__)
    except Exception as error:
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == str(info.path)]
        line = frames[-1].lineno if frames else cell.line
        raise LessonFailed(info.module, cell, line, error, traceback.format_exc()) from error
    shown = [asdict(item) for item in run.shown[first_shown:]]
    return CellOutput(cell.number, cell.line, buffer.getvalue(), shown)
