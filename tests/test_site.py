"""The site: a strict MkDocs build in the quick setting, with every written lesson's page and media in place."""

import re

import pytest

from policywerk.lessons import available

LESSONS = available()


def test_lessons_01_and_02_are_written():
    assert [info.module for info in LESSONS][:2] == ["l01_bellman", "l02_actor_critic"]


@pytest.mark.parametrize("info", LESSONS, ids=lambda info: info.slug)
def test_strict_build_makes_each_lesson_page_with_its_animation(quick_site, info):
    folder = quick_site / "lessons" / info.slug
    html = (folder / "index.html").read_text(encoding="utf-8")
    gifs = re.findall(r'<img[^>]*src="([^"]+\.gif)"[^>]*class="pw-animation"', html)
    gifs += re.findall(r'<img[^>]*class="pw-animation"[^>]*src="([^"]+\.gif)"', html)
    assert gifs, f"{info.slug} shows no animation"
    assert all((folder / name).is_file() for name in gifs)
    assert 'class="arithmatex"' in html  # math reaches the page for KaTeX to render
    assert f"policywerk/lessons/{info.module}.py" in html  # the edit link points at the lesson's source


def test_index_links_written_lessons_only(quick_site):
    html = (quick_site / "index.html").read_text(encoding="utf-8")
    for info in LESSONS:
        assert f'href="lessons/{info.slug}/"' in html
    written = {info.module for info in LESSONS}
    from policywerk.lessons import CATALOG

    coming = [info for info in CATALOG if info.module not in written]
    for info in coming:  # listed, marked as coming, and not linked
        assert f"{info.title} <em>(coming)</em>" in html and f'href="lessons/{info.slug}/"' not in html


def test_no_asset_is_loaded_from_another_origin(quick_site):
    checked = 0
    for page in quick_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        # Everything the browser loads by itself: scripts, images and stylesheets.
        loaded = re.findall(r'<(?:script|img)\b[^>]*\bsrc="([^"]+)"', html)
        loaded += re.findall(r'<link\b(?=[^>]*rel="stylesheet")[^>]*\bhref="([^"]+)"', html)
        for url in loaded:
            assert not url.startswith(("http:", "https:", "//")), f"{page} loads {url}"
        checked += len(loaded)
    assert checked > 20, "found almost nothing to check: the pattern no longer matches the pages"
