"""Exercises in Chromium, on the quick site: the reader checks a wrong answer and a right one in the
page's editor (the same checker, in the browser's Python), and the progress outlives a reload."""

import pytest

from policywerk.exercises import EXERCISES
from test_browser import VIEWPORTS, new_page, visit
from test_tryit_browser import LOAD_S, close_clean, finish, runtime, set_code  # noqa: F401 - runtime: a fixture

pytestmark = pytest.mark.usefixtures("runtime")  # Pyodide must be in docs/assets/pyodide/

RIGHT = """def expected_sarsa(q, r, s_next, a_next, gamma, epsilon):
    row = q[s_next]
    return r + gamma * ((1 - epsilon) * max(row) + epsilon * sum(row) / len(row))
"""


def check(panel):
    panel.get_by_role("button", name="Check").click()
    return finish(panel, LOAD_S)


def test_a_wrong_answer_is_told_its_case_a_right_one_is_solved_and_the_progress_stays(browser, site_url):
    context, page = new_page(browser, VIEWPORTS["desktop"])
    visit(page, f"{site_url}/lessons/l04-q-learning/")
    progress = page.locator(".pw-progress")
    assert "0 of 2" in progress.inner_text()
    panel = page.locator(".pw-exercise").first  # the Expected SARSA target
    panel.get_by_role("button", name="Write your answer here").click()
    panel.locator(".cm-editor").wait_for()

    status, output = check(panel)  # the stub as it stands
    assert status.startswith("Not yet") and "not written yet" in output

    set_code(panel, "print('Right: says the answer itself')\n" + RIGHT.replace("max(row)", "min(row)"))
    status, output = check(panel)  # the checker's verdict counts, not what the code printed
    assert status.startswith("Not yet") and "Not yet: case 1" in output and "Hint 1" in output
    assert "0 of 2" in progress.inner_text()

    set_code(panel, RIGHT)
    status, output = check(panel)
    assert status.startswith("Right") and output.startswith("Right: expected_sarsa agrees")
    assert "1 of 2" in progress.inner_text()
    assert "✓ solved" in page.locator("#exercise-l04-expected-sarsa").inner_text()

    page.reload()
    page.wait_for_function("document.querySelector('.pw-progress')?.textContent.includes('1 of 2')")
    visit(page, f"{site_url}/")
    home, total = page.locator(".pw-progress"), len(EXERCISES)
    assert f"1 of {total}" in home.inner_text()
    home.get_by_role("button", name="Forget my progress").click()  # keeps the focus, says the new count
    assert f"0 of {total}" in home.inner_text()
    close_clean(context, page, site_url)
