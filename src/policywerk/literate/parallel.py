"""Build lessons in worker processes, ``jobs`` at a time, each lesson in a fresh interpreter of its own.

A fresh process per lesson keeps one lesson's imports and figures out of the next, and makes its peak
memory its own to measure. Each worker writes to the parent through a one-way pipe of its own: the plain
lines of finished steps, the status of its long loops, and its result. A full pipe makes a chatty worker
wait for the parent, so nothing piles up in memory; a parent that is gone breaks the pipe. The parent shows
the messages on a ``Board`` and records what each lesson measured in ``timings.json``.

Stopping is clean however it comes: Ctrl-C reaches every process of the terminal's group; ``kill`` of the
parent stops its workers first; a worker whose parent died stops by itself. A worker that stops removes
its staging folder on the way out, and the next build of the lesson clears what a harder kill left behind.

``policywerk build`` waits for the outcomes; ``policywerk serve`` also hears of each one as it lands.
"""

import multiprocessing
import os
import signal
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from multiprocessing.connection import wait

from policywerk import session
from policywerk.lessons import LessonInfo
from policywerk.literate.board import Board
from policywerk.literate.portable import STOPS, peak_mb
from policywerk.literate.runner import (
    LessonFailed,
    LessonUnreadable,
    clear_leftovers,
    output_dir,
    refresh,
    save_timing,
)

STOP_SECONDS = 10.0  # how long stopped workers get to clean up, all together, before they are killed


@dataclass
class Outcome:
    module: str
    ok: bool
    measured: dict  # seconds, render_seconds, peak_mb (empty when the lesson failed)
    error: str = ""  # why it failed, in one line (a cell's error names the lesson, the cell and the line)
    details: str = ""  # the traceback of a cell's error, if any
    cell: int = 0  # the number of the cell that failed, among all the lesson's cells (0: none)


class Terminated(SystemExit):
    """Raised by the SIGTERM handler: a worker stops, its ``finally`` blocks run, and it exits 128 + 15.
    A ``SystemExit`` of this exact class is never mistaken for a lesson's own ``sys.exit()``."""


def longest_first(stale: list[LessonInfo], measured: dict[str, dict]) -> list[LessonInfo]:
    """The longest first, so that the last to finish is not a long one started late: by the last build's
    measure, or for a first build by the catalog's estimate."""
    return sorted(stale, key=lambda info: -measured.get(info.module, {}).get("seconds", info.seconds))


def build_in_workers(stale: list[LessonInfo], setting: str, root, jobs: int, force: bool,
                     board: Board, landed=None) -> list[Outcome]:
    """Build ``stale`` (in that order, no lesson twice), at most ``jobs`` at once; each lesson's outcome.
    ``landed``, if given, is called with each outcome as it arrives; what it raises stops the build as
    Ctrl-C does."""
    context = multiprocessing.get_context("spawn")
    waiting, running, outcomes = list(stale), {}, {}  # running: the reading end of a pipe -> (info, process)
    try:
        while waiting or running:
            while waiting and len(running) < jobs:
                info = waiting.pop(0)
                reader, writer = context.Pipe(duplex=False)
                worker = context.Process(target=_work, args=(info, setting, root, force, writer, os.getpid()),
                                         name=f"policywerk-{info.module}", daemon=True)
                running[reader] = (info, worker)  # before it starts: a stop from now on stops it too
                worker.start()
                writer.close()  # the worker holds the only writing end: its exit reads as the end of the pipe
                board.line(f"{info.module} [{setting}]: running")
            for reader in wait(list(running), timeout=0.5):
                info, worker = running[reader]
                try:
                    kind, payload = reader.recv()
                except Exception:  # the worker has exited, perhaps killed in the middle of a message
                    del running[reader]
                    reader.close()
                    worker.join()
                    board.finish(info.module)
                    outcomes[info.module] = _finished(info, worker, outcomes.get(info.module), setting, root, board)
                    if landed is not None:
                        landed(outcomes[info.module])
                    continue
                if kind == "line":
                    board.line(payload)
                elif kind == "status":
                    board.update(info.module, payload)
                elif kind == "failed":
                    outcomes[info.module] = Outcome(info.module, False, {}, **payload)
                else:  # "done", or "cached": another build ran it meanwhile
                    outcomes[info.module] = Outcome(info.module, True, payload)
    except BaseException:
        with _signals_held():
            _stop(running)
            for info in stale:  # what a worker killed at the deadline left: its staging, a half-done swap
                clear_leftovers(output_dir(root, setting, info))
        raise
    return [outcomes[info.module] for info in stale]


