"""The animation player in headless Chromium, on every lesson page: it appears and plays, pause holds the
picture, a step moves one frame and the label names it, the slider and the keys reach every frame, a trace
table's row shows its frame, reduced motion starts paused on the poster, a phone shows one legible pane,
and the decoded frames are the GIF's own pixels. Without JavaScript the page shows the GIF: see
test_browser's test of the animation's size."""

import hashlib
import json
import time
from pathlib import Path

import pytest
from matplotlib.animation import Image  # Pillow, as matplotlib imports it: the decoder the player must match

from conftest import FORK
from policywerk.lessons import available
from test_browser import VIEWPORTS, new_page, visit

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
SLUGS = [info.slug for info in available()]
PLAYER = ".pw-player"
CANVAS = ".pw-player__canvas"


def sidecar(site, slug) -> dict:
    (path,) = [p for p in (site / "lessons" / slug).glob("*.json") if p.with_suffix(".gif").is_file()]
    return json.loads(path.read_text(encoding="utf-8"))


def open_player(page, url):
    """Visit a lesson page and wait for its player to draw its first frame."""
    visit(page, url)
    # the GIF's paragraph, not the GIF: under reduced motion the page's CSS hides the GIF
    page.evaluate("document.querySelector('img.pw-animation').closest('p').scrollIntoView()")
    page.wait_for_function(f"document.querySelector('{PLAYER}')?.dataset.pwFrame !== undefined", timeout=15_000)
    player = page.locator(PLAYER).first
    player.scroll_into_view_if_needed()
    return player


def frame_of(page) -> int:
    return int(page.locator(PLAYER).first.get_attribute("data-pw-frame"))


def wait_frame(page, index: int):
    page.wait_for_function(f"document.querySelector('{PLAYER}').dataset.pwFrame === '{index}'", timeout=10_000)


def picture(page) -> str:
    return page.locator(CANVAS).first.evaluate("c => c.toDataURL()")


def label(page) -> str:
    return page.locator(".pw-player__label").first.text_content()


@pytest.mark.parametrize("slug", SLUGS)
def test_the_player_plays_pauses_steps_scrubs_and_answers_keys_and_table_links(browser, site_url, quick_site, slug):
    data = sidecar(quick_site, slug)
    frames, last = data["frames"], len(data["frames"]) - 1
    context, page = new_page(browser, VIEWPORTS["desktop"])
    player = open_player(page, f"{site_url}/lessons/{slug}/")
    assert not page.locator("img.pw-animation").first.is_visible()  # the GIF gave way to the player
    assert player.get_attribute("data-pw-view") == "whole"
    assert page.locator(CANVAS).first.evaluate("c => c.getBoundingClientRect().width / 1100") >= 0.75

    # It plays: the frame moves on by itself.
    assert player.get_attribute("data-pw-playing") == "true"
    first = frame_of(page)
    page.wait_for_function(f"document.querySelector('{PLAYER}').dataset.pwFrame !== '{first}'", timeout=10_000)

    # Pause holds the picture.
    page.get_by_role("button", name="Pause").click()
    assert player.get_attribute("data-pw-playing") == "false"
    time.sleep(0.3)  # a frame being decoded as it was paused is drawn still
    held, at = picture(page), frame_of(page)
    time.sleep(1.0)
    assert picture(page) == held and frame_of(page) == at

    # First, then one step: exactly one frame on, and the label names it.
    page.get_by_role("button", name="First frame").click()
    wait_frame(page, 0)
    assert label(page) == frames[0]["text"]
    page.get_by_role("button", name="Next frame").click()
    wait_frame(page, 1)
    assert label(page) == frames[1]["text"] and frames[1]["label"] in label(page)
    page.get_by_role("button", name="Previous frame").click()
    wait_frame(page, 0)

    # The slider reaches the last frame.
    slider = page.get_by_role("slider", name="Frame")
    slider.fill(str(last))
    wait_frame(page, last)
    assert label(page) == frames[last]["text"]
    assert slider.get_attribute("aria-valuetext") == f"{frames[last]['text']} (frame {last + 1} of {last + 1})"

    # The keys, once the player has focus.
    player.focus()
    for key, expected in [("Home", 0), ("ArrowRight", 1), ("End", last), ("ArrowLeft", last - 1)]:
        page.keyboard.press(key)
        wait_frame(page, expected)
    page.keyboard.press("Space")
    assert player.get_attribute("data-pw-playing") == "true"
    page.keyboard.press("Space")
    assert player.get_attribute("data-pw-playing") == "false"
    page.keyboard.press("Tab")  # from the player to its first control, whose focus ring shows
    focused = page.evaluate("[document.activeElement.getAttribute('aria-label'), "
                            "getComputedStyle(document.activeElement).outlineStyle, "
                            "parseFloat(getComputedStyle(document.activeElement).outlineWidth)]")
    assert focused[0] == "First frame" and focused[1] == "solid" and focused[2] >= 2

    # A trace table's row shows its frame, paused.
    link = page.locator("a.pw-frame-link").last
    target = int(link.get_attribute("data-pw-frame"))
    page.get_by_role("button", name="First frame").click()
    wait_frame(page, 0)
    link.scroll_into_view_if_needed()
    link.click()
    wait_frame(page, target)
    assert label(page) == frames[target]["text"] and player.get_attribute("data-pw-playing") == "false"

    # Every control has a name; the label is a live region.
    names = page.locator(f"{PLAYER} button, {PLAYER} input, {PLAYER} select").evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label') || e.closest('label')?.textContent || '')")
    assert len(names) == 9 and all(n.strip() for n in names)
    assert page.locator(".pw-player__label").first.get_attribute("aria-live") == "polite"
    assert not page.problems and all(u.startswith(site_url) for u in page.requests)
    context.close()


