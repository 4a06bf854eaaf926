"""The site: a strict MkDocs build in the quick setting, with every written lesson's page and media in place."""

import json
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
    # The player's way in: the animation names its sidecar and has an id; the trace table's rows link to it.
    (tag,) = re.findall(r'<img[^>]*class="pw-animation"[^>]*>', html)
    sidecar, anchor = re.search(r'data-pw-frames="([^"]+)"', tag)[1], re.search(r'id="([^"]+)"', tag)[1]
    assert json.loads((folder / sidecar).read_text())["gif"] in gifs
    assert f'<a class="pw-frame-link" href="#{anchor}"' in html
    assert '<script src="../../javascripts/player.js" type="module">' in html
    assert 'class="arithmatex"' in html  # math reaches the page for KaTeX to render
    edit = f'href="https://github.com/a-fork/rl-notes/edit/main/src/policywerk/lessons/{info.module}.py"'
    assert edit in html  # the edit button opens the lesson's source (in the fork the site is built from)


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


def test_lesson_pages_link_to_the_lessons_before_and_after(quick_site):
    slugs = [info.slug for info in LESSONS]
    for k, slug in enumerate(slugs):
        html = (quick_site / "lessons" / slug / "index.html").read_text(encoding="utf-8")
        if 0 < k:
            assert f'href="../{slugs[k - 1]}/" class="md-footer__link md-footer__link--prev' in html
        if k < len(slugs) - 1:
            assert f'href="../{slugs[k + 1]}/" class="md-footer__link md-footer__link--next' in html


def test_concepts_and_lessons_link_to_each_other(quick_site):
    from policywerk.lessons import CATALOG, CONCEPTS

    for c in CONCEPTS:
        html = (quick_site / "concepts" / c.slug / "index.html").read_text(encoding="utf-8")
        assert 'id="where-it-appears"' in html and 'class="arithmatex"' in html, c.slug
        users = [info for info in CATALOG if c.slug in info.concepts]
        for info in users:
            assert f'href="../../lessons/{info.slug}/"' in html, (c.slug, info.slug)
        assert "where it first appears" in html
    for info in LESSONS:
        html = (quick_site / "lessons" / info.slug / "index.html").read_text(encoding="utf-8")
        for slug in info.concepts:
            assert f'href="../../concepts/{slug}/"' in html, (info.slug, slug)
        assert info.url in html and "What this lesson simplifies" in html


def test_home_page_shows_every_lesson_as_a_card_with_its_poster(quick_site):
    html = (quick_site / "index.html").read_text(encoding="utf-8")
    assert "<!-- lessons -->" not in html and 'class="grid cards pw-lessons"' in html
    for info in LESSONS:
        assert f'src="assets/posters/{info.slug}.png"' in html, info.slug


def test_each_lesson_page_shows_the_seeds_and_the_digest_of_its_run(quick_site, quick_build):
    from policywerk.literate.publish import digest, seeds_of

    for info in LESSONS:
        _, _, record = quick_build(info.module)
        html = (quick_site / "lessons" / info.slug / "index.html").read_text(encoding="utf-8")
        assert "This page’s run" in html or "This page's run" in html
        assert f"<code>{digest(record)[:16]}</code>" in html
        seeds = seeds_of(record)
        assert (seeds != "") == (info.module != "l01_bellman")  # lesson 01 has no randomness
        assert f"seeds {seeds})" in html or not seeds
        assert f"policywerk build {info.module} --quick" in html


def test_every_page_links_the_changelog_in_its_footer(quick_site):
    changelog = (quick_site / "changelog" / "index.html").read_text(encoding="utf-8")
    assert "<h1 id=\"changelog\">Changelog" in changelog
    pages = list(quick_site.rglob("index.html"))
    assert len(pages) > 15
    for page in pages:
        footer = page.read_text(encoding="utf-8").split('class="md-copyright"', 1)[1]
        href = re.search(r'<a href="([^"]*)">Changelog</a>', footer)[1]
        assert (page.parent / href / "index.html").resolve() == (quick_site / "changelog" / "index.html").resolve()


def test_the_home_page_cites_the_project_and_each_lesson_page_its_paper(quick_site):
    home = re.sub(r"<[^>]+>", "", (quick_site / "index.html").read_text(encoding="utf-8"))
    assert "Cite" in home and "@misc{policywerk" in home
    assert "url     = {https://a-fork.github.io/rl-notes/}," in home  # where this site is published
    for info in LESSONS:
        text = re.sub(r"<[^>]+>", "", (quick_site / "lessons" / info.slug / "index.html").read_text(encoding="utf-8"))
        assert "The paper as BibTeX" in text
        for reference in info.references:
            assert f"@{reference.kind}{{{reference.key}," in text