def _finished(info: LessonInfo, worker, outcome: Outcome | None, setting: str, root, board: Board) -> Outcome:
    if outcome is None:
        clear_leftovers(output_dir(root, setting, info))  # its staging folder, if it died too hard to remove it
        ended = f"lesson {info.module}'s process ended (exit code {worker.exitcode}) before it finished"
        board.line(f"policywerk: {ended}; its previous good run, if any, was left in place")
        return Outcome(info.module, False, {}, error=ended)
    if outcome.ok and not outcome.measured:
        board.line(f"{info.module} [{setting}]: up to date (another build ran it meanwhile)")
    elif outcome.ok:
        m = outcome.measured
        save_timing(root, setting, info.module, m)
        memory = f", peak memory {m['peak_mb']} MB" if m["peak_mb"] is not None else ""
        board.line(f"{info.module} [{setting}]: done in {m['seconds']:.1f} s (drawing {m['render_seconds']:.1f} s)"
                   + memory)
    return outcome


def _stop(running: dict) -> None:
    """Stop every running worker: SIGTERM, then read what they still say (so that none waits on a full pipe)
    until all have exited or ``STOP_SECONDS`` have passed, then SIGKILL whatever is left. SIGTERM goes again
    each second to a worker still running: a signal may be taken by any thread of a process, only its main
    thread runs Python's handlers, and a main thread asleep (a lesson's ``time.sleep``) is not woken by a
    signal that another thread took."""
    deadline = time.monotonic() + STOP_SECONDS
    readers, again = list(running), 0.0
    while readers and time.monotonic() < deadline:
        if time.monotonic() >= again:
            for _, worker in running.values():
                if worker.is_alive():
                    worker.terminate()
            again = time.monotonic() + 1.0
        for reader in wait(readers, timeout=0.1):
            try:
                reader.recv()
            except Exception:  # the end, or a message cut off: either way nothing more to read there
                readers.remove(reader)
    for reader, (_, worker) in running.items():
        if worker.is_alive():
            worker.kill()
        worker.join()
        reader.close()


class _signals_held:
    """Hold off Ctrl-C, SIGTERM and SIGHUP while a stop cleans up, so that a second one cannot cut it short."""

    SIGNALS = (signal.SIGINT, *STOPS)

    def __enter__(self):
        self.previous = {s: signal.signal(s, signal.SIG_IGN) for s in self.SIGNALS}

    def __exit__(self, *exc):
        for s, handler in self.previous.items():
            signal.signal(s, handler)


class _Lines:
    """A text stream that sends each complete line to the parent."""

    def __init__(self, send):
        self.send, self.pending = send, ""

    def write(self, text: str) -> int:
        self.pending += text
        *lines, self.pending = self.pending.split("\n")
        for line in lines:
            self.send("line", line)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def _terminate(signum, frame):
    raise Terminated(128 + signum)


def _work(info: LessonInfo, setting: str, root, force: bool, writer, parent: int) -> None:
    """One lesson in a worker process: build it and report the outcome and what it measured."""
    for number in STOPS:
        signal.signal(number, _terminate)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()

    def send(kind: str, payload) -> None:
        writer.send((kind, payload))  # waits while the pipe is full; raises if the parent is gone

    sys.stderr = _Lines(send)
    cell = [""]  # the running cell's status, shown again when one of its loops is done

    def report(p: session.Progress) -> None:
        if p.finished:
            send("line", f"  {info.module}: {p.text()}")
            send("status", cell[0])
        else:
            if p.label.startswith("cell "):
                cell[0] = p.text()
            send("status", p.text())

    run = session.Session(report=report)
    started = time.perf_counter()
    try:
        _, ran = refresh(info, setting, root, force=force, run=run)
    except LessonFailed as error:
        if error.details:
            print(error.details, file=sys.stderr)
        print(f"policywerk: {error}", file=sys.stderr)
        send("failed", {"error": str(error), "details": error.details, "cell": error.cell.number})
        return
    except LessonUnreadable as error:
        print(f"policywerk: {error}", file=sys.stderr)
        send("failed", {"error": str(error)})
        return
    except KeyboardInterrupt:
        sys.exit(130)  # stopped by Ctrl-C: the staging folder is gone already, and the parent knows
    except Exception:  # not a cell's error (those are LessonFailed): the build itself broke
        details, error = traceback.format_exc(), f"building lesson {info.module} failed outside its cells"
        print(details, file=sys.stderr)
        print(f"policywerk: {error}", file=sys.stderr)
        send("failed", {"error": error, "details": details})
        return
    if not ran:
        send("cached", {})  # it waited for another build of the lesson, which left a fresh run
        return
    measured = {"seconds": round(time.perf_counter() - started, 1), "render_seconds": round(run.render_seconds, 1),
                "peak_mb": peak_mb()}
    send("done", measured)


def _exit_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os.kill(os.getpid(), signal.SIGTERM)  # the build that started us is gone: stop as if told to
