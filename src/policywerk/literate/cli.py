"""``policywerk``: list, run and build the lessons from a terminal.

    policywerk list [--quick] [--root DIR]
    policywerk run LESSON [--seed N] [--quick] [--out DIR]
    policywerk build [LESSON ...] [--quick] [--jobs N] [--force] [--root DIR]
    policywerk serve [--addr HOST:PORT] [--quick] [--jobs N] [--root DIR]

``run`` runs one lesson here and now, printing its story as it goes and writing its pictures to ``--out``.
``build`` is what the site uses: it runs every lesson whose cached run is stale, ``--jobs`` at once (one
per core by default), keeps the cache under ``--root``, writes a manifest of every artifact's hash, and (in
the full setting, for the checkout's own runs) refreshes the posters and the plain Markdown pages.
``serve`` (``make serve``) serves the site of a checkout at once and builds the stale lessons behind it, as
``build`` does; a lesson's page shows that it is being built until its run lands, then fills in. Lessons
edited while it serves are built again (see serve.py).
"""

import argparse
import os
import signal
import sys
import time
from pathlib import Path

from policywerk import lessons, session
from policywerk.literate import publish, serve
from policywerk.literate.board import Board
from policywerk.literate.parallel import build_in_workers, longest_first
from policywerk.literate.portable import STOPS
from policywerk.literate.runner import (
    RECORD,
    LessonFailed,
    LessonUnreadable,
    fresh_record,
    is_fresh,
    output_dir,
    run_live,
    timings,
)

DEFAULT_ROOT = Path("build/lessons")


