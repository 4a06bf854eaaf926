"""What a build shows while its lessons run: finished steps as plain lines, and on a terminal, below them,
one status line per running lesson, redrawn as its long loops report (the count, the rate, the time left).

In a log (output that is not a terminal) only the plain lines appear, one per finished step, so that a CI
log reads top to bottom with no control characters in it.
"""

import os
import shutil
import sys
import time
from typing import TextIO

UP_AND_CLEAR = "\x1b[{n}F\x1b[J"  # move to the start of the line n lines up, clear from there down


class Board:
    def __init__(self, stream: TextIO | None = None, live: bool | None = None):
        self.stream = stream or sys.stderr
        self.live = _is_terminal(self.stream) if live is None else live
        self.status: dict[str, str] = {}  # job -> its latest status, in the order the jobs started
        self.drawn = 0  # how many status lines are on the screen now
        self.last_draw = 0.0

    def line(self, text: str) -> None:
        """A finished step: printed for good, above the status lines."""
        self._erase()
        self.stream.write(text.rstrip("\n") + "\n")
        self._draw()

    def update(self, job: str, text: str) -> None:
        """A running job's status: shown on a terminal (at most ten redraws a second), dropped in a log."""
        self.status[job] = text
        if self.live and time.monotonic() - self.last_draw > 0.1:
            self._erase()
            self._draw()

    def finish(self, job: str) -> None:
        self.status.pop(job, None)
        if self.live:
            self._erase()
            self._draw()

    def _erase(self) -> None:
        if self.drawn:
            self.stream.write(UP_AND_CLEAR.format(n=self.drawn))
            self.drawn = 0

    def _draw(self) -> None:
        if self.live and self.status:
            width = max(_columns(self.stream) - 1, 20)  # a status line that wrapped would break the redraw
            for job, text in self.status.items():
                self.stream.write(f"{job}: {text}"[:width] + "\n")
            self.drawn = len(self.status)
        self.last_draw = time.monotonic()
        self.stream.flush()


def _columns(stream: TextIO) -> int:
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError):
        return shutil.get_terminal_size().columns


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
