"""The try-it cells' runner (policywerk.tryit) and the library's archive for the browser, in CPython:
what the browser's worker runs, minus the browser (tests/test_tryit_browser.py runs it in Chromium)."""

import re
import subprocess
import sys
import zipfile
from io import BytesIO
from pathlib import Path
from unittest.mock import patch

import pytest

from policywerk import tryit
from policywerk.literate.archive import LEFT_OUT, archive_files, browser_archive

SOURCE = "https://code.example/a-fork/notes/blob/main"  # where the pages link the library's code


def test_setup_then_code_run_in_one_namespace_and_only_the_code_prints(capsys):
    assert tryit.run("x = 20\nprint('setup')", "print(x + 1)")
    assert capsys.readouterr().out == "21\n"


def test_each_run_starts_from_a_fresh_namespace(capsys):
    assert tryit.run("", "y = 1")
    assert not tryit.run("", "print(y)")
    assert "NameError: name 'y' is not defined" in capsys.readouterr().err


def test_an_error_shows_the_traceback_from_the_readers_code_on(capsys):
    code = "def f(n):\n    return 1 / n\n\nprint('before')\nf(0)\n"
    assert not tryit.run("", code)
    out, err = capsys.readouterr()
    assert out == "before\n"
    assert err.startswith("Traceback (most recent call last):\n  File \"<your code>\", line 5, in <module>")
    assert 'File "<your code>", line 2, in f' in err
    assert err.rstrip().endswith("ZeroDivisionError: division by zero")
    assert "tryit.py" not in err  # the runner's own frames are trimmed


def test_an_error_inside_the_library_keeps_the_library_frames(capsys):
    setup = "from policywerk.math.random import Rng"
    assert not tryit.run(setup, "Rng(1).randrange(0)")
    err = capsys.readouterr().err
    assert err.index('File "<your code>", line 1') < err.index("random.py")
    assert "tryit.py" not in err


def test_a_syntax_error_points_at_the_line(capsys):
    assert not tryit.run("", "print('ok')\nfor i in range(3)\n    print(i)\n")
    out, err = capsys.readouterr()
    assert out == ""  # nothing ran
    assert 'File "<your code>", line 2' in err and "for i in range(3)" in err
    assert "SyntaxError" in err and "^" in err


def test_a_failing_setup_says_it_is_not_the_readers_fault(capsys):
    assert not tryit.run("import no_such_module_here", "print('never')")
    out, err = capsys.readouterr()
    assert out == "" and "setup failed" in err and "ModuleNotFoundError" in err


def test_system_exit_and_interrupts_are_reported_not_raised(capsys):
    assert not tryit.run("", "raise SystemExit(3)")
    assert "SystemExit: 3" in capsys.readouterr().err


def test_the_archive_holds_the_standard_library_modules_only():
    names = [p.as_posix() for p in archive_files()]
    assert "policywerk/tryit.py" in names and "policywerk/agents/td_control.py" in names
    assert "policywerk/show.py" in names and "policywerk/session.py" in names
    assert not [n for n in names if n.split("/")[1] in LEFT_OUT]
    data = browser_archive()
    assert data == browser_archive()  # the same bytes every build
    with zipfile.ZipFile(BytesIO(data)) as zf:
        assert sorted(zf.namelist()) == sorted(names)
        sources = [zf.read(n).decode() for n in names]
    assert not [n for n, text in zip(names, sources) if re.search(r"^\s*(from|import) matplotlib", text, re.M)]


