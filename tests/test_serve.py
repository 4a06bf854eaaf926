"""``policywerk serve``: the site is served before the lessons are built; a lesson's page says that it is
being built until its run lands, then shows its outputs; a failing lesson's page shows its error (lesson,
cell, line) while the others are whole, and is built again once edited; Ctrl-C stops the server and the
build together, with nothing half-written left and the last good run kept.

Each test serves a copy of the checkout (its src/, docs/, overrides/, mkdocs.yml and page generator) in
which small test lessons take the places of the real ones, so that the command, mkdocs, the page generator
and the build's workers all see the same few lessons; the pages are read over HTTP from the served site."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from conftest import _free_port
from policywerk.lessons import find
from policywerk.literate.cells import code_cells, parse
from policywerk.literate.page import render_failed, render_pending
from test_cli import LESSON, SLOW, gone
from test_links import Page

ROOT = Path(__file__).resolve().parents[1]
PROSE = "\n# %% [markdown]\n# The prose between the cells, which a pending page shows too.\n"
BOOM = "\n# %%\nx = 1\nraise RuntimeError('boom')\n"


def gate(path: Path) -> str:
    """A last cell that waits until ``path`` exists: the test says when the run may land."""
    return f"\n# %%\nimport os, time\nwhile not os.path.exists({str(path)!r}):\n    time.sleep(0.05)\n"


def lesson_text(n: int, extra: str = "") -> str:
    return LESSON.format(n=n, seed=4, steps=2) + PROSE + extra


def checkout(tmp_path: Path, lessons: dict[str, str]) -> Path:
    """A copy of the checkout whose written lessons are ``lessons`` (module name -> source), in the
    catalog's places: the other lessons are not written there."""
    copy = tmp_path / "checkout"
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("src", "docs", "overrides"):
        shutil.copytree(ROOT / folder, copy / folder, ignore=skip)
    for name in ("mkdocs.yml", "CHANGELOG.md", "CITATION.cff"):
        shutil.copy(ROOT / name, copy / name)
    (copy / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "gen_pages.py", copy / "scripts" / "gen_pages.py")
    for path in (copy / "src" / "policywerk" / "lessons").glob("l0*.py"):
        path.unlink()
    for module, text in lessons.items():
        (copy / "src" / "policywerk" / "lessons" / f"{module}.py").write_text(text)
    return copy


def policywerk(copy: Path, *args: str) -> list[str]:
    """The ``policywerk`` command of the copy, with Python's handler of SIGINT: a suite started from a
    background shell inherits SIGINT ignored, and Ctrl-C would then not reach the command it stands for."""
    code = ("import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler)\n"
            f"sys.path.insert(0, {str(copy / 'src')!r})\n"
            "from policywerk.literate.cli import main\n"
            f"sys.exit(main({list(args)!r}))\n")
    return [sys.executable, "-c", code]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, ""
    except OSError:
        return 0, ""


class Served:
    """``policywerk serve --quick`` of a checkout copy on a free port, its terminal output read as it comes."""

    def __init__(self, copy: Path, root: Path):
        port = _free_port()
        self.copy, self.root, self.site = copy, root, f"http://127.0.0.1:{port}/policywerk/"
        env = {**os.environ, "PYTHONPATH": str(copy / "src")}
        command = policywerk(copy, "serve", "--quick", "--root", str(root), "--addr", f"127.0.0.1:{port}")
        self.process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True, start_new_session=True)
        self.lines: list[str] = []
        self.reader = threading.Thread(target=lambda: self.lines.extend(self.process.stdout), daemon=True)
        self.reader.start()

    def said(self) -> str:
        return "".join(self.lines)

    def page(self, slug: str, until, seconds: float = 30) -> str:
        """The lesson's page as served, once ``until(html)`` holds."""
        deadline = time.time() + seconds
        while time.time() < deadline:
            assert self.process.poll() is None, f"serve ended early:\n{self.said()}"
            status, html = fetch(f"{self.site}lessons/{slug}/")
            if status == 200 and until(html):
                return html
            time.sleep(0.2)
        raise AssertionError(f"{slug}'s page never became what was awaited:\n{self.said()[-3000:]}")

    def children(self) -> list[int]:
        """The processes this command started: mkdocs and the build's workers."""
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                found.append(int(stat.parent.name))
        return found

    def stop(self, signal_number: int = signal.SIGINT, group: bool = True) -> int:
        """``signal_number`` to the whole process group (Ctrl-C in a terminal) or to the command alone."""
        if group:
            os.killpg(self.process.pid, signal_number)
        else:
            self.process.send_signal(signal_number)
        code = self.process.wait(timeout=30)
        self.reader.join(timeout=10)
        return code

    def close(self) -> None:  # the whole group: mkdocs, left alone, would hold the output open
        if self.process.poll() is None:
            self.stop(signal.SIGTERM)


