"""Accessibility beyond what axe-core sees on a page at rest (test_browser runs axe-core on every page, at
both widths, in both colour schemes): a lesson page used from the keyboard alone; a lesson page that holds
still while its pictures load, so that a link to a section lands on the section; the try-it panel opened
and run; and axe-core itself, shown to find what it is meant to find."""

import pytest

from axe_core import SERIOUS, accessibility, axe_script, findings
from test_browser import VIEWPORTS, new_page, visit
from test_tryit_browser import finish, open_cell, run, runtime  # noqa: F401 (runtime: a fixture)

pytestmark = pytest.mark.browser

# What the focused element shows and says: its name as a screen reader would take it in the simple cases
# the site has (a label, the text, a title, a picture's alt), its focus ring, and where it is on the screen.
FOCUSED = """() => {
  const e = document.activeElement, style = getComputedStyle(e), box = e.getBoundingClientRect();
  const labelled = e.getAttribute("aria-labelledby");
  const name = (e.getAttribute("aria-label") || (labelled && document.getElementById(labelled)?.textContent)
    || e.innerText || e.title || e.querySelector("img")?.alt || e.labels?.[0]?.textContent || "").trim();
  const ring = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 1 || style.boxShadow !== "none";
  return {element: e === document.body ? "body" : `${e.tagName.toLowerCase()}.${[...e.classList].join(".")}`,
          name, ring, top: box.top, bottom: box.bottom, width: box.width, height: box.height,
          opacity: style.opacity, content: !!e.closest(".md-content"), skip: e.matches("a.md-skip"),
          header: document.querySelector(".md-header").getBoundingClientRect().bottom,
          again: e.dataset.pwTabbed === "yes" || !(e.dataset.pwTabbed = "yes")};
}"""


def mark_the_page(page) -> None:
    """Mark the lesson's <article>, which a page fetched again and swapped in would not carry."""
    page.evaluate("document.querySelector('article').dataset.pwBefore = 'yes'")


def the_page_is_the_marked_one(page) -> bool:
    return page.evaluate("document.querySelector('article').dataset.pwBefore === 'yes'")


def test_a_lesson_page_can_be_read_and_its_player_run_from_the_keyboard_alone(browser, site_url):
    """Tab from the top: first the skip link, shown when focused, which jumps past the navigation into the
    lesson and does not load the page again; then every stop to the end of the page has a name and a
    visible focus ring and is on screen, not under the sticky header, and the animation player's controls
    are among them and work from the keyboard."""
    context, page = new_page(browser, VIEWPORTS["desktop"])
    visit(page, f"{site_url}/lessons/l01-bellman/")
    page.locator("img.pw-animation").first.scroll_into_view_if_needed()  # the player starts as its animation
    page.locator(".pw-player").wait_for()                                   # nears, not to race the tabbing
    page.evaluate("scrollTo(0, 0)")
    page.keyboard.press("Tab")
    page.wait_for_function("getComputedStyle(document.activeElement).opacity === '1'")  # it fades in
    skip = page.evaluate(FOCUSED)
    assert skip["skip"] and skip["name"] == "Skip to content", skip
    assert skip["opacity"] == "1" and skip["top"] >= 0 and skip["width"] > 0 and skip["ring"], skip
    mark_the_page(page)
    page.keyboard.press("Enter")
    assert page.url.endswith("#lesson-01-bellman-1957-value-iteration")
    stops, faults = [], []
    for _ in range(400):
        page.keyboard.press("Tab")
        here = page.evaluate(FOCUSED)
        if here["element"] == "body" or here["again"]:  # past the page's last stop
            break
        stops.append(here)
        if not here["name"]:
            faults.append(f"{here['element']} has no name")
        if not here["ring"]:
            faults.append(f"{here['element']} ({here['name']}) shows no focus ring")
        if here["content"] and (here["top"] < here["header"] - 1 or here["bottom"] > VIEWPORTS["desktop"]["height"] + 1
                                or here["width"] == 0 or here["height"] == 0):
            faults.append(f"{here['element']} ({here['name']}) is focused out of sight: {here['width']:.0f} x "
                          f"{here['height']:.0f} px from {here['top']:.0f} to {here['bottom']:.0f} px, under a "
                          f"header {here['header']:.0f} px tall")
    else:
        pytest.fail("400 tab stops and the page has not ended: a keyboard trap?")
    assert the_page_is_the_marked_one(page), \
        "the skip link loaded the page again (Material's instant navigation; docs/javascripts/anchors.js)"
    assert stops[0]["content"], f"after the skip link, the focus went to {stops[0]} and not into the lesson"
    assert not faults, "\n".join(faults)
    names = [s["name"] for s in stops]
    for control in ("Animation player", "First frame", "Previous frame", "Next frame", "Last frame", "Frame",
                    "Speed", "Show", "Actual size", "Edit and run this cell", "Copy to clipboard"):
        assert any(name.startswith(control) for name in names), f"no tab stop named {control!r}: {names}"
    assert len(stops) >= 40
    play = page.locator(".pw-player__play").first
    label = play.get_attribute("aria-label")
    play.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("([button, before]) => button.getAttribute('aria-label') !== before",
                           arg=[play.element_handle(), label])
    assert {label, play.get_attribute("aria-label")} == {"Play", "Pause"}
    context.close()


