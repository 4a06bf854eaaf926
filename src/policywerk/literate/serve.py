"""``policywerk serve``: the site at once, and the lessons built behind it.

A fresh clone has no runs, and the full setting takes minutes to make them. So ``serve`` starts ``mkdocs
serve`` first, with each lesson's page as it can be: the usual page for a lesson with a fresh run; for one
that is waiting or running, its prose and code with a note in place of each cell's output; for one that
failed, its error. Once the site is served it builds the stale lessons in worker processes, longest first,
as ``policywerk build`` does, and after each lesson lands it rewrites a small status file that mkdocs
watches: the site is rebuilt and the open pages reload. Then it keeps looking, once a second, for a lesson
whose cache key changed (its code, or library code it uses, was edited) and builds that one again. A lesson
that failed is built again only when its key changes.

The status file, ``<root>/<setting>/serve/status.json``, is written whole. It holds, for each lesson that
landed, ``{"state": "done"}`` or ``{"state": "failed", "key", "error", "details", "cell"}``. While
``POLICYWERK_SERVE_STATUS`` names it, scripts/gen_pages.py reads it and never runs a lesson itself.

Stopping: Ctrl-C, ``kill`` or a closed terminal stops the build as it stops ``policywerk build`` (no
staging folder, no half-written run), then the server. mkdocs runs in a session of its own, so that it is
stopped exactly once, by this command, whatever stopped this command; if this command dies, mkdocs
notices and stops by itself, as the build's workers do.
"""

import contextlib
import json
import os
import runpy
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from policywerk import lessons
from policywerk.lessons import LessonInfo
from policywerk.literate import publish
from policywerk.literate.board import Board
from policywerk.literate.deps import PACKAGE_ROOT
from policywerk.literate.parallel import Outcome, _signals_held, build_in_workers, longest_first
from policywerk.literate.portable import interrupt
from policywerk.literate.runner import RECORD, current_key, is_fresh, output_dir, sha256, timings, write_whole

POLL_SECONDS = 1.0  # how often the lessons' keys are checked for an edit once every lesson is built
STOP_SECONDS = 10.0  # how long mkdocs gets to shut down before it is killed


class CannotServe(Exception):
    """The site cannot be served (not from a checkout, or the address is taken): one line, exit status 1."""


class ServerEnded(Exception):
    """mkdocs serve exited by itself: the lessons' builds stop with it."""

    def __init__(self, code: int):
        super().__init__(code)
        self.code = code


def status_path(root: Path, setting: str) -> Path:
    return root / setting / "serve" / "status.json"


def read_status(path: Path) -> dict[str, dict]:
    """The lessons' entries in the status file at ``path``; none if it is missing or unreadable."""
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["lessons"]
    except (OSError, ValueError, TypeError, KeyError):
        return {}
    return entries if isinstance(entries, dict) else {}


def lesson_key(info: LessonInfo, setting: str) -> str:
    """The lesson's cache key; for a lesson whose code cannot be read or compiled (its build fails), a hash
    of its file instead. Either one changes when the lesson is edited, which is what a failure waits for."""
    try:
        return current_key(info, setting)
    except (ValueError, SyntaxError):
        try:
            return f"source {sha256(info.path)}"
        except OSError:
            return ""
    except OSError:
        return ""


def failure(entries: dict[str, dict], info: LessonInfo, setting: str) -> dict | None:
    """The lesson's failure, if ``entries`` hold one for its code as it is now."""
    entry = entries.get(info.module)
    if isinstance(entry, dict) and entry.get("state") == "failed" and entry.get("key") == lesson_key(info, setting):
        return entry
    return None


def estimate(info: LessonInfo, setting: str, root: Path) -> float | None:
    """About how long the lesson's run takes here: what the last build measured or, in the full setting, the
    catalog's estimate (none for a quick run never measured: those take seconds)."""
    measured = timings(root, setting).get(info.module)
    if measured is not None:
        return measured["seconds"]
    return info.seconds if setting == "full" and info.seconds else None


class Status:
    """The status file: what has landed, rewritten whole after each landing so that mkdocs rebuilds."""

    def __init__(self, path: Path, setting: str):
        self.path, self.setting, self.lessons = path, setting, {}

    def landed(self, outcome: Outcome, key: str) -> None:
        if outcome.ok:
            self.lessons[outcome.module] = {"state": "done"}
        else:
            self.lessons[outcome.module] = {"state": "failed", "key": key, "error": outcome.error,
                                            "details": outcome.details, "cell": outcome.cell}
        self.write()

    def write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"setting": self.setting, "lessons": self.lessons}
        write_whole(self.path, (json.dumps(data, indent=1, sort_keys=True) + "\n").encode())


def serve(setting: str, root: Path, addr: str, jobs: int) -> int:
    """Serve the checkout's site on ``addr`` (HOST:PORT) and build its stale lessons behind it, ``jobs`` at
    once, until stopped. It returns only if mkdocs ends by itself, with mkdocs's exit status."""
    if not (publish.CHECKOUT / "mkdocs.yml").is_file():
        raise CannotServe(f"serve shows a checkout's site, and {publish.CHECKOUT} has no mkdocs.yml")
    _check_free(addr)
    root = root.resolve()
    board = Board(live=False)  # plain lines: mkdocs writes to the same terminal, which redrawn lines would garble
    status = Status(status_path(root, setting), setting)
    status.write()
    server = None
    try:
        server = _start_mkdocs(addr, setting, root, status.path)
        _wait_until_served(server, addr)
        seen: dict[str, str] = {}  # lesson -> its key when it was last found fresh, or landed
        stale = _stale(setting, root, status, seen)
        if not stale:
            board.line("policywerk: every lesson's run is fresh; watching the lessons for edits")
        while True:
            if stale:
                _build(stale, setting, root, jobs, board, status, seen, server)
            else:
                _check(server)
                time.sleep(POLL_SECONDS)
            stale = _stale(setting, root, status, seen)
    except ServerEnded as ended:
        board.line(f"policywerk: mkdocs serve ended by itself (exit status {ended.code}); the lessons' builds "
                   "stopped with it")
        return ended.code
    finally:
        with _signals_held():  # a second Ctrl-C must not cut the stop short
            _stop_mkdocs(server)
            status.path.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                status.path.parent.rmdir()