@pytest.fixture
def serve(tmp_path):
    """``serve(lessons)``: a served copy of the checkout with those lessons; stopped after the test."""
    started = []

    def start(lessons: dict[str, str], root: Path | None = None) -> Served:
        copy = tmp_path / "checkout" if (tmp_path / "checkout").is_dir() else checkout(tmp_path, lessons)
        started.append(Served(copy, root or tmp_path / "runs"))
        return started[-1]

    yield start
    for served in started:
        served.close()


def text_of(html: str) -> str:
    """The page's text, tags dropped and entities read, enough to find a sentence in it."""
    text = re.sub(r"<[^>]+>", "", html)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&#39;", "'") \
        .replace("&amp;", "&")


def broken_links(url: str, html: str) -> list[str]:
    """Every image, script, stylesheet and link of the page on this site that does not answer 200."""
    page = Page()
    page.feed(html)
    broken = []
    for href in set(page.links):
        target = urljoin(url, href)
        if urlsplit(target).netloc != urlsplit(url).netloc or href.startswith("#"):
            continue
        if fetch(target.partition("#")[0])[0] != 200:
            broken.append(href)
    return broken


def test_the_pending_page_has_prose_and_code_a_note_in_place_of_each_output_and_no_broken_link(tmp_path,
                                                                                              serve):
    info = find("l01")
    text = lesson_text(1, gate(tmp_path / "never"))
    timings = tmp_path / "runs" / "quick" / "timings.json"  # what an earlier build measured: the estimate
    timings.parent.mkdir(parents=True)
    timings.write_text('{"l01_bellman": {"seconds": 754.0, "render_seconds": 1.0, "peak_mb": 90}}')
    served = serve({info.module: text})
    html = served.page(info.slug, lambda html: "Being built" in html)
    words = text_of(html)
    assert "The prose between the cells, which a pending page shows too." in words
    for cell in code_cells(parse(text)):  # every code cell, whole
        assert cell.source in words, cell.source
    assert words.count("Being built") == 1 + len(code_cells(parse(text)))  # at the top, and for each cell
    assert "takes about 12 min 30 s here" in words
    assert 'title="Output"' not in html and "seed 4 steps 2" not in words  # no output of any cell
    assert "<img" not in html.partition('class="md-content"')[2].partition("</article>")[0]
    assert not broken_links(f"{served.site}lessons/{info.slug}/", html)
    assert 'download="l01_bellman.py"' in html  # the downloads are made from the source, and are served
    home = fetch(served.site)
    assert home[0] == 200 and not broken_links(served.site, home[1])


def test_a_run_that_lands_while_serving_fills_its_page_in(tmp_path, serve):
    info = find("l01")
    opened = tmp_path / "open"
    served = serve({info.module: lesson_text(1, gate(opened) + "print('the run ' + 'landed')\n")})
    served.page(info.slug, lambda html: "Being built" in html)
    opened.touch()
    html = served.page(info.slug, lambda html: "the run landed" in html)
    assert "Being built" not in html and "seed 4 steps 2" in text_of(html)
    (figure,) = re.findall(r'<img[^>]*src="([^"]*l91-figure\.png)"', html)
    status, _ = fetch(urljoin(f"{served.site}lessons/{info.slug}/", figure))
    assert status == 200
    assert not broken_links(f"{served.site}lessons/{info.slug}/", html)
    assert "l01_bellman [quick]: done in" in served.said()