def test_a_jump_within_a_page_and_back_again_keeps_the_page_it_was_on(browser, site_url):
    """Material's instant navigation would fetch the page again on the first jump to a part of it and swap
    it in, losing what the reader had there (docs/javascripts/anchors.js keeps it from doing so): a link in
    the table of contents, back and forward again keep the page, and a move to another page and back is
    still Material's."""
    context, page = new_page(browser, VIEWPORTS["desktop"])
    visit(page, f"{site_url}/lessons/l01-bellman/")
    mark_the_page(page)
    page.requests.clear()

    def fetched():  # pages, not their files
        return [u for u in page.requests if u.endswith("/")]

    link = page.locator(".md-sidebar--secondary a.md-nav__link").nth(2)
    part = link.get_attribute("href").split("#")[1]
    link.click()
    page.wait_for_function(f"location.hash === '#{part}'")
    top = f"document.getElementById('{part}').getBoundingClientRect().top"
    assert 0 <= page.evaluate(top) <= 200, "the jump did not reach its heading"
    page.go_back()
    page.wait_for_function("location.hash === ''")
    page.go_forward()
    page.wait_for_function(f"location.hash === '#{part}'")
    page.wait_for_load_state("networkidle")
    assert not fetched() and the_page_is_the_marked_one(page)
    page.locator("a.md-footer__link--next").click()
    page.wait_for_url("**/l02-actor-critic/")
    page.go_back()
    page.wait_for_function("!document.querySelector('article').dataset.pwBefore")  # Material's swap
    errors = [p for p in page.problems if "net::ERR_ABORTED" not in p]  # a request the page's swap cut short
    assert len(fetched()) == 2 and not errors, (fetched(), errors)
    context.close()


@pytest.mark.parametrize("width", VIEWPORTS)
def test_a_link_to_a_section_near_the_end_of_a_lesson_lands_on_it_and_it_stays_there(browser, site_url, quick_site,
                                                                                      width):
    """Every picture carries its width and height, so the browser keeps its place before it loads: a link
    to a heading near the end of the lesson with the most pictures puts the heading under the header, and
    it is still there once every picture above it has loaded. The browser's scroll anchoring, which hides
    some jumps in Chromium and Firefox, is turned off: what is measured is the page's own layout."""
    context, page = new_page(browser, VIEWPORTS[width])
    context.add_init_script("addEventListener('DOMContentLoaded', () => "
                            "{ document.documentElement.style.overflowAnchor = 'none'; })")
    heading = "what-is-different-from-the-papers-and-why"  # the last section before the exercises
    assert f'<h2 id="{heading}">' in (quick_site / "lessons/l07-world-model/index.html").read_text(encoding="utf-8")
    visit(page, f"{site_url}/lessons/l07-world-model/#{heading}")  # as a link from elsewhere opens it
    where = f"document.getElementById('{heading}').getBoundingClientRect().top"
    header = page.evaluate("document.querySelector('.md-header').getBoundingClientRect().bottom")
    landed = page.evaluate(where)
    waiting = page.evaluate(f"[...document.images].filter(i => !i.complete && i.getBoundingClientRect().top < {landed}"
                            " && i.getClientRects().length).length")
    assert waiting >= 5, "the pictures above the heading had loaded already: nothing would be measured"
    assert header <= landed <= header + 40, f"the link put the heading {landed:.0f} px from the top"
    page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(img => { img.loading = 'eager'; })")
    page.wait_for_function("[...document.images].filter(i => i.getClientRects().length).every(i => i.complete)")
    page.wait_for_load_state("networkidle")
    assert page.evaluate(where) == pytest.approx(landed, abs=1), "the page moved as its pictures loaded"
    context.close()


