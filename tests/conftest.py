import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from policywerk.math.random import Rng

ROOT = Path(__file__).resolve().parents[1]


def exactly(message: str) -> str:
    """A ``pytest.raises(match=...)`` pattern that accepts this message, whole, and nothing else."""
    return "^" + re.escape(message) + "$"


class Draws(Rng):
    """A generator whose ``random()`` returns the given numbers in turn (``itertools.repeat(x)``: x forever),
    to put a draw exactly on a threshold."""

    def __init__(self, draws):
        super().__init__(0)
        self.draws = iter(draws)

    def random(self):
        return next(self.draws)


def central_differences(params, loss, h=1e-6):
    """Central differences of ``loss()`` in every entry of every (values, grads) pair of ``params``: the
    gradient to check a backward pass against."""
    out = []
    for values, _ in params:
        row = []
        for k in range(len(values)):
            keep = values[k]
            values[k] = keep + h
            up = loss()
            values[k] = keep - h
            down = loss()
            values[k] = keep
            row.append((up - down) / (2 * h))
        out.append(row)
    return out


@pytest.fixture(scope="session")
def quick_build(tmp_path_factory):
    """``quick_build(module)``: that lesson built once per test session in the quick setting, as
    ``(info, root, record)``, shared by its own tests and the reproducibility test."""
    from policywerk.lessons import find
    from policywerk.literate.runner import build

    cache = {}
    # One root for every lesson: the site is built from the same runs. POLICYWERK_TEST_RUNS names a folder
    # of runs to reuse (fresh ones are not run again), for iterating on the site and the browser tests.
    reuse = os.environ.get("POLICYWERK_TEST_RUNS")
    root = Path(reuse) if reuse else tmp_path_factory.mktemp("runs")

    def get(module: str):
        if module not in cache:
            info = find(module)
            cache[module] = (info, root, build(info, "quick", root))
        return cache[module]

    return get


# A fork, as GitHub describes it to the Pages workflow: the test suite's site is built as it would publish it.
FORK = {"github.server_url": "https://github.com", "github.repository": "a-fork/rl-notes",
        "steps.pages.outputs.base_url": "https://a-fork.github.io/rl-notes"}


def publishing_environment(github: dict[str, str]) -> dict[str, str]:
    """The environment that .github/workflows/pages.yml gives its ``make site`` step, in a repository that
    GitHub describes with ``github`` (the workflow's expressions and their values): each ``${{ ... }}``
    replaced by its value, and one this function is not told fails the test that reads it."""
    import yaml

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    (site,) = [step for step in steps if step.get("run", "").startswith("make site")]

    def value(match: re.Match) -> str:
        assert match[1] in github, f"pages.yml's make site step reads ${{{{ {match[1]} }}}}, unknown here"
        return github[match[1]]

    return {name: re.sub(r"\$\{\{\s*([\w.]+)\s*\}\}", value, str(text)) for name, text in site.get("env", {}).items()}


class SecondBuild:
    """Every lesson built once more from nothing by ``policywerk build --quick``, each lesson in a fresh
    process of its own, as ``make lessons`` does (test_lessons compares it with ``quick_build``'s). It can
    start early, beside the first build, which runs the lessons one after another in this process, and so
    takes the other core; ``root()`` waits for it."""

    def __init__(self, folder: Path):
        self.folder, self.process = folder, None

    def start(self, jobs: int) -> None:
        if self.process is None:
            command = [sys.executable, "-m", "policywerk.literate", "build", "--quick", "--jobs", str(jobs),
                       "--root", str(self.folder / "runs")]
            with open(self.folder / "stderr.txt", "w") as err:
                self.process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err,
                                                env={**os.environ, "PYTHONPATH": str(ROOT / "src")})

    def root(self) -> Path:
        self.start(jobs=2)
        code = self.process.wait()
        assert code == 0, (self.folder / "stderr.txt").read_text()[-4000:]
        return self.folder / "runs"


@pytest.fixture(scope="session")
def second_build(tmp_path_factory):
    build = SecondBuild(tmp_path_factory.mktemp("second-build"))
    yield build
    if build.process is not None and build.process.poll() is None:  # the session ended before it was needed
        build.process.kill()
        build.process.wait()


@pytest.fixture(scope="session")
def quick_site(request, tmp_path_factory, quick_build) -> Path:
    """The whole site built with ``mkdocs build --strict`` in the quick setting, into a temporary folder, from
    the lessons' quick runs of this test session (each lesson runs once per session, not once more here). It
    is built as the Pages workflow would publish it from a fork (``FORK``): the tests find the fork's links."""
    from policywerk.lessons import available

    if any("second_build" in item.fixturenames for item in request.session.items):
        request.getfixturevalue("second_build").start(jobs=1)  # on the other core, while these run here
    runs = {quick_build(info.module)[1] for info in available()}
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "POLICYWERK_SETTING": "quick", "POLICYWERK_RUNS": str(runs.pop()),
           "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true", **publishing_environment(FORK)}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}"
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def site_url(quick_site):
    """The quick site served by ``python -m http.server`` on 127.0.0.1."""
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                               "--directory", str(quick_site)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.05)
    yield url
    server.terminate()
    server.wait(timeout=10)


CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def browser():
    chromium = shutil.which("chromium")
    required = os.environ.get("POLICYWERK_REQUIRE_BROWSER") == "1"
    if chromium is None:
        if required:
            pytest.fail("Chromium is required (POLICYWERK_REQUIRE_BROWSER=1) but not on PATH")
        pytest.skip("Chromium is not installed (apt-get install chromium); .ci/run installs it")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if required:
            pytest.fail("playwright is required for the browser tests: pip install -e '.[test]'")
        pytest.skip("playwright is not installed: pip install -e '.[test]'")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        yield b
        b.close()