@pytest.mark.parametrize("slug", SLUGS)
def test_reduced_motion_starts_paused_on_the_poster_with_play_one_click_away(browser, site_url, quick_site, slug):
    data = sidecar(quick_site, slug)
    context, page = new_page(browser, VIEWPORTS["desktop"], reduced_motion="reduce")
    player = open_player(page, f"{site_url}/lessons/{slug}/")
    assert player.get_attribute("data-pw-playing") == "false"
    assert frame_of(page) == data["poster"] and label(page) == data["frames"][data["poster"]]["text"]
    assert not page.locator("img.pw-poster").first.is_visible()  # the player shows the poster itself
    page.get_by_role("button", name="Play").click()
    assert player.get_attribute("data-pw-playing") == "true"
    assert not page.problems
    context.close()


@pytest.mark.parametrize("slug", SLUGS)
def test_a_phone_shows_one_pane_whose_smallest_text_is_at_least_9_px(browser, site_url, quick_site, slug):
    data = sidecar(quick_site, slug)
    context, page = new_page(browser, VIEWPORTS["phone"])
    player = open_player(page, f"{site_url}/lessons/{slug}/")
    view = player.get_attribute("data-pw-view")
    assert view == "environment"
    canvas = page.locator(CANVAS).first
    width, natural = canvas.evaluate("c => [c.getBoundingClientRect().width, c.width]")
    assert natural == data["panes"][view][2]  # the pane's own rectangle, as the run measured it
    assert data["smallest_text_px"] * width / natural >= 9
    page.get_by_role("combobox", name="Show").select_option("trace")
    assert player.get_attribute("data-pw-view") == "trace"
    assert canvas.evaluate("c => c.width") == data["panes"]["trace"][2]
    assert not page.problems and all(u.startswith(site_url) for u in page.requests)
    context.close()


def test_the_player_starts_again_after_instant_navigation(browser, site_url, quick_site):
    """Material swaps the page's content without a reload: the next lesson's player starts all the same,
    and the one left behind stops."""
    context, page = new_page(browser, VIEWPORTS["desktop"])
    # Material navigates instantly only to the pages in its sitemap, whose addresses are the published
    # site's: served here at another address, the sitemap is given this server's.
    published = FORK["steps.pages.outputs.base_url"]  # the test suite's site is built as a fork publishes it
    page.route("**/sitemap.xml", lambda route: route.fulfill(
        response=route.fetch(), body=route.fetch().text().replace(published, site_url)))
    open_player(page, f"{site_url}/lessons/{SLUGS[0]}/")
    page.evaluate("window.sameDocument = true")
    page.locator(f"nav a[href$='{SLUGS[1]}/']").first.click()
    page.wait_for_url(f"**/lessons/{SLUGS[1]}/")
    assert page.evaluate("window.sameDocument === true")  # no reload: Material's instant navigation
    anchor = "pw-" + sidecar(quick_site, SLUGS[1])["gif"].removesuffix(".gif")
    page.wait_for_selector(f"img#{anchor}", state="attached")  # the new page's content is in
    page.evaluate("document.querySelector('img.pw-animation').closest('p').scrollIntoView()")
    page.wait_for_function(f"document.querySelector('{PLAYER}#{anchor}')?.dataset.pwFrame !== undefined",
                           timeout=15_000)
    assert page.locator(PLAYER).count() == 1
    link = page.locator("a.pw-frame-link").first  # the new page's table leads to the new page's player
    link.scroll_into_view_if_needed()
    link.click()
    wait_frame(page, int(link.get_attribute("data-pw-frame")))
    assert not page.problems
    context.close()


