"""The built site in headless Chromium: no console errors, no request off 127.0.0.1, media and math
render, search finds the lesson."""

import pytest

from policywerk.lessons import available

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser, site_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.requests, page.problems = [], []
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("console", lambda m: m.type in ("error", "warning") and page.problems.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: page.problems.append(f"pageerror: {e}"))
    yield page
    context.close()


def visit(page, url):
    response = page.goto(url)
    assert response is not None and response.ok, f"{url}: {response and response.status}"
    page.wait_for_load_state("networkidle")


def assert_clean(page, site_url):
    foreign = [u for u in page.requests if not u.startswith(site_url)]
    assert not foreign, f"requests left the site: {foreign}"
    assert not page.problems, page.problems


def test_index_loads_clean(page, site_url):
    visit(page, site_url + "/")
    assert "Policywerk" in page.title()
    assert page.locator(".md-content a[href*='lessons/l01-bellman']").count() >= 1
    assert_clean(page, site_url)


@pytest.mark.parametrize("slug", [info.slug for info in available()])
def test_lesson_page_renders_animation_and_math(page, site_url, slug):
    visit(page, f"{site_url}/lessons/{slug}/")
    gif = page.locator("img.pw-animation").first
    gif.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=gif.element_handle())
    assert gif.evaluate("img => img.naturalWidth") >= 1000
    assert page.locator(".katex").count() >= 5  # KaTeX rendered the formulas
    assert page.locator(".katex-error").count() == 0
    assert page.locator(".arithmatex .katex-display").count() >= 1  # display math too
    assert_clean(page, site_url)


def test_search_finds_the_lesson(page, site_url):
    visit(page, site_url + "/")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    box = page.locator("input.md-search__input")
    box.press_sequentially("Bellman", delay=30)
    result = page.locator(".md-search-result__item a[href*='l01-bellman']").first
    result.wait_for(timeout=15_000)
    assert_clean(page, site_url)