@pytest.mark.browser
def test_an_open_page_reloads_itself_when_the_run_lands(tmp_path, serve, browser):
    info = find("l01")
    opened = tmp_path / "open"
    served = serve({info.module: lesson_text(1, gate(opened))})
    served.page(info.slug, lambda html: "Being built" in html)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{served.site}lessons/{info.slug}/")
    assert page.locator(".admonition.note").count() == 4 and page.locator("img.pw-figure").count() == 0
    opened.touch()  # the run lands; nobody reloads the page but mkdocs's live reload
    page.wait_for_selector("img.pw-figure", timeout=30_000)
    page.wait_for_function("document.querySelector('img.pw-figure').naturalWidth > 0")
    assert page.locator(".admonition.note").count() == 0
    page.close()


def test_a_failing_lesson_shows_its_error_while_the_other_is_whole_and_is_built_again_once_edited(serve):
    good, bad = find("l01"), find("l02")
    failing = lesson_text(2, BOOM)
    served = serve({good.module: lesson_text(1), bad.module: failing})
    html = served.page(bad.slug, lambda html: "failed to build" in html)
    cell = code_cells(parse(failing))[-1]
    error = (f"lesson {bad.module} failed in cell {cell.number} (the code cell at line {cell.line}), "
             f"line {cell.line + 1}: RuntimeError: boom")
    words = text_of(html)
    assert words.count(error) == 2  # at the top, and in place of the failing cell's output
    assert words.index("failed to build") < words.index("The prose between the cells")
    assert words.index("x = 1\nraise RuntimeError('boom')") < words.rindex(error)
    assert re.search(r'<details class="failure">\s*<summary>Traceback</summary>', html)
    assert 'Traceback (most recent call last)' in words and "Being built" not in words
    assert error in served.said()  # and in the terminal
    whole = served.page(good.slug, lambda html: "seed 4 steps 2" in html)
    assert "Being built" not in whole and "failed to build" not in whole
    assert not broken_links(f"{served.site}lessons/{good.slug}/", whole)
    time.sleep(2.5)  # the watch looks every second: a failure is not built again while its code is the same
    assert served.said().count(f"{bad.module} [quick]: running") == 1
    lesson = served.copy / "src" / "policywerk" / "lessons" / f"{bad.module}.py"
    lesson.write_text(failing.replace("raise RuntimeError('boom')", "print('fi' + 'xed')"))
    fixed = served.page(bad.slug, lambda html: "fixed" in text_of(html), seconds=60)
    assert "failed to build" not in fixed and served.process.poll() is None


@pytest.mark.parametrize("signal_number, group, code", [(signal.SIGINT, True, 130), (signal.SIGINT, False, 130),
                                                        (signal.SIGTERM, False, 143)],
                         ids=["ctrl-c", "sigint-alone", "kill"])
