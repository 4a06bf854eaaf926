"""The built site in headless Chromium, page by page, at a desktop and a phone-sized viewport: no console
errors, no request off 127.0.0.1, every image loaded, math rendered wherever there is math, and no serious
accessibility violation (axe-core) in either colour scheme; the lesson
downloads served; without JavaScript, readers who ask for reduced motion get the poster, with the
animation one click away; search finds a lesson; at a 1280 px desktop width no code block of a lesson
scrolls sideways. The animation player has tests of its own (test_player), and so have the keyboard and
the page's stillness as its images load (test_accessibility)."""

import json
import shutil
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from axe_core import SERIOUS, accessibility, axe_script
from conftest import CHROMIUM_FLAGS
from policywerk.lessons import available

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


def pages_of(site) -> list[str]:
    """Every page of the built site, as a path under its root (``""`` for the home page)."""
    paths = []
    for index in sorted(site.rglob("index.html")):
        folder = index.parent.relative_to(site).as_posix()
        if not folder.startswith(("assets", "search")):
            paths.append("" if folder == "." else folder + "/")
    return paths


def new_page(browser, viewport, reduced_motion="no-preference"):
    context = browser.new_context(viewport=viewport, reduced_motion=reduced_motion)
    page = context.new_page()
    page.requests, page.problems = [], []
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("console", lambda m: m.type in ("error", "warning") and page.problems.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: page.problems.append(f"pageerror: {e}"))
    page.on("requestfailed", lambda r: page.problems.append(f"failed: {r.url} {r.failure}"))
    return context, page


def visit(page, url):
    response = page.goto(url)
    assert response is not None and response.ok, f"{url}: {response and response.status}"
    page.wait_for_load_state("networkidle")


def load_every_image(page):
    """Scroll through the page so that lazy images load, then return the images that failed."""
    height = page.evaluate("document.body.scrollHeight")
    for y in range(0, height + 1, 700):
        page.evaluate(f"window.scrollTo(0, {y})")
        time.sleep(0.02)
    page.wait_for_load_state("networkidle")
    shown = "[...document.images].filter(img => img.getClientRects().length > 0)"  # not display: none
    page.wait_for_function(f"{shown}.every(img => img.complete)", timeout=15_000)
    return page.evaluate(f"{shown}.filter(img => img.naturalWidth === 0).map(img => img.src)")


def walk(browser, name: str, site_url: str, quick_site) -> dict:
    """Every page at one viewport: the problems found on each, and axe-core's findings in both schemes."""
    report = {"pages": 0, "requests": 0, "images": 0, "math pages": 0, "problems": [], "axe": []}
    script = axe_script()
    context, page = new_page(browser, VIEWPORTS[name])
    for path in pages_of(quick_site):
        page.requests.clear()
        page.problems.clear()
        visit(page, f"{site_url}/{path}")
        broken = load_every_image(page)
        report["images"] += page.evaluate("[...document.images].filter(i => i.getClientRects().length).length")
        html = (quick_site / path / "index.html").read_text(encoding="utf-8")
        if 'class="arithmatex"' in html:
            report["math pages"] += 1
            rendered = page.locator(".arithmatex .katex").count()
            errors = page.locator(".katex-error").count()
            if rendered == 0 or errors:
                page.problems.append(f"math: {rendered} formulas rendered, {errors} errors")
        report["axe"] += [{"page": f"/{path}", "width": name, **run} for run in accessibility(page, script)]
        foreign = [u for u in page.requests if not u.startswith(site_url)]
        for item in [*page.problems, *(f"image failed: {u}" for u in broken),
                     *(f"request left the site: {u}" for u in foreign)]:
            report["problems"].append(f"{name} /{path}: {item}")
        report["pages"] += 1
        report["requests"] += len(page.requests)
    context.close()
    return report


