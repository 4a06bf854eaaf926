"""A link check of the whole built site: every internal link, image, script and stylesheet points at a
file that exists, and every #anchor at an id on its page. Links to other sites are only counted: this
machine has no network, and the pages never load anything from them (see test_browser)."""

from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from conftest import FORK


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and "name" in attrs:
            self.ids.add(attrs["name"])
        for key in ("href", "src"):
            if attrs.get(key) and tag in ("a", "img", "script", "link", "source"):
                self.links.append(attrs[key])


def parse(path):
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def target_file(site, page, href):
    """The file under ``site`` that ``href`` on ``page`` points at, and its fragment. Absolute paths are
    taken under the site's own path (from site_url: the fork's, /rl-notes/, see conftest.FORK)."""
    parts = urlsplit(href)
    path = unquote(parts.path)
    if not path:
        return page, parts.fragment  # an anchor on the same page
    if path.startswith("/"):
        target = site / path.removeprefix(urlsplit(FORK["steps.pages.outputs.base_url"]).path).lstrip("/")
    else:
        target = page.parent / path
    target = target.resolve()
    return (target / "index.html" if target.is_dir() else target), parts.fragment


def test_every_internal_link_and_anchor_resolves(quick_site):
    parsed = {path: parse(path) for path in quick_site.rglob("*.html")}
    checked = external = anchors = 0
    broken = []
    for page, content in parsed.items():
        for href in content.links:
            scheme = urlsplit(href).scheme
            if scheme in ("http", "https", "mailto"):
                external += 1
                continue
            if href.startswith(("javascript:", "data:")):
                continue
            target, fragment = target_file(quick_site, page, href)
            if not str(target).startswith(str(quick_site.resolve())) or not target.is_file():
                broken.append(f"{page.relative_to(quick_site)}: {href} (no file {target})")
                continue
            checked += 1
            if fragment and target.suffix == ".html":
                anchors += 1
                ids = parsed[target].ids if target in parsed else parse(target).ids
                if unquote(fragment) not in ids:
                    broken.append(f"{page.relative_to(quick_site)}: {href} (no id {fragment!r} there)")
    print(f"\nlink check: {len(parsed)} HTML files, {checked} internal links ({anchors} with anchors), "
          f"{external} to other sites")
    assert not broken, "\n".join(broken[:40])
    assert checked > 500 and anchors > 50
