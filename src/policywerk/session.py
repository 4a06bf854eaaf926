"""The run a lesson is part of: what it is run with, and the files and items it showed.

What a run is run with: its setting (quick or full) and the budgets that the setting chooses
(``budget``), its seeds (``seeds``), progress reports from long loops, and where its files go
(``output_path``). What it showed is recorded here too, item by item (``Shown``), so that the page builder
can place each under the code cell that produced it; the functions that show tables and source live in
``policywerk.show``, and the ones that draw in ``policywerk.viz``.

Run from a terminal, a lesson prints where each file went; run by the page builder, the record of the
run keeps every shown item, the seeds it used and its hyperparameters.

This module imports only ``policywerk.math.checks``, so every layer may use it.
"""

import functools
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from policywerk.math.checks import is_whole


class BadInput(ValueError):
    """A value the reader or the lesson chose that is out of bounds (a negative budget, a bad seed): the
    build reports it in one line, without a traceback."""


@dataclass(frozen=True)
class Shown:
    """One item a lesson showed: a file (image, animation), a Markdown table, or a piece of the library's
    source."""

    kind: str  # "image", "animation", "poster", "frames" (an animation's sidecar), "data", "table" or "source"
    alt: str  # what it shows, in words (alt text for images, caption for tables and source)
    file: str = ""  # file name inside the session's output folder
    markdown: str = ""  # for tables, the table; for source, the code
    at: int = -1  # how many characters the cell had printed when this was shown (-1: not tracked)
    animation: str = ""  # for a table of an animation's trace: the animation's name ...
    frames: list[int | None] = field(default_factory=list)  # ... and, for each row, the frame it links to
    path: str = ""  # for source: its file, relative to the checkout (src/policywerk/...) ...
    first_line: int = 0  # ... and its first ...
    last_line: int = 0  # ... and last line there


@dataclass
class Session:
    quick: bool = False
    out_dir: Path = Path("policywerk-out")
    echo: bool = True  # print what is shown (terminal runs); the page builder turns this off
    shown: list[Shown] = field(default_factory=list)
    printed: Callable[[], int] | None = None  # the page builder's count of characters printed so far
    render_seconds: float = 0.0  # time spent drawing (see ``rendering``), for the benchmark
    seed: int | None = None  # the first seed of the lesson's runs, if the reader chose one (see ``seeds``)
    progress: str = "auto"  # long loops: "bar" on a terminal, a "line" each when done, or "off"; auto: by stderr
    report: Callable[["Progress"], None] | None = None  # where long loops report instead (the build's board)
    seeds_used: list[int] = field(default_factory=list)  # every seed ``seeds`` handed out, in order
    hyperparameters: list[tuple[str, str, str]] = field(default_factory=list)  # (name, value, what it sets)
    on_file: Callable[[Path, "Shown"], None] | None = None  # told of each shown file instead of printing it
    _render_depth: int = 0

    def printed_so_far(self) -> int:
        """How many characters the running cell has printed (where a shown item stands among them), or
        -1 outside the page builder."""
        return self.printed() if self.printed is not None else -1

    def __post_init__(self) -> None:
        if self.seed is not None and not (is_whole(self.seed) and self.seed >= 0):
            raise BadInput(f"the seed must be a non-negative int, got {self.seed!r}")
        if self.progress not in ("auto", "bar", "line", "off"):
            raise ValueError(f"progress must be 'auto', 'bar', 'line' or 'off', got {self.progress!r}")


def _default() -> Session:
    seed = os.environ.get("POLICYWERK_SEED", "")
    if seed and not (seed.isascii() and seed.isdigit()):
        raise BadInput(f"POLICYWERK_SEED must be a non-negative whole number, got {seed!r}")
    return Session(quick=os.environ.get("POLICYWERK_QUICK", "") not in ("", "0"),
                   out_dir=Path(os.environ.get("POLICYWERK_OUT", "policywerk-out")),
                   seed=int(seed) if seed else None)


_current: Session | None = None


def current() -> Session:
    global _current
    if _current is None:
        _current = _default()
    return _current


@contextmanager
def activate(session: Session) -> Iterator[Session]:
    """Make ``session`` the current one for the duration of a ``with`` block."""
    global _current
    previous, _current = _current, session
    try:
        yield session
    finally:
        _current = previous