def _stale(setting: str, root: Path, status: Status, seen: dict[str, str]) -> list[tuple[LessonInfo, str]]:
    """The lessons to build now, each with its key: those without a fresh run, except the ones that failed
    with the code they have now. A lesson whose key is the one it had when last found fresh, and whose run
    is still there, is not checked again (reading a run back hashes every file it wrote)."""
    stale = []
    for info in lessons.available():
        key = lesson_key(info, setting)
        entry = status.lessons.get(info.module, {})
        if entry.get("state") == "failed" and entry.get("key") == key:
            continue
        if seen.get(info.module) == key and (output_dir(root, setting, info) / RECORD).is_file():
            continue
        if is_fresh(info, setting, root):
            seen[info.module] = key
        else:
            stale.append((info, key))
    return stale


def _build(stale: list[tuple[LessonInfo, str]], setting: str, root: Path, jobs: int, board: Board,
           status: Status, seen: dict[str, str], server: subprocess.Popen) -> None:
    keys = {info.module: key for info, key in stale}
    order = longest_first([info for info, _ in stale], timings(root, setting))
    at_once = max(1, min(jobs, len(order)))
    board.line(f"policywerk: building {len(order)} lesson{'s' * (len(order) > 1)} in the background, {at_once} "
               "at a time; each page fills in when its run lands")

    def landed(outcome: Outcome) -> None:
        seen[outcome.module] = keys[outcome.module]
        status.landed(outcome, keys[outcome.module])
        if not outcome.ok:
            board.line(f"policywerk: {outcome.module} failed (its page shows why); it is built again when it is "
                       "edited, and the other lessons go on")
        _check(server)

    started = time.perf_counter()
    outcomes = build_in_workers(order, setting, root, at_once, False, board, landed)
    failed = [outcome.module for outcome in outcomes if not outcome.ok]
    board.line(f"built {len(order) - len(failed)} of {len(order)} lessons in {time.perf_counter() - started:.1f} s"
               + (f" ({', '.join(failed)} failed)" if failed else "") + "; watching the lessons for edits")
    publish.manifest(root, setting)
    if setting == "full" and root == publish.CHECKOUT_RUNS:  # as `policywerk build` does for the checkout's runs
        publish.checkout(root)


def _check_free(addr: str) -> None:
    host, _, port = addr.rpartition(":")
    host = host.strip("[]")
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as mkdocs's server does
            probe.bind((host, int(port)))
    except OSError as error:
        raise CannotServe(f"cannot serve on {addr}: {error.strerror or error}; choose another with "
                          "--addr HOST:PORT") from None


def _start_mkdocs(addr: str, setting: str, root: Path, status: Path) -> subprocess.Popen:
    here = str(PACKAGE_ROOT.parent)  # this package, wherever it was imported from
    env = {**os.environ, "POLICYWERK_SERVE_STATUS": str(status), "POLICYWERK_SETTING": setting,
           "POLICYWERK_RUNS": str(root), "PYTHONPATH": os.pathsep.join(filter(None, [here, os.environ.get(
               "PYTHONPATH")]))}
    for quiet in ("NO_MKDOCS_2_WARNING", "DISABLE_MKDOCS_2_WARNING"):  # two banners that hide real warnings
        env.setdefault(quiet, "true")
    command = [sys.executable, "-c", "from policywerk.literate.serve import mkdocs; mkdocs()",
               "serve", "--dev-addr", addr, "--watch", str(status.parent)]
    return subprocess.Popen(command, cwd=publish.CHECKOUT, env=env, start_new_session=True)


def mkdocs() -> None:
    """mkdocs's command line, as the process that ``serve`` starts runs it: with Python's handler of SIGINT
    (a command started from a background shell inherits SIGINT ignored), and stopping as if ``serve`` had
    sent it SIGINT when ``serve`` is gone."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    threading.Thread(target=_stop_with_parent, args=(os.getppid(),), daemon=True).start()
    runpy.run_module("mkdocs", run_name="__main__", alter_sys=True)


def _stop_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os.kill(os.getpid(), signal.SIGINT)


def _wait_until_served(server: subprocess.Popen, addr: str) -> None:
    """Wait for mkdocs's first build: it opens its port when that is done. Until then the lessons wait,
    so that the first page comes as soon as it can on a machine with few cores."""
    host, _, port = addr.rpartition(":")
    while True:
        _check(server)
        try:
            socket.create_connection((host.strip("[]"), int(port)), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)


def _check(server: subprocess.Popen) -> None:
    code = server.poll()
    if code is not None:
        raise ServerEnded(code if code >= 0 else 128 - code)


def _stop_mkdocs(server: subprocess.Popen | None) -> None:
    if server is None or server.poll() is not None:
        return
    interrupt(server)  # mkdocs shuts down and removes its temporary site
    try:
        server.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
