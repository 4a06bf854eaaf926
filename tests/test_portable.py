"""The build machinery on a system without POSIX's modules (Windows): literate/portable.py holds what differs, and
every module of the policywerk command imports, and a lesson runs, without fcntl, resource or SIGHUP."""

import os
import subprocess
import sys

from policywerk.literate.portable import lock, peak_mb


def test_a_lock_is_held_until_its_file_is_closed(tmp_path):
    path = tmp_path / "lesson.lock"
    first = os.open(path, os.O_RDWR | os.O_CREAT)
    second = os.open(path, os.O_RDWR | os.O_CREAT)  # another open file, as another build's would be
    try:
        assert lock(first, block=False)
        assert not lock(second, block=False)
        os.close(first)
        assert lock(second, block=False)
    finally:
        os.close(second)


def test_peak_memory_is_measured_here():
    assert 10 < peak_mb() < 10_000


WITHOUT_POSIX = """
import signal, sys
sys.modules["fcntl"] = None  # an import of either now fails, as on Windows
sys.modules["resource"] = None
del signal.SIGHUP
import policywerk.__main__, policywerk.literate.cli, policywerk.literate.parallel, policywerk.literate.runner
import policywerk.literate.serve
from policywerk.literate.portable import STOPS, peak_mb
assert STOPS == (signal.SIGTERM,) and peak_mb() is None
from policywerk.literate.cli import main
sys.exit(main(["run", "l01", "--quick", "--out", sys.argv[1]]))
"""


def test_without_posix_modules_the_command_imports_and_runs_a_lesson(tmp_path):
    result = subprocess.run([sys.executable, "-c", WITHOUT_POSIX, str(tmp_path)], capture_output=True, text=True,
                            timeout=120, env={**os.environ, "MPLBACKEND": "Agg"})
    assert result.returncode == 0, result.stderr[-2000:]
    assert any(tmp_path.glob("*.gif")), "the lesson drew its animation"


class FakeMsvcrt:
    """msvcrt's locking as Windows documents it, on this machine: a byte range locked by one open file cannot be
    locked by another (OSError), until that file is closed."""
    LK_NBLCK = 2

    def __init__(self):
        self.held = {}  # (device, inode) -> the fd that holds it

    def locking(self, fd, mode, nbytes):
        assert mode == self.LK_NBLCK and nbytes == 1
        key = os.fstat(fd)[1:3]
        holder = self.held.get(key)
        if holder is not None and holder != fd and _is_open(holder):
            raise OSError(36, "Resource deadlock avoided")
        self.held[key] = fd


def _is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


def test_the_windows_lock_says_held_at_once_or_waits_for_the_holder(tmp_path, monkeypatch):
    import threading

    from policywerk.literate import portable

    monkeypatch.setattr(portable, "WINDOWS", True)
    monkeypatch.setitem(sys.modules, "msvcrt", FakeMsvcrt())
    path = tmp_path / "lesson.lock"
    first, second = os.open(path, os.O_RDWR | os.O_CREAT), os.open(path, os.O_RDWR | os.O_CREAT)
    assert portable.lock(first, block=False) and not portable.lock(second, block=False)
    threading.Timer(0.3, os.close, (first,)).start()  # the other build ends
    assert portable.lock(second, block=True)  # and this one, which waited, has it
    os.close(second)
