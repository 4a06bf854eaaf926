"""What ``make`` does, with Python alone (for readers without make, on Windows for one); the Makefile calls this.

    python scripts/make.py serve [--addr HOST:PORT]   create .venv, install, serve the site and run the lessons
    python scripts/make.py test [PYTEST ARGS]         create .venv, install, run the whole test suite
    python scripts/make.py install | runtime | lessons | site | lint
    python scripts/make.py lock                       refresh constraints.txt (see below)

``install`` creates the virtual environment ``.venv`` if it is missing and installs the package with its docs and
test extras at the versions in constraints.txt: those the whole test suite last passed with. It runs again only
when pyproject.toml or constraints.txt changed. ``--unpinned`` installs the newest versions that pyproject.toml
allows instead (say, on a Python that the pinned versions have no wheels for). ``runtime`` copies the in-browser
Python for the try-it cells (scripts/vendor_pyodide.py; it needs npm, and without it the site builds all the same).

``lock`` makes a fresh environment in build/lock-venv with the newest versions allowed, writes what it installed
beside it, runs the whole test suite in it (the browser tests required, as in CI; the suite's check of the lock
reads that candidate), and only if every test passed copies the candidate to constraints.txt. ``--dry-run``
prints the commands instead of running them.
"""

from __future__ import annotations  # so that an older Python reaches the version check below

import argparse
import hashlib
import os
import platform
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
CONSTRAINTS = ROOT / "constraints.txt"
EXTRAS = ".[docs,test]"
RUNTIME = ROOT / "docs" / "assets" / "pyodide" / "VENDORED.txt"
RUNTIME_INPUTS = (ROOT / "scripts" / "vendor" / "pyodide" / "package-lock.json", ROOT / "scripts" / "vendor_pyodide.py")
# Every command runs with these: quiet about what does not concern the reader, and Python in UTF-8 mode, so that
# the lessons' λ and ± are written as on Linux where a system's default encoding is another (Windows).
ENV = {"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true", "PIP_DISABLE_PIP_VERSION_CHECK": "1",
       "PYTHONUTF8": "1"}


class Failed(Exception):
    """A step failed: its command and exit status, for one line on the terminal."""


def venv_python(venv: Path, windows: bool = os.name == "nt") -> Path:
    """The environment's own Python: Scripts\\python.exe on Windows, bin/python elsewhere."""
    return venv / "Scripts" / "python.exe" if windows else venv / "bin" / "python"


