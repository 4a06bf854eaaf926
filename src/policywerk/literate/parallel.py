"""Build lessons in worker processes, ``jobs`` at a time, each lesson in a fresh interpreter of its own.

A fresh process per lesson keeps one lesson's imports and figures out of the next, and makes its peak
memory its own to measure. Workers send everything they would print to the parent through one queue: the
plain lines of finished steps, the status of their long loops, and their result. The parent shows them on
a ``Board`` and records what each lesson measured in ``timings.json``.

Stopping is clean however it comes: Ctrl-C reaches every process of the terminal's group; ``kill`` of the
parent stops its workers first; a worker whose parent died stops by itself. A worker that stops removes
its staging folder on the way out, and ``runner.recover`` clears what a harder kill left behind.
"""

import multiprocessing
import os
import queue
import resource
import signal
import sys
import threading
import time
import traceback
from dataclasses import dataclass

from policywerk import session
from policywerk.lessons import LessonInfo
from policywerk.literate.board import Board
from policywerk.literate.runner import LessonFailed, build, output_dir, recover, save_timing


@dataclass
class Outcome:
    module: str
    ok: bool
    measured: dict  # seconds, render_seconds, peak_mb (empty when the lesson failed)


class Stopped(Exception):
    """The build was told to stop (SIGTERM)."""


def build_in_workers(stale: list[LessonInfo], setting: str, root, jobs: int, force: bool,
                     board: Board) -> list[Outcome]:
    """Build ``stale`` (in that order), at most ``jobs`` at once; returns each lesson's outcome."""
    context = multiprocessing.get_context("spawn")
    messages = context.Queue()
    waiting, running, outcomes = list(stale), {}, {}
    previous = signal.signal(signal.SIGTERM, _raise_stopped)
    try:
        while waiting or running:
            while waiting and len(running) < jobs:
                info = waiting.pop(0)
                worker = context.Process(target=_work, args=(info, setting, root, force, messages, os.getpid()),
                                         name=f"policywerk-{info.module}", daemon=True)
                worker.start()
                running[info.module] = worker
                board.line(f"{info.module} [{setting}]: running")
            _show(messages, board, outcomes, timeout=0.2)
            for module, worker in list(running.items()):
                if worker.exitcode is None:
                    continue
                while _show(messages, board, outcomes, timeout=0.05):
                    pass  # what it said before it exited
                worker.join()
                del running[module]
                board.finish(module)
                if module not in outcomes:
                    board.line(f"policywerk: lesson {module}'s process ended with exit code {worker.exitcode} "
                               "before it finished")
                    outcomes[module] = Outcome(module, False, {})
                elif outcomes[module].ok:
                    m = outcomes[module].measured
                    save_timing(root, setting, module, m)
                    board.line(f"{module} [{setting}]: done in {m['seconds']:.1f} s (drawing "
                               f"{m['render_seconds']:.1f} s), peak memory {m['peak_mb']} MB")
    except (KeyboardInterrupt, Stopped):
        _stop(running.values())
        for info in stale:
            recover(output_dir(root, setting, info))
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)
    return [outcomes[info.module] for info in stale]


def _show(messages, board: Board, outcomes: dict, timeout: float) -> bool:
    """Show one message from the workers, if one comes within ``timeout`` seconds; False if none came."""
    try:
        kind, module, payload = messages.get(timeout=timeout)
    except queue.Empty:
        return False
    if kind == "line":
        board.line(payload)
    elif kind == "status":
        board.update(module, payload)
    else:
        outcomes[module] = Outcome(module, kind == "done", payload)
    return True


def _stop(workers) -> None:
    for worker in workers:
        if worker.is_alive():
            worker.terminate()  # SIGTERM: the worker cleans up its staging folder and exits
    for worker in workers:
        worker.join(timeout=10)
        if worker.is_alive():
            worker.kill()
            worker.join()


def _raise_stopped(signum, frame):
    raise Stopped()


class _Lines:
    """A text stream that sends each complete line to the parent."""

    def __init__(self, messages, module: str):
        self.messages, self.module, self.pending = messages, module, ""

    def write(self, text: str) -> int:
        self.pending += text
        *lines, self.pending = self.pending.split("\n")
        for line in lines:
            self.messages.put(("line", self.module, line))
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def _work(info: LessonInfo, setting: str, root, force: bool, messages, parent: int) -> None:
    """One lesson in a worker process: build it and report the outcome and what it measured."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    sys.stderr = _Lines(messages, info.module)

    cell = [""]  # the running cell's status, shown again when one of its loops is done

    def report(p: session.Progress) -> None:
        if p.finished:
            messages.put(("line", info.module, f"  {info.module}: {p.text()}"))
            messages.put(("status", info.module, cell[0]))
        else:
            if p.label.startswith("cell "):
                cell[0] = p.text()
            messages.put(("status", info.module, p.text()))

    run = session.Session(report=report)
    started = time.perf_counter()
    try:
        build(info, setting, root, force=force, run=run)
    except LessonFailed as error:
        print(error.details, file=sys.stderr)
        print(f"policywerk: {error}", file=sys.stderr)
        messages.put(("failed", info.module, {}))
        return
    except (KeyboardInterrupt, SystemExit):
        return  # stopped: the staging folder is gone already, and the parent knows
    except Exception:  # not a cell's error (those are LessonFailed): the build itself broke
        print(traceback.format_exc(), file=sys.stderr)
        print(f"policywerk: building lesson {info.module} failed outside its cells", file=sys.stderr)
        messages.put(("failed", info.module, {}))
        return
    measured = {"seconds": round(time.perf_counter() - started, 1), "render_seconds": round(run.render_seconds, 1),
                "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}
    messages.put(("done", info.module, measured))


def _exit_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os.kill(os.getpid(), signal.SIGTERM)  # the build that started us is gone: stop as if told to
