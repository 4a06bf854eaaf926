"""Try-it cells in Chromium, on the quick site: the reader edits a lesson's cell and runs it in the browser,
in Pyodide in a Web Worker, with everything served by the site itself.

Pyodide is copied into docs/assets/pyodide/ by scripts/vendor_pyodide.py (``make test`` runs it first);
without it these tests skip, or fail where the browser tests are required (CI)."""

import os
import re
import time
from pathlib import Path

import pytest

from test_browser import VIEWPORTS, new_page, visit

RUNTIME = Path(__file__).resolve().parents[1] / "docs" / "assets" / "pyodide" / "pyodide.asm.wasm"
LOAD_S = 90  # the first run loads Python: seconds on a busy two-core machine, with room to spare


@pytest.fixture(scope="module")
def runtime():
    if not RUNTIME.is_file():
        message = "Pyodide is not in docs/assets/pyodide/: run `make runtime` (python scripts/vendor_pyodide.py)"
        if os.environ.get("POLICYWERK_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)


def open_cell(page, url, index=0):
    """The page's try-it panel number ``index``, its editor open."""
    visit(page, url)
    panel = page.locator(".pw-try").nth(index)
    opener = panel.get_by_role("button", name="Edit and run this cell")
    assert opener.get_attribute("aria-expanded") == "false"
    opener.click()
    panel.locator(".cm-editor").wait_for()
    assert panel.get_by_role("button", name="Close the editor").get_attribute("aria-expanded") == "true"
    return panel


def run(panel, timeout_s=LOAD_S):
    """Press Run and wait for the run to end; returns (status, output)."""
    panel.get_by_role("button", name="Run").click()
    return finish(panel, timeout_s)


def finish(panel, timeout_s=LOAD_S):
    panel.page.wait_for_function("p => !p.querySelector('button.md-button--primary').disabled",
                                 arg=panel.element_handle(), timeout=timeout_s * 1000)
    return panel.locator(".pw-try-status").inner_text(), panel.locator(".pw-try-output").inner_text()


def replace_line(panel, number, text):
    """Put ``text`` in place of line ``number`` (1-based) of the editor, by keyboard."""
    panel.locator(".cm-line").nth(number - 1).click()
    panel.page.keyboard.press("Home")
    panel.page.keyboard.press("Shift+End")
    panel.page.keyboard.type(text)


def set_code(panel, code):
    """Replace the editor's whole text, by keyboard (no auto-indent or closing brackets in ``code``)."""
    panel.locator(".cm-content").click()
    panel.page.keyboard.press("Control+a")
    panel.page.keyboard.press("Delete")
    panel.page.keyboard.insert_text(code)


def close_clean(context, page, site_url):
    """No request left the site and nothing went wrong on the page; then close it."""
    assert not [u for u in page.requests if not u.startswith(site_url)], "a request left the site"
    assert not page.problems, page.problems
    context.close()


def build_output(panel) -> str:
    """The build's own output of the cell, which stands just above its panel."""
    return panel.locator("xpath=preceding-sibling::div[contains(@class, 'highlight')][1]//pre").inner_text()


# The pictures under a panel: the reader's run's (data: addresses holding the SVG) and the build's (the
# images between the cell's printed output and the panel), each as (SVG text, alt text).
DRAWN = """p => [...p.querySelectorAll('.pw-try-output img')]
    .map(i => [decodeURIComponent(i.src.slice(i.src.indexOf(',') + 1)), i.alt])"""
BUILT = """async p => {
    const images = [];
    for (let n = p.previousElementSibling; n && !n.matches('div.highlight'); n = n.previousElementSibling)
        images.unshift(...n.querySelectorAll('img'));
    return Promise.all(images.map(async i => [await (await fetch(i.src)).text(), i.alt]));
}"""


def lessons_with_try_cells():
    from policywerk.lessons import available
    from policywerk.literate.cells import parse_file

    return [info.slug for info in available() if any("try" in c.tags for c in parse_file(info.path))]


def shape(text: str) -> str:
    """The text with every number replaced by N: what a run prints, up to its numbers."""
    return re.sub(r"[-+]?\d[\d,]*(\.\d+)?%?", "N", text.strip())


@pytest.mark.parametrize("slug", lessons_with_try_cells())
def test_every_try_cell_runs_unchanged_and_prints_what_the_build_printed(browser, site_url, runtime, slug):
    """Lessons 01-04 are tabular: the browser's Python prints exactly what CPython printed in the build.
    The neural lessons call exp, log and tanh, whose last bits differ in the browser's maths library, so
    their runs drift apart: the same lines, up to their numbers."""
    context, page = new_page(browser, VIEWPORTS["desktop"])
    visit(page, f"{site_url}/lessons/{slug}/")
    count = page.locator(".pw-try").count()
    assert 1 <= count <= 3, f"{slug} has {count} try-it cells"
    for k in range(count):
        panel = page.locator(".pw-try").nth(k)
        panel.get_by_role("button", name="Edit and run this cell").click()
        panel.locator(".cm-editor").wait_for()
        status, output = run(panel)
        assert status.startswith("Finished"), (slug, k, status, output)
        built = build_output(panel)
        drawn, built_pictures = panel.evaluate(DRAWN), panel.evaluate(BUILT)
        assert drawn and len(drawn) == len(built_pictures), (slug, k, "a picture is missing")
        if slug < "l05":
            assert output.strip() == built.strip(), (slug, k)
            assert drawn == built_pictures, (slug, k, "the browser drew another picture")
        else:
            print(f"{slug}, try-it cell {k + 1}, in Chromium:\n{output}\nin the build:\n{built}")
            assert shape(output) == shape(built), (slug, k)
            assert [alt for _, alt in drawn] == [alt for _, alt in built_pictures], (slug, k)
        visible = panel.locator(".pw-try-output img").first
        assert visible.evaluate("i => i.complete && i.naturalWidth > 0"), (slug, k, "a picture did not render")
    close_clean(context, page, site_url)


def test_lesson04_runs_as_built_then_sarsa_collects_more_reward_online(browser, site_url, runtime):
    context, page = new_page(browser, VIEWPORTS["desktop"])
    panel = open_cell(page, f"{site_url}/lessons/l04-q-learning/")
    started = time.perf_counter()
    status, output = run(panel)
    cold = time.perf_counter() - started
    assert status.startswith("Finished"), (status, output)
    q_learning = float(re.search(r"last 100 episodes, (-?[\d.]+)", output).group(1))

    replace_line(panel, 1, "target = sarsa")
    started = time.perf_counter()
    page.keyboard.press("Control+Enter")  # the editor's own key for Run
    status, output = finish(panel)
    warm = time.perf_counter() - started
    assert status.startswith("Finished") and output.startswith("sarsa, epsilon 0.1"), (status, output)
    sarsa = float(re.search(r"last 100 episodes, (-?[\d.]+)", output).group(1))
    assert sarsa > q_learning + 10, "SARSA should collect more reward online, as the lesson says"
    assert "13 steps, 10 along" in build_output(panel)  # the build's output is still there to compare

    panel.get_by_role("button", name="Reset").click()
    assert panel.locator(".cm-line").first.inner_text().startswith("target = q_learning")
    print(f"lesson 04's try-it cell: first run {cold:.1f} s (Python loading), warm {warm:.1f} s")
    close_clean(context, page, site_url)


def test_lesson01_runs_as_built_and_another_discount_changes_the_values(browser, site_url, runtime):
    context, page = new_page(browser, VIEWPORTS["desktop"])
    panel = open_cell(page, f"{site_url}/lessons/l01-bellman/")
    status, output = run(panel)
    assert status.startswith("Finished") and output.strip() == build_output(panel).strip()
    replace_line(panel, 1, "gamma, slip = 0.5, SLIP")
    status, impatient = run(panel, timeout_s=30)
    assert status.startswith("Finished") and impatient.startswith("γ = 0.5, slip = 0.2")
    assert "below the pit →" in impatient and "below the pit ↓" in output  # the short route, as the page says
    start = re.compile(r"V\(start\) = (-?\d\.\d{3})")
    assert float(start.search(impatient).group(1)) < float(start.search(output).group(1))  # worth less now
    drawn = panel.evaluate(DRAWN)
    assert "γ = 0.5" in drawn[0][1] and drawn != panel.evaluate(BUILT)  # the grid drawn anew
    close_clean(context, page, site_url)


def test_errors_show_a_traceback_of_the_readers_code_and_no_page_error(browser, site_url, runtime):
    context, page = new_page(browser, VIEWPORTS["desktop"])
    panel = open_cell(page, f"{site_url}/lessons/l04-q-learning/")
    set_code(panel, "print('before')\nfor k in range(3)\n    print(k)\n")
    status, output = run(panel)
    assert "error" in status.lower()
    assert 'File "<your code>", line 2' in output and "SyntaxError" in output and "before" not in output
    set_code(panel, "print('before')\nlearned = td_control(CliffWalking(), sarsa, 0, ALPHA, EPSILON, GAMMA, Rng(1))\n")
    status, output = run(panel)
    errors = panel.locator(".pw-try-error").all_inner_texts()
    assert output.startswith("before") and "error" in status.lower()
    assert any('File "<your code>", line 2' in e for e in errors)
    assert any("ValueError" in e for e in errors) and not any("tryit.py" in e for e in errors)
    close_clean(context, page, site_url)


def test_stop_ends_an_endless_loop_at_once_and_the_next_run_works(browser, site_url, runtime):
    context, page = new_page(browser, VIEWPORTS["phone"])
    panel = open_cell(page, f"{site_url}/lessons/l04-q-learning/")
    set_code(panel, "print('looping')\nwhile True:\n    pass\n")
    panel.get_by_role("button", name="Run").click()
    page.wait_for_function("p => p.querySelector('.pw-try-status').textContent === 'Running…'",
                           arg=panel.element_handle(), timeout=LOAD_S * 1000)
    stop = panel.get_by_role("button", name="Stop")
    started = time.perf_counter()
    stop.click()
    status, _ = finish(panel, timeout_s=5)
    assert status == "Stopped." and time.perf_counter() - started < 1.0
    assert stop.is_disabled()
    set_code(panel, "print(sum(range(10)))\n")
    status, output = run(panel)
    assert status.startswith("Finished") and output.strip() == "45"
    printed = panel.get_by_label("Printed output")  # its own scrolling box, reachable by Tab
    assert printed.get_attribute("tabindex") == "0" and printed.inner_text().strip() == "45"
    close_clean(context, page, site_url)


def test_the_panel_is_operated_from_the_keyboard(browser, site_url, runtime):
    context, page = new_page(browser, VIEWPORTS["desktop"])
    visit(page, f"{site_url}/lessons/l04-q-learning/")
    panel = page.locator(".pw-try")
    opener = panel.get_by_role("button", name="Edit and run this cell")
    opener.focus()
    page.keyboard.press("Enter")
    panel.locator(".cm-editor").wait_for()
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Code of try-it cell 1"
    page.keyboard.press("Escape")  # CodeMirror leaves Tab to the browser after Escape
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Run"
    for name in ("Run", "Stop", "Reset", "Close the editor"):
        assert panel.get_by_role("button", name=name).count() == 1
    assert panel.get_by_role("toolbar").get_attribute("aria-label") == "Run try-it cell 1"
    assert panel.get_by_role("status").count() == 1
    context.close()
