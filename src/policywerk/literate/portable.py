"""What the build machinery does differently on Windows: locking a file, the signals that stop a command,
stopping the mkdocs server, and a process's peak memory. Nothing here is imported that a platform lacks. The POSIX
branches run in the tests, the Windows lock against a stand-in for msvcrt; the rest follows the standard
library's documentation and has not run on Windows. One difference stays unhandled: a worker or mkdocs notices
that the command that started it has died by its parent's process id changing (parallel.py, serve.py), which
Windows never changes, so there a killed command can leave them running."""

import os
import signal
import subprocess
import sys
import time

WINDOWS = os.name == "nt"

# What stops a command as Ctrl-C does: `kill`, and SIGHUP where a closed terminal sends it (not on Windows).
STOPS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


def lock(fd: int, block: bool) -> bool:
    """Lock the open file ``fd`` for this process until it closes the file or ends, however it ends. With
    ``block``, wait for another holder to let go; without, return False at once if there is one."""
    if WINDOWS:
        import msvcrt

        while True:
            try:
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
                return True
            except OSError:
                if not block:
                    return False
                time.sleep(0.2)
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if block else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


def peak_mb() -> int | None:
    """This process's peak resident memory in MB, or None where the standard library cannot tell (Windows)."""
    try:
        import resource
    except ImportError:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # in kB, but in bytes on macOS
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024))


def interrupt(process: subprocess.Popen) -> None:
    """Ask a child to stop as Ctrl-C would: SIGINT, so that mkdocs removes its temporary site. Windows sends
    no SIGINT to one process: there it is terminated."""
    if WINDOWS:
        process.terminate()
    else:
        process.send_signal(signal.SIGINT)