def test_a_missing_sidecar_leaves_the_gif_and_its_links(browser, site_url):
    """Nothing is lost when the player cannot start: the GIF stays, and a row's link still leads to it."""
    context, page = new_page(browser, VIEWPORTS["desktop"])
    page.route("**/*.json", lambda route: route.fulfill(status=404, body="missing"))
    visit(page, f"{site_url}/lessons/{SLUGS[0]}/")
    gif = page.locator("img.pw-animation").first
    gif.scroll_into_view_if_needed()
    page.wait_for_function("document.querySelector('img.pw-animation').dataset.pwPlayer === 'failed'")
    # The GIF loads lazily, and the player can give up before it has: wait for it to show (CI once caught it at
    # 0 x 0 pixels, still loading), then no player is there.
    page.wait_for_function("(i => i.complete && i.naturalWidth > 0)(document.querySelector('img.pw-animation'))")
    assert gif.is_visible() and page.locator(PLAYER).count() == 0
    link = page.locator("a.pw-frame-link").first
    link.scroll_into_view_if_needed()
    link.click()
    page.wait_for_url(f"**#{gif.get_attribute('id')}")
    context.close()


RGB_SHA256 = """async c => {  // the sha256 of the canvas's RGB bytes, row by row
  const copy = document.createElement("canvas");
  [copy.width, copy.height] = [c.width, c.height];
  const context = copy.getContext("2d", { willReadFrequently: true });
  context.drawImage(c, 0, 0);
  const rgba = context.getImageData(0, 0, c.width, c.height).data;
  const rgb = new Uint8Array(rgba.length / 4 * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4) {
    rgb[j++] = rgba[i]; rgb[j++] = rgba[i + 1]; rgb[j++] = rgba[i + 2];
  }
  const digest = await crypto.subtle.digest("SHA-256", rgb);
  return [...new Uint8Array(digest)].map(b => b.toString(16).padStart(2, "0")).join("");
}"""


@pytest.mark.parametrize("decoder", ["ImageDecoder", "gifuct-js"])
def test_the_frames_drawn_are_the_gifs_own_pixels(browser, site_url, quick_site, decoder):
    """Each frame the player draws equals the GIF's image as Pillow decodes it, with WebCodecs' decoder and
    with the fallback the player loads where a browser has none."""
    slug = SLUGS[0]
    data = sidecar(quick_site, slug)
    context, page = new_page(browser, VIEWPORTS["desktop"])
    if decoder == "gifuct-js":
        page.add_init_script("delete window.ImageDecoder")
    open_player(page, f"{site_url}/lessons/{slug}/")
    page.get_by_role("button", name="Pause").click()
    last = len(data["frames"]) - 1
    with Image.open(quick_site / "lessons" / slug / data["gif"]) as gif:
        for index in dict.fromkeys([0, 1, last // 2, last - 1, last, 2]):  # backwards too, from the last to 2
            page.get_by_role("slider", name="Frame").fill(str(index))
            wait_frame(page, index)
            gif.seek(data["frames"][index]["gif"])
            expected = hashlib.sha256(gif.convert("RGB").tobytes()).hexdigest()
            assert page.locator(CANVAS).first.evaluate(RGB_SHA256) == expected, f"frame {index}"
    fallback = [u for u in page.requests if u.endswith("gifuct.min.js")]
    assert bool(fallback) == (decoder == "gifuct-js")
    assert not page.problems
    context.close()
