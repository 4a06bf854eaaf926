"""The site: a strict MkDocs build in the quick setting, with lesson 01's page and its media in place."""

import re


def test_strict_build_makes_the_lesson_page(quick_site):
    html = (quick_site / "lessons" / "l01-bellman" / "index.html").read_text(encoding="utf-8")
    assert 'src="l01-value-iteration.gif"' in html
    assert (quick_site / "lessons" / "l01-bellman" / "l01-value-iteration.gif").is_file()
    assert 'class="arithmatex"' in html  # math reaches the page for KaTeX to render
    assert "policywerk/lessons/l01_bellman.py" in html  # the edit link points at the lesson's source


def test_index_links_written_lessons_only(quick_site):
    html = (quick_site / "index.html").read_text(encoding="utf-8")
    assert 'href="lessons/l01-bellman/"' in html
    assert "Q-learning and SARSA on the cliff <em>(coming)</em>" in html


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