class Make:
    def __init__(self, dry_run: bool = False, unpinned: bool = False):
        self.dry_run, self.unpinned = dry_run, unpinned
        self.python = venv_python(VENV)

    def run(self, *command, cwd: Path = ROOT, env: dict[str, str] | None = None) -> None:
        shown = " ".join([*(f"{name}={value}" for name, value in (env or {}).items()), *map(str, command)])
        if self.dry_run:
            print(shown)
            return
        process = subprocess.Popen([str(part) for part in command], cwd=cwd, env={**os.environ, **ENV, **(env or {})})
        interrupted = False
        while True:
            try:
                status = process.wait()
                break
            except KeyboardInterrupt:  # the command had the same Ctrl-C: let it stop as it does (serve keeps the
                interrupted = True     # lessons' last good runs), however long that takes
        if interrupted:
            raise KeyboardInterrupt
        if status:
            raise Failed(f"{shown} (exit status {status})")

    def install_key(self) -> str:
        """What the installed environment must match: pyproject.toml, and constraints.txt unless unpinned."""
        if not self.unpinned and not CONSTRAINTS.is_file():
            raise Failed(f"{CONSTRAINTS.name} is missing: restore it (git checkout {CONSTRAINTS.name}), make one "
                         "with `make lock`, or install the newest allowed versions with --unpinned (UNPINNED=1)")
        inputs = (ROOT / "pyproject.toml").read_bytes() + (b"unpinned" if self.unpinned else CONSTRAINTS.read_bytes())
        return hashlib.sha256(inputs).hexdigest()

    def install(self) -> None:
        stamp = VENV / ".installed"
        wanted = self.install_key()
        if stamp.is_file() and stamp.read_text() == wanted and self.python.is_file():
            return
        if not self.python.is_file():
            self.run(sys.executable, "-m", "venv", VENV)
        pins = () if self.unpinned else ("-c", CONSTRAINTS.name)
        self.run(self.python, "-m", "pip", "install", "--quiet", *pins, "-e", EXTRAS)
        if not self.dry_run:
            stamp.write_text(wanted)

    def runtime(self) -> None:
        built = RUNTIME.stat().st_mtime if RUNTIME.is_file() else 0
        if built < max(path.stat().st_mtime for path in RUNTIME_INPUTS):
            self.run(sys.executable, ROOT / "scripts" / "vendor_pyodide.py")

    def lessons(self) -> None:
        self.install()
        self.run(self.python, "-m", "policywerk", "build", "--jobs", "0")

    def serve(self, addr: str) -> None:
        self.install()
        self.runtime()
        self.run(self.python, "-m", "policywerk", "serve", "--addr", addr)

    def site(self) -> None:
        self.lessons()
        self.runtime()
        self.run(self.python, "-m", "mkdocs", "build", "--strict")

    def test(self, args: list[str]) -> None:
        self.install()
        self.runtime()
        self.run(self.python, "-m", "pytest", *args)

    def lint(self) -> None:
        self.install()
        self.run(self.python, "-m", "ruff", "check", "src", "tests", "scripts")

    def lock(self) -> None:
        venv = ROOT / "build" / "lock-venv"
        python, candidate = venv_python(venv), venv / CONSTRAINTS.name
        self.run(sys.executable, "-m", "venv", "--clear", venv)
        self.run(python, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        self.run(python, "-m", "pip", "install", "--quiet", "-e", EXTRAS)
        if self.dry_run:
            print(f"({python} -m pip freeze --exclude-editable, into {candidate})")
        else:
            frozen = subprocess.run([python, "-m", "pip", "freeze", "--exclude-editable"], capture_output=True,
                                    text=True, check=True).stdout
            candidate.write_text(header(python) + "".join(sorted(frozen.splitlines(True), key=str.lower)))
        self.runtime()
        self.run(python, "-m", "pytest", "-q",
                 env={"POLICYWERK_REQUIRE_BROWSER": "1", "POLICYWERK_CONSTRAINTS": str(candidate)})
        if self.dry_run:
            print(f"(then {candidate} copied to {CONSTRAINTS.name})")
            return
        shutil.copy(candidate, CONSTRAINTS)
        pins = sum(1 for line in candidate.read_text().splitlines() if line and not line.startswith("#"))
        print(f"{CONSTRAINTS.name}: {pins} versions, with which every test passed")


def header(python: Path) -> str:
    version = subprocess.run([python, "-c", "import platform; print(platform.python_version())"],
                             capture_output=True, text=True, check=True).stdout.strip()
    return (f"# The versions the whole test suite last passed with: `make lock` (python scripts/make.py lock) on\n"
            f"# {date.today().isoformat()}, Python {version} on {platform.system()} {platform.machine()}. "
            f"make serve, make test\n"
            "# and CI install with it as pip constraints (-c): it pins what the package's docs and test extras\n"
            "# pull in, and nothing that a platform does not need. The package itself keeps its open ranges\n"
            "# (pyproject.toml). Refresh it with `make lock`; install without it with `make serve UNPINNED=1`.\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python scripts/make.py", description=__doc__.splitlines()[0])
    parser.add_argument("target", choices=["install", "runtime", "lessons", "serve", "site", "test", "lint", "lock"])
    parser.add_argument("--addr", default="127.0.0.1:8000", help="where serve serves the site (HOST:PORT)")
    parser.add_argument("--unpinned", action="store_true", help="the newest versions allowed, not constraints.txt")
    parser.add_argument("--dry-run", action="store_true", help="print the commands instead of running them")
    args, rest = parser.parse_known_args(argv)
    if rest and args.target != "test":
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if sys.version_info < (3, 11):  # noqa: UP036 (this file is run by whichever Python the reader has)
        parser.error(f"Policywerk needs Python 3.11 or newer; this is {platform.python_version()}")
    make = Make(args.dry_run, args.unpinned)
    try:
        if args.target == "serve":
            make.serve(args.addr)
        elif args.target == "test":
            make.test(rest)
        else:
            getattr(make, args.target)()
    except Failed as failed:
        print(f"make.py {args.target}: {failed}", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as error:
        print(f"make.py {args.target}: {' '.join(map(str, error.cmd))} (exit status {error.returncode})",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