class Stopped(BaseException):
    """The command was told to stop (SIGTERM, or SIGHUP from a closed terminal). Like KeyboardInterrupt it
    is no Exception, so that neither a lesson's cell nor the runner takes it for an error of the lesson."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


class UsageError(Exception):
    """Bad input from the command line: one line for the reader, exit status 2."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="policywerk", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True,
                                metavar="{list,run,build,serve,exercises,check}")
    listing = sub.add_parser("list", help="the lessons, whether they are written, and their cached runs")
    run = sub.add_parser("run", help="run one lesson in this terminal")
    run.add_argument("lesson", help="a lesson: l01, 01, 1, l01_bellman or l01-bellman")
    run.add_argument("--seed", help="the first seed of the lesson's runs (a non-negative int; default: the "
                                    "lesson's own)")
    run.add_argument("--out", type=Path, default=Path("policywerk-out"), help="where the pictures go")
    making = sub.add_parser("build", help="run every stale lesson and cache the runs (what the site uses)")
    making.add_argument("lessons", nargs="*", help="lessons to build (default: every lesson that is written)")
    making.add_argument("--force", action="store_true", help="run even when the cached run is fresh")
    serving = sub.add_parser("serve", help="serve the site at once, and build the stale lessons behind it")
    serving.add_argument("--addr", default="127.0.0.1:8000", help="where to serve it (HOST:PORT; default "
                                                                  "127.0.0.1:8000)")
    sub.add_parser("exercises", help="the lessons' exercises, each a function to write")
    checking = sub.add_parser("check", help="check your answer to an exercise (exit 0 right, 1 wrong, 2 bad input)")
    checking.add_argument("exercise", help="an exercise, as `policywerk exercises` lists it: l04.expected_sarsa")
    checking.add_argument("file", type=Path, help="a Python file that defines the exercise's function")
    for p in (making, serving):
        p.add_argument("--jobs", default="0", help="lessons to run at once (default 0: one per core)")
    for p in (listing, run, making, serving):
        p.add_argument("--quick", action="store_true", help="tiny budgets, as in the tests")
    for p in (listing, making, serving):
        p.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="where the runs are cached")
    args = parser.parse_args(argv)
    setting = "quick" if getattr(args, "quick", False) else "full"
    for number in STOPS:  # `kill` and a closed terminal stop it as Ctrl-C does
        signal.signal(number, _stop)
    try:
        if args.command in ("exercises", "check"):
            return _exercises(args)
        if args.command == "list":
            return list_lessons(setting, args.root)
        if args.command == "run":
            return run_lesson(find_written(args.lesson), setting, args.out, parse_seed(args.seed))
        if args.command == "serve":
            return serve.serve(setting, args.root, parse_addr(args.addr), parse_jobs(args.jobs))
        chosen = list({info.module: info for info in map(find_written, args.lessons)}.values())  # each once
        chosen = chosen or lessons.available()
        return build_lessons(chosen, setting, args.root, parse_jobs(args.jobs), args.force)
    except UsageError as error:
        print(f"policywerk: {error}", file=sys.stderr)
        return 2
    except serve.CannotServe as error:
        print(f"policywerk: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `policywerk list | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so that exiting flushes nowhere
        return 0
    except (KeyboardInterrupt, Stopped) as stop:
        after = {"build": "; nothing half-written was kept, and the next build carries on",
                 "serve": ", the server and the lessons' builds with it; nothing half-written was kept"}
        print(f"policywerk: stopped{after.get(args.command, '')}", file=sys.stderr)
        return 128 + (stop.signum if isinstance(stop, Stopped) else signal.SIGINT)


def _exercises(args) -> int:
    from policywerk.exercises import terminal

    try:
        return terminal.listing() if args.command == "exercises" else terminal.check_file(args.exercise, args.file)
    except terminal.CannotCheck as error:
        print(f"policywerk: {error}", file=sys.stderr)
        return 2


def _stop(signum, frame):
    raise Stopped(signum)


def find_written(name: str) -> lessons.LessonInfo:
    try:
        info = lessons.find(name)
    except KeyError as error:
        raise UsageError(error.args[0]) from None
    if not info.exists:
        raise UsageError(f"lesson {info.module} is not written yet")
    return info


def parse_seed(text: str | None) -> int | None:
    if text is None:
        return None
    if not (text.isascii() and text.isdigit()):
        raise UsageError(f"--seed must be a non-negative whole number, got {text!r}")
    return int(text)


def parse_jobs(text: str) -> int:
    if not (text.isascii() and text.isdigit()):
        raise UsageError(f"--jobs must be a whole number, 0 for one per core, got {text!r}")
    if int(text):
        return int(text)
    if hasattr(os, "sched_getaffinity"):  # Linux: the cores this process may use, not all there are
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def parse_addr(text: str) -> str:
    host, colon, port = text.rpartition(":")
    if not (colon and host and port.isascii() and port.isdigit() and 0 < int(port) < 65536):
        raise UsageError(f"--addr must be HOST:PORT with a port from 1 to 65535, such as 127.0.0.1:8000, "
                         f"got {text!r}")
    return text


def list_lessons(setting: str, root: Path) -> int:
    seconds = timings(root, setting)
    print(f"{'#':>2}  {'lesson':18} {'state':11} {'last run':>9}  {'digest':16}  title")
    for info in lessons.CATALOG:
        record = fresh_record(info, setting, root) if info.exists else None
        if not info.exists:
            state = "not written"
        elif record is not None:
            state = "fresh"
        else:  # a run that no longer checks out (other code, an older format, a changed file) is stale
            state = "stale" if (output_dir(root, setting, info) / RECORD).is_file() else "never run"
        took = f"{seconds[info.module]['seconds']:.0f} s" if info.module in seconds else ""
        mark = publish.digest(record)[:16] if record is not None else ""
        print(f"{info.number:>2}  {info.module:18} {state:11} {took:>9}  {mark:16}  {info.title}")
    print(f"({setting} setting, runs cached under {root}; the digest is of each fresh run's files, as on its page)")
    return 0


def run_lesson(info: lessons.LessonInfo, setting: str, out: Path, seed: int | None) -> int:
    run = session.Session(quick=setting == "quick", out_dir=out, seed=seed)
    try:
        run_live(info, setting, run)
    except LessonFailed as error:
        if error.details:
            print(error.details, file=sys.stderr)
        print(f"policywerk: {error}", file=sys.stderr)
        return 1
    except LessonUnreadable as error:
        print(f"policywerk: {error}", file=sys.stderr)
        return 1
    return 0


def build_lessons(chosen: list[lessons.LessonInfo], setting: str, root: Path, jobs: int, force: bool) -> int:
    board = Board()
    stale = [info for info in chosen if force or not is_fresh(info, setting, root)]
    for info in chosen:
        if info not in stale:
            board.line(f"{info.module} [{setting}]: up to date")
    stale = longest_first(stale, timings(root, setting))
    started = time.perf_counter()
    at_once = max(1, min(jobs, len(stale)))
    outcomes = build_in_workers(stale, setting, root, at_once, force, board) if stale else []
    failed = [outcome.module for outcome in outcomes if not outcome.ok]
    if stale:
        took = time.perf_counter() - started
        board.line(f"built {len(stale) - len(failed)} of {len(stale)} lessons in {took:.1f} s, {at_once} at a time")
    publish.manifest(root, setting)
    if setting == "full" and root.resolve() == publish.CHECKOUT_RUNS:  # not for runs kept elsewhere
        publish.checkout(root)
    if failed:
        board.line(f"policywerk: {', '.join(failed)} failed; the previous good run of each, if any, was left in place")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