def walk_in_a_browser_of_its_own(name: str, site_url: str, quick_site) -> dict:
    """``walk`` in a thread of its own: Playwright's objects belong to the thread that made them."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_FLAGS)
        try:
            return walk(browser, name, site_url, quick_site)
        finally:
            browser.close()


@pytest.fixture(scope="module")
def walked(browser, site_url, quick_site):
    """Every page at both viewports, the phone's walk beside the desktop's (each browser a process of its
    own, so the two take both cores): the problems found on each page, axe-core's findings in both colour
    schemes, and how long the walk took."""
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=1) as pool:
        phone = pool.submit(walk_in_a_browser_of_its_own, "phone", site_url, quick_site)
        desktop = walk(browser, "desktop", site_url, quick_site)
        phone = phone.result()
    report = {key: desktop[key] + phone[key] for key in desktop}
    report["seconds"] = time.perf_counter() - started
    print(f"\nbrowser walk: {report['pages']} page visits ({report['pages'] // len(VIEWPORTS)} pages x "
          f"{len(VIEWPORTS)} viewports), {report['requests']} requests, {report['images']} images, "
          f"{report['math pages']} with math, {report['seconds']:.1f} s")
    impacts = Counter(v["impact"] for run in report["axe"] for v in run["violations"] for _ in v["nodes"])
    print(f"axe-core: {len(report['axe'])} runs, elements in violation by impact: {dict(impacts) or 'none'}")
    return report


def test_no_page_has_a_serious_accessibility_violation_at_either_width_in_either_scheme(walked, quick_site):
    """axe-core on every page, at 1366 and 390 px, in the light and the dark scheme: nothing serious or
    critical (contrast, names, keyboard reach of what scrolls, ...). Each failure names the page, the width,
    the scheme, the rule and the elements."""
    runs = walked["axe"]
    assert len(runs) == 2 * len(pages_of(quick_site)) * len(VIEWPORTS)
    assert {(r["width"], r["scheme"]) for r in runs} == {(w, s) for w in VIEWPORTS for s in ("default", "slate")}
    assert min(r["passed"] for r in runs if r["rules"] == "all") >= 20  # axe really looked at each page
    assert min(r["passed"] + len(r["violations"]) for r in runs) >= 1
    serious = [f"{r['page']} ({r['width']}, {r['scheme']}): {v['rule']} ({v['impact']}) on {', '.join(v['nodes'][:5])}"
               for r in runs for v in r["violations"] if v["impact"] in SERIOUS]
    assert not serious, "\n".join(serious)


def test_every_page_loads_clean_at_both_viewports(walked, quick_site):
    assert walked["pages"] == len(pages_of(quick_site)) * len(VIEWPORTS) >= 2 * (1 + len(available()) + 12)
    assert not walked["problems"], "\n".join(walked["problems"])
    assert walked["images"] > 20 and walked["math pages"] >= 2 * (len(available()) + 8)


@pytest.mark.parametrize("slug", [info.slug for info in available()])
def test_lesson_page_shows_its_animation_at_a_legible_size(browser, site_url, slug):
    """Drawn 1100 px wide with text no smaller than 8 pt at 100 dpi (11 px), the animation must be shown at
    three quarters of its size or more on a desktop screen, so that its smallest text stays above 8 px: the
    player's whole frame with JavaScript, the GIF itself without."""
    for javascript in (True, False):
        context = browser.new_context(viewport=VIEWPORTS["desktop"], java_script_enabled=javascript)
        page = context.new_page()
        visit(page, f"{site_url}/lessons/{slug}/")
        gif = page.locator("img.pw-animation").first
        gif.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=gif.element_handle())
        assert gif.evaluate("img => img.naturalWidth") >= 1000
        if javascript:
            page.wait_for_function("document.querySelector('.pw-player')?.dataset.pwView === 'whole'")
            shown = page.locator(".pw-player__canvas").first
            assert shown.evaluate("c => c.getBoundingClientRect().width / c.width") >= 0.75
            assert page.locator(".arithmatex .katex-display").count() >= 1  # display math too
        else:
            assert gif.evaluate("img => img.clientWidth / img.naturalWidth") >= 0.75
            assert gif.is_visible() and not page.locator("img.pw-poster").first.is_visible()
            assert page.locator(".pw-player").count() == 0  # the GIF as it is, still animating
        context.close()