def test_the_archive_runs_a_lesson_setup_without_matplotlib_or_viz(tmp_path):
    """Unpacked alone, with no site-packages (-S: no matplotlib, no installed policywerk), the library runs
    a lesson's imports, viz included (as stand-ins), and a cliff run, as the browser's worker does."""
    with zipfile.ZipFile(BytesIO(browser_archive())) as zf:
        zf.extractall(tmp_path)
    script = f"""
import sys
sys.path.insert(0, {str(tmp_path)!r})
from policywerk import tryit
assert tryit.use_viz_stand_ins()
setup = "from policywerk.agents.td_control import q_learning\\nfrom policywerk.viz.cliff import paths_figure"
code = "print(paths_figure(1, 2))\\nimport policywerk.viz as v\\nprint(v.__name__)"
assert tryit.run(setup, code)
import importlib.util
print(importlib.util.find_spec('matplotlib'))
"""
    result = subprocess.run([sys.executable, "-S", "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "None\npolicywerk.viz\nNone\n"


def test_where_viz_exists_no_stand_ins_are_used():
    assert not tryit.use_viz_stand_ins()
    assert not any(type(f).__name__ == "_StandIns" for f in sys.meta_path)


def test_the_run_takes_the_setting_the_page_was_built_in(capsys):
    code = "from policywerk.session import budget\nprint(budget(full=1, quick=2))"
    assert tryit.run("", code) and tryit.run("", code, quick=True)
    assert capsys.readouterr().out == "1\n2\n"


def try_cells():
    from policywerk.lessons import available
    from policywerk.literate.cells import parse_file

    return [(info.module, cell.number) for info in available() for cell in parse_file(info.path)
            if "try" in cell.tags]


def test_every_lesson_so_far_with_try_cells_marks_its_setup():
    from policywerk.lessons import find
    from policywerk.literate.cells import parse_file

    assert {module for module, _ in try_cells()} >= {"l01_bellman", "l04_q_learning"}
    for module, _ in try_cells():
        cells = parse_file(find(module).path)
        assert any("setup" in c.tags for c in cells), f"{module} has a try-it cell but no setup cell"


@pytest.mark.parametrize(("module", "number"), try_cells())
def test_a_try_cell_run_as_the_browser_runs_it_prints_and_draws_what_the_build_did(
        quick_build, capsys, tmp_path, monkeypatch, module, number):
    """In CPython, the try-it cell after its lesson's setup cells prints exactly what the quick build
    printed for it, and hands over the same pictures, byte for byte, as the build showed under it (in
    the browser, the same holds for the tabular lessons: test_tryit_browser.py). The data files the
    build showed above the cell (lesson 07's trained model) are where the browser's worker puts them."""
    from policywerk.literate.cells import code_cells, parse_file
    from policywerk.literate.page import try_panel

    info, root, record = quick_build(module)
    folder = root / "quick" / info.module
    cells = parse_file(info.path)
    code = code_cells(cells)
    cell = next(c for c in cells if c.number == number)
    index = code.index(cell)
    setup = "\n\n".join(c.source for c in code if "setup" in c.tags and c.number < number)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "policywerk-out").mkdir()
    data = [item["file"] for out in record.cells[:index] for item in out.shown if item["kind"] == "data"]
    for name in data:
        (tmp_path / "policywerk-out" / name).write_bytes((folder / name).read_bytes())
    pictures = []
    assert tryit.run(setup, cell.source, quick=True, picture=lambda svg, alt: pictures.append((svg, alt)))
    assert capsys.readouterr().out == record.cells[index].stdout
    built = [((folder / item["file"]).read_text(encoding="utf-8"), item["alt"])
             for item in record.cells[index].shown if item["file"].endswith(".svg")]
    assert pictures == built and built, f"{module}: the try-it cell should draw what the build drew"
    assert 'data-setting="quick"' in try_panel(cell, cells, "quick")


def test_pictures_go_to_the_page_in_their_place_among_the_printed_lines(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    said = []
    code = ("from policywerk.sketch import line_chart\nprint('before', end='')\n"
            "line_chart({'a': [1, 2, 3]}, name='curve', alt='A rising line.')\nprint('after')")
    with patch.object(sys, "stdout", Recorder(said)):
        assert tryit.run("", code, picture=lambda svg, alt: said.append(("picture", alt, svg[:4])))
    said = [entry for entry in said if entry != ("text", "")]
    assert said == [("text", "before"), ("flush",), ("picture", "A rising line.", "<svg"), ("text", "after"),
                    ("text", "\n")]


class Recorder:
    """A stdout that notes what is written and when it is flushed."""

    def __init__(self, said):
        self.said = said

    def write(self, text):
        self.said.append(("text", text))
        return len(text)

    def flush(self):
        self.said.append(("flush",))


def test_the_panel_carries_setup_and_code_escaped_on_one_line():
    """One line (a raw HTML block in Markdown ends at a blank line), and the browser reads back the exact
    code: quotes, ampersands, angle brackets and blank lines included; only setup cells above it count."""
    from html.parser import HTMLParser

    from policywerk.literate.cells import parse
    from policywerk.literate.page import try_panel

    source = ('# %% tags=["setup"]\nx = "a & b"\n\n\ny = \'<b>\'\n# %%\nz = 1\n# %% tags=["try"]\n'
              'print(x, y)\n\nprint("</div>")\n# %% tags=["setup"]\nlater = 1\n')
    cells = parse(source)
    panel = try_panel(cells[2], cells)
    assert "\n" not in panel

    class Attrs(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "div":
                self.found = dict(attrs)

    reader = Attrs()
    reader.feed(panel)
    assert reader.found["data-setup"] == 'x = "a & b"\n\n\ny = \'<b>\''
    assert reader.found["data-code"] == 'print(x, y)\n\nprint("</div>")'
    assert reader.found["data-setting"] == "full"


def test_the_runtime_the_browser_loads_names_no_other_origin():
    """scripts/vendor_pyodide.py points pyodide.mjs's CDN default for packages at its own folder: the
    files a page's worker loads name no URL of another site."""
    folder = Path(__file__).resolve().parents[1] / "docs" / "assets" / "pyodide"
    loaded = [folder / name for name in ("pyodide.mjs", "pyodide.asm.mjs", "pyodide-lock.json")]
    if not all(path.is_file() for path in loaded):
        pytest.skip("Pyodide is not in docs/assets/pyodide/: run `make runtime`")
    for path in loaded:
        assert not re.findall(r"https?://[\w.-]+", path.read_text(encoding="utf-8")), path.name
    assert "One change: pyodide.mjs's CDN default" in (folder / "VENDORED.txt").read_text()


def test_a_data_file_the_setup_reads_is_offered_for_download_and_named_by_the_panel(quick_build):
    """Lesson 07's try-it cell starts from the model its build trained: the page offers the saved model
    as a download link, which the browser's worker takes the address from, and the plain Markdown page,
    which has no panel, leaves the file out."""
    from policywerk.literate.cells import parse_file
    from policywerk.literate.page import render

    info, _, record = quick_build("l07_world_model")
    cells = parse_file(info.path)
    page = render(info, cells, record, assets=info.slug, source_url=SOURCE)
    name = "l07-world-model.json"
    assert f'[Download {name}]({info.slug}/{name}){{ .md-button download="{name}" }}' in page
    assert page.index(f'download="{name}"') < page.index(f'data-files="{name}"')
    plain = render(info, cells, record, assets=info.slug, plain=True, checkout="..")
    assert name not in plain and "pw-try" not in plain