def budget(full, quick):
    """The full-setting value on the published site; the quick one in tests. A size is never negative."""
    for value in (full, quick):
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
            raise BadInput(f"a budget must not be negative, got full={full!r}, quick={quick!r}")
    return quick if current().quick else full


def seeds(defaults):
    """The seeds a lesson runs with: its own ``defaults`` (an int or a list of ints), unless the reader
    chose a first seed N (``policywerk run --seed N``), in which case N, N + 1, ... as many as there were.
    The run's record keeps every seed handed out here."""
    run = current()
    if run.seed is None:
        chosen = defaults
    else:
        chosen = run.seed if isinstance(defaults, int) else [run.seed + k for k in range(len(defaults))]
    run.seeds_used.extend([chosen] if isinstance(chosen, int) else chosen)
    return chosen


@dataclass(frozen=True)
class Progress:
    """Where a long loop stands: ``done`` of ``total`` items (None: not known) after ``elapsed`` seconds."""

    label: str
    done: int
    total: int | None
    elapsed: float
    finished: bool = False

    def text(self) -> str:
        rate = self.done / max(self.elapsed, 1e-9)
        if self.finished:
            return f"{self.label}: {self.done} in {self.elapsed:.1f} s ({rate:.1f}/s)"
        if not self.done and self.total is None:
            return f"{self.label}: running"
        count = f"{self.done}/{self.total}" if self.total else f"{self.done}"
        left = f", about {(self.total - self.done) / rate:.0f} s left" if self.total and self.done else ""
        return f"{self.label}: {count}, {rate:.1f}/s{left}"


def progress(items: Iterable, label: str, total: int | None = None) -> Iterator:
    """Yield ``items`` and report how far the loop has got, at most four times a second and once when it
    ends, to the session's ``report`` (the parallel build's status board), or else on stderr: on a terminal
    a line redrawn with the count, the rate and the time left, in a log one plain line when it is done."""
    session = current()
    report = session.report or _stderr_reporter(session.progress)
    total = total if total is not None else (len(items) if hasattr(items, "__len__") else None)
    started = last = time.perf_counter()
    done = 0
    try:
        for item in items:
            yield item
            done += 1
            now = time.perf_counter()
            if now - last > 0.25:
                last = now
                report(Progress(label, done, total, now - started))
    finally:  # also when the loop is left early
        report(Progress(label, done, total, time.perf_counter() - started, finished=True))


def _stderr_reporter(style: str) -> Callable[[Progress], None]:
    if style == "auto":
        style = "bar" if sys.stderr.isatty() else "line"

    def report(p: Progress) -> None:
        if style == "bar":
            end = "\n" if p.finished else ""
            print(f"\r\x1b[2K  {p.text()}", end=end, file=sys.stderr, flush=True)
        elif style == "line" and p.finished:
            print(f"  {p.text()}", file=sys.stderr, flush=True)

    return report


def rendering(draw: Callable) -> Callable:
    """Mark a drawing function so the time spent in it counts as rendering, not training."""

    @functools.wraps(draw)
    def timed(*args, **kwargs):
        session = current()
        session._render_depth += 1
        started = time.perf_counter()
        try:
            return draw(*args, **kwargs)
        finally:
            session._render_depth -= 1
            if session._render_depth == 0:
                session.render_seconds += time.perf_counter() - started

    return timed


_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def output_path(name: str, suffix: str) -> Path:
    """Where a shown file called ``name`` goes; names are lower-case words joined by - or _."""
    if not _NAME.match(name):
        raise ValueError(f"output name {name!r} must be lower-case letters, digits, - and _")
    session = current()
    session.out_dir.mkdir(parents=True, exist_ok=True)
    return session.out_dir / f"{name}{suffix}"


def show_file(path: Path, alt: str, kind: str = "image") -> Shown:
    """Record a file the lesson wrote (into ``output_path``) so its page shows it here."""
    session = current()
    if path.parent.resolve() != session.out_dir.resolve():
        raise ValueError(f"{path} is not in the session's output folder {session.out_dir}")
    if not alt.strip():
        raise ValueError(f"{path.name} needs alt text that says what it shows")
    item = Shown(kind, alt, file=path.name, at=session.printed_so_far())
    session.shown.append(item)
    if session.on_file is not None:  # the try-it runner, which sends pictures to the page
        session.on_file(path, item)
    elif session.echo:
        print(f"[{kind}] {path}")
    return item