def test_no_code_block_of_a_lesson_scrolls_sideways_at_a_1280_px_desktop_width(browser, site_url):
    """Lesson code, the library code the pages quote and what the code printed are kept within 100
    columns, and the site's style makes room for 100 columns at a common desktop width: every line is in
    view (a block that scrolls sideways hides the ends of lines)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    wide, blocks = [], 0
    for info in available():
        visit(page, f"{site_url}/lessons/{info.slug}/")
        found = page.evaluate("""() => [...document.querySelectorAll('.md-content .highlight pre > code')]
            .map(code => ({over: code.scrollWidth - code.clientWidth,
                           line: code.textContent.split('\\n').reduce((a, b) => b.length > a.length ? b : a, '')}))""")
        assert len(found) >= 5, f"{info.slug}: only {len(found)} code blocks found"
        blocks += len(found)
        wide += [f"{info.slug}: {b['over']} px too wide: {b['line']!r}" for b in found if b["over"] > 1]
    context.close()
    assert blocks >= 7 * 10 and not wide, "\n".join(wide)


@pytest.mark.parametrize("slug", [info.slug for info in available()])
def test_downloads_are_served_and_are_the_lesson(browser, site_url, slug):
    from policywerk.lessons import find

    info = find(slug)
    context, page = new_page(browser, VIEWPORTS["desktop"])
    visit(page, f"{site_url}/lessons/{slug}/")
    links = page.locator("a[download]")
    assert links.count() == 2 + (slug == "l07-world-model")  # and lesson 07's trained model
    hrefs = [links.nth(k).evaluate("a => a.href") for k in range(links.count())]
    py, ipynb, *data = (page.request.get(href) for href in hrefs)
    assert py.ok and py.body() == info.path.read_bytes()
    assert ipynb.ok and json.loads(ipynb.body())["nbformat"] == 4
    if data:
        assert data[0].ok and json.loads(data[0].body())["format"] == "policywerk-world-model-1"
    context.close()


def test_without_javascript_reduced_motion_shows_the_poster_with_the_animation_one_click_away(browser, site_url):
    """The page's own fallback, for a reader without JavaScript (with it, the player starts paused on the
    poster: see test_player)."""
    slug = available()[0].slug
    context = browser.new_context(viewport=VIEWPORTS["desktop"], reduced_motion="reduce", java_script_enabled=False)
    page = context.new_page()
    visit(page, f"{site_url}/lessons/{slug}/")
    assert page.locator("img.pw-poster").count() >= 1
    poster = page.locator("img.pw-poster").first
    assert poster.evaluate("img => getComputedStyle(img).display") == "block"
    assert page.locator("img.pw-animation").first.evaluate("img => getComputedStyle(img).display") == "none"
    poster.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=poster.element_handle())
    assert poster.is_visible() and not page.locator("img.pw-animation").first.is_visible()
    link = page.locator("a.pw-poster-link").first
    href = link.evaluate("a => a.href")
    assert href.endswith(".gif") and page.request.get(href).ok
    link.click()
    page.wait_for_load_state("load")
    assert page.url == href  # one click, and the animation plays on its own
    context.close()


def test_search_finds_the_lesson(browser, site_url):
    context, page = new_page(browser, VIEWPORTS["desktop"])
    visit(page, site_url + "/")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    box = page.locator("input.md-search__input")
    box.press_sequentially("Bellman", delay=30)
    result = page.locator(".md-search-result__item a[href*='l01-bellman']").first
    result.wait_for(timeout=15_000)
    assert not page.problems and all(u.startswith(site_url) for u in page.requests)
    context.close()