def test_stopping_serve_stops_the_server_and_the_build_and_keeps_the_last_good_run(tmp_path, serve, signal_number,
                                                                                   group, code):
    info = find("l01")
    copy = checkout(tmp_path, {info.module: lesson_text(1)})
    root = tmp_path / "runs"
    env = {**os.environ, "PYTHONPATH": str(copy / "src")}
    built = subprocess.run(policywerk(copy, "build", "--quick", "--root", str(root)), env=env, capture_output=True,
                           text=True, timeout=120)
    assert built.returncode == 0, built.stderr
    folder = root / "quick" / info.module
    good = {p.name: p.read_bytes() for p in folder.iterdir()}
    (copy / "src" / "policywerk" / "lessons" / f"{info.module}.py").write_text(lesson_text(1, SLOW))  # stale, slow
    served = serve({}, root)  # the copy made above
    deadline = time.time() + 60
    while not list(root.glob(f"quick/.{info.module}.staging-*")) or "cell 2/3" not in served.said():
        assert time.time() < deadline and served.process.poll() is None, served.said()
        time.sleep(0.05)  # the slow last cell has started
    children = served.children()
    commands = [Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode() for pid in children]
    assert any("serve import mkdocs" in c for c in commands) and any("multiprocessing" in c for c in commands), \
        commands  # mkdocs and the lesson's worker (and multiprocessing's resource tracker)
    asked = time.monotonic()
    assert served.stop(signal_number, group) == code
    assert time.monotonic() - asked < 6, "a stop must be prompt"  # the build's last resort, SIGKILL, waits 10 s
    assert all(gone(pid) for pid in children), "mkdocs and the worker must stop with serve"
    assert not list(root.glob(f"quick/.{info.module}.*")), "no staging or half-swapped folder may be left"
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == good
    assert not (root / "quick" / "serve").exists()  # nor the status file, nor its folder
    assert "policywerk: stopped" in served.said()


def test_an_address_in_use_is_one_line_and_starts_nothing(tmp_path):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = subprocess.run(policywerk(ROOT, "serve", "--quick", "--root", str(tmp_path), "--addr",
                                           f"127.0.0.1:{port}"), capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip() == (f"policywerk: cannot serve on 127.0.0.1:{port}: Address already in use; "
                                     "choose another with --addr HOST:PORT")
    assert not list(tmp_path.iterdir())  # no status file, no run


def test_pending_and_failed_pages_show_no_run_and_say_what_they_wait_for():
    info = find("l01")
    cells = parse(lesson_text(1))
    pending = render_pending(info, cells, info.slug, seconds=141)
    assert pending.count('!!! note "Being built"') == 1 + len(code_cells(cells))
    assert "about 2 min 20 s" in pending and "](l01-bellman/l9" not in pending and "![" not in pending
    assert pending.index("!!! note") > pending.index("Download l01_bellman.py")  # under the header
    failed = render_failed(info, cells, "lesson l01_bellman failed in cell 2 (the code cell at line 5), line 9: "
                           "ValueError: a <b>*bold*</b> `tick`", "Traceback (most recent call last):\n  ...",
                           cell=2, assets=info.slug)
    assert failed.count("`` lesson l01_bellman failed in cell 2") == 2  # one backtick inside: two around it
    assert '??? failure "Traceback"' in failed and "![" not in failed
    second = code_cells(cells)[0].source
    assert failed.index(second) < failed.index('!!! failure "This cell failed"')


def test_the_static_site_still_runs_every_stale_lesson_itself_and_fails_if_one_fails(tmp_path):
    """Without ``policywerk serve`` (``make site``), the page generator builds the stale lessons, waits for
    them, and stops the build when one fails, naming it; the others are built all the same."""
    good, bad = find("l01"), find("l02")
    copy = checkout(tmp_path, {good.module: lesson_text(1), bad.module: lesson_text(2, BOOM)})
    root = tmp_path / "runs"
    env = {**os.environ, "POLICYWERK_SETTING": "quick", "POLICYWERK_RUNS": str(root), "PYTHONPATH": str(copy / "src"),
           "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    env.pop("POLICYWERK_SERVE_STATUS", None)
    site = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")]
    failed = subprocess.run(site, cwd=copy, env=env, capture_output=True, text=True, timeout=300)
    assert failed.returncode != 0 and f"lesson {bad.module} failed in cell 5" in failed.stderr
    assert (root / "quick" / good.module / "record.json").is_file()
    (copy / "src" / "policywerk" / "lessons" / f"{bad.module}.py").write_text(lesson_text(2))
    built = subprocess.run(site, cwd=copy, env=env, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    html = (tmp_path / "site" / "lessons" / bad.slug / "index.html").read_text(encoding="utf-8")
    assert "seed 4 steps 2" in html and "Being built" not in html and "l92-figure.png" in html
