"""The README's commands without make: scripts/make.py does what each make target does (the Makefile calls it),
with Python alone; `python -m policywerk` is the policywerk command; installs use constraints.txt."""

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NEEDED = ("scripts/make.py", "scripts/vendor_pyodide.py", "scripts/vendor/pyodide/package.json",
          "scripts/vendor/pyodide/package-lock.json", "pyproject.toml")
# The lock to check: the checkout's, or under `make lock` the candidate it will copy there if every test passes.
CONSTRAINTS = Path(os.environ.get("POLICYWERK_CONSTRAINTS", ROOT / "constraints.txt"))


@pytest.fixture
def fresh(tmp_path) -> Path:
    """A checkout's files that make.py reads, in a folder with no .venv and no runtime yet."""
    for name in NEEDED:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "constraints.txt").write_text("# the pinned versions\n")
    return tmp_path


def planned(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(folder / "scripts" / "make.py"), "--dry-run", *args], cwd=folder,
                          capture_output=True, text=True, timeout=60)


def test_on_a_fresh_checkout_serve_creates_the_venv_installs_pinned_fetches_the_runtime_and_serves(fresh):
    result = planned(fresh, "serve", "--addr", "127.0.0.1:8123")
    assert result.returncode == 0, result.stderr
    venv = fresh / ".venv"
    python = venv / "bin" / "python"
    assert result.stdout.splitlines() == [
        f"{sys.executable} -m venv {venv}",
        f"{python} -m pip install --quiet -c constraints.txt -e .[docs,test]",
        f"{sys.executable} {fresh / 'scripts' / 'vendor_pyodide.py'}",
        f"{python} -m policywerk serve --addr 127.0.0.1:8123"]


def test_test_passes_its_arguments_to_pytest_and_unpinned_installs_without_constraints(fresh):
    result = planned(fresh, "--unpinned", "test", "-x", "-k", "cliff")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1].endswith("-m pip install --quiet -e .[docs,test]")
    assert lines[-1].endswith("-m pytest -x -k cliff")


def test_without_constraints_it_says_what_to_do_and_fails(fresh):
    (fresh / "constraints.txt").unlink()
    result = planned(fresh, "install")
    assert result.returncode == 1
    assert "constraints.txt is missing" in result.stderr and "--unpinned" in result.stderr


def test_unknown_arguments_are_refused(fresh):
    result = planned(fresh, "serve", "--port", "8")
    assert result.returncode == 2 and "unrecognized arguments: --port 8" in result.stderr


def test_the_venvs_python_is_where_windows_puts_it_on_windows():
    spec = importlib.util.spec_from_file_location("make_py", ROOT / "scripts" / "make.py")
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)
    assert make.venv_python(Path("v"), windows=True) == Path("v", "Scripts", "python.exe")
    assert make.venv_python(Path("v"), windows=False) == Path("v", "bin", "python")


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_the_makefile_runs_make_py_for_the_readmes_two_commands():
    for target, expected in (("serve", "scripts/make.py serve --addr 127.0.0.1:8000"), ("test", "scripts/make.py test"),
                             ("lock", "scripts/make.py lock")):
        shown = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True).stdout
        assert expected in shown, (target, shown)
    shown = subprocess.run(["make", "-n", "serve", "UNPINNED=1"], cwd=ROOT, capture_output=True, text=True).stdout
    assert "scripts/make.py --unpinned serve" in shown
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_python_m_policywerk_is_the_policywerk_command():
    listed = subprocess.run([sys.executable, "-m", "policywerk", "list", "--quick", "--root", "/nonexistent"],
                            capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0 and "l01_bellman" in listed.stdout and "never run" in listed.stdout
    helped = subprocess.run([sys.executable, "-m", "policywerk", "serve", "--help"], capture_output=True, text=True)
    assert helped.returncode == 0 and "--addr" in helped.stdout


def test_constraints_pin_exact_versions_of_what_the_extras_install():
    text = CONSTRAINTS.read_text(encoding="utf-8")
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)$", text, re.M))
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert len(pins) == len(lines), "every line is name==version"
    names = {name.lower().replace("_", "-") for name in pins}
    assert {"matplotlib", "mkdocs", "mkdocs-material", "pytest", "playwright", "cffconvert"} <= names
    assert "policywerk" not in names  # the package itself is installed from the checkout