def test_axe_core_finds_what_it_is_meant_to_find(browser):
    """The accessibility tests can fail: on a page made to break three rules, with a faint token among two
    hundred readable ones in a code block (where contrast is read on one shown span of each style), and
    the same token first in a closed <details>, the findings name each rule and the faint token."""
    faint, readable = '<span class="c1" style="color: #bbb"># faint</span>', '<span class="k">def</span> '
    code = '<div class="highlight"><pre><code style="color: #222">{}</code></pre></div>'.format
    page = browser.new_page()
    page.set_content('<main><p style="color: #aaa; background: #fff">faint text</p><img src="data:,">'
                     f'<div role="dialog">unnamed</div><details><summary>more</summary>{code(faint)}</details>'
                     f'{code(200 * readable + faint)}</main>')
    page.evaluate(axe_script())
    violations = findings(page)["violations"]
    found = {v["rule"]: v["impact"] for v in violations}
    assert {"color-contrast", "image-alt", "aria-dialog-name"} <= found.keys()
    assert {found[rule] for rule in ("color-contrast", "image-alt", "aria-dialog-name")} <= set(SERIOUS)
    faint = sorted(node.split(" (")[0] for v in violations if v["rule"] == "color-contrast" for node in v["nodes"])
    assert faint == [".c1", "p"], faint
    page.close()


def test_every_picture_on_the_site_carries_the_size_of_its_file(quick_site):
    """The build reads each picture's size from its file (policywerk.literate.images) and gives it to the
    <img>, on the lesson pages and the home page's cards alike."""
    from html.parser import HTMLParser

    from policywerk.literate.images import intrinsic_size

    class Images(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "img":
                found.append((page, dict(attrs)))

    found, unsized = [], []
    for page in quick_site.rglob("index.html"):
        if "assets" not in page.relative_to(quick_site).parts:
            Images().feed(page.read_text(encoding="utf-8"))
    for page, img in found:
        size = intrinsic_size((page.parent / img["src"]).read_bytes())
        if (img.get("width"), img.get("height")) != (str(size[0]), str(size[1])):
            unsized.append(f"{page.parent.relative_to(quick_site)}: {img['src']} is {size}, its <img> says "
                           f"{img.get('width')} x {img.get('height')}")
    assert len(found) >= 7 * 4 and not unsized, "\n".join(unsized)


@pytest.mark.usefixtures("runtime")
def test_the_try_it_and_exercise_panels_opened_and_run_have_no_serious_violation_in_either_scheme(browser, site_url):
    """What the walk's axe-core run does not see, because a reader opens it: a try-it cell's editor, its
    buttons, the status and a run's output with its pictures; an exercise's editor with a checked answer,
    its verdict and a hint opened."""
    context, page = new_page(browser, VIEWPORTS["desktop"])
    panel = open_cell(page, f"{site_url}/lessons/l01-bellman/")
    status, _ = run(panel)
    assert status.startswith("Finished") and panel.locator(".pw-try-output img").count() >= 1
    exercise = page.locator(".pw-exercise").first
    exercise.get_by_role("button", name="Write your answer here").click()
    exercise.locator(".cm-editor").wait_for()
    exercise.get_by_role("button", name="Check").click()
    status, _ = finish(exercise)
    assert status.startswith("Not yet")
    page.locator("summary", has_text="Hint 1").first.click()
    runs = accessibility(page, axe_script(), within="article", then=None)  # every rule, in both schemes
    assert {r["scheme"] for r in runs} == {"default", "slate"} and min(r["passed"] for r in runs) >= 20
    serious = [f"{r['scheme']}: {v['rule']} on {v['nodes']}" for r in runs for v in r["violations"]
               if v["impact"] in SERIOUS]
    assert not serious, "\n".join(serious)
    context.close()
