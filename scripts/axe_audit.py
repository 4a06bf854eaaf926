"""Accessibility violations of a built site, by axe-core (Deque's engine, the one Lighthouse uses), on every page
at a desktop and a phone width, in the light and the dark colour scheme.

    python scripts/axe_audit.py --site site/                  the counts by rule and impact, per width and scheme
    python scripts/axe_audit.py --site site/ --nodes 3        and, for each rule, the first pages and elements
    python scripts/axe_audit.py --site site/ --fail serious   exit 1 if any violation is serious or critical

The site is served from its folder on 127.0.0.1 and opened in headless Chromium (the system's `chromium`);
axe-core comes from the `axe-playwright-python` package (pip install -e ".[test]"), which ships it. Nothing
of this is loaded by the site itself. Each page is scrolled through first, so that lazy images and the
animation player are in place when axe looks.
"""

import argparse
import functools
import http.server
import shutil
import sys
import threading
from collections import Counter, defaultdict
from pathlib import Path

WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}
SCHEMES = ("light", "dark")
IMPACTS = ("critical", "serious", "moderate", "minor")


def pages(site: Path) -> list[str]:
    """Every page of the built site, as a path below its root ("" for the home page)."""
    found = []
    for index in sorted(site.rglob("index.html")):
        relative = index.parent.relative_to(site).as_posix()
        if relative.startswith(("assets", "search")):
            continue
        found.append("" if relative == "." else relative + "/")
    return sorted(found)


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # one line per file fetched would bury the report
        pass


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def audit(site: Path) -> list[dict]:
    """One record per violated rule per page visit: page, width, scheme, rule, impact, nodes (selectors)."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("no chromium on PATH (apt-get install chromium)")
    server, root = serve(site)
    axe, found = Axe(), []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            for width, (w, h) in WIDTHS.items():
                for scheme in SCHEMES:
                    context = browser.new_context(viewport={"width": w, "height": h}, color_scheme=scheme,
                                                  reduced_motion="reduce")
                    page = context.new_page()
                    for path in pages(site):
                        page.goto(root + path, wait_until="load")
                        page.evaluate("""async () => {
                            for (let y = 0; y < document.body.scrollHeight; y += innerHeight) {
                              scrollTo(0, y); await new Promise(r => setTimeout(r, 30)); }
                            scrollTo(0, 0); }""")
                        result = axe.run(page).response
                        for v in result["violations"]:
                            found.append({"page": path or "(home)", "width": width, "scheme": scheme,
                                          "rule": v["id"], "impact": v["impact"],
                                          "nodes": [" ".join(map(str, n["target"])) for n in v["nodes"]]})
                    context.close()
            browser.close()
    finally:
        server.shutdown()
    return found


def report(found: list[dict], n_pages: int, nodes: int) -> None:
    visits = n_pages * len(WIDTHS) * len(SCHEMES)
    print(f"{n_pages} pages x {len(WIDTHS)} widths x {len(SCHEMES)} schemes = {visits} page visits\n")
    table = defaultdict(Counter)
    for v in found:
        table[(IMPACTS.index(v["impact"]), v["rule"], v["impact"])][(v["width"], v["scheme"])] += len(v["nodes"])
    columns = [(width, scheme) for width in WIDTHS for scheme in SCHEMES]
    print(f"{'rule':<34} {'impact':<9}" + "".join(f"{w + ' ' + s:>15}" for w, s in columns))
    for (_, rule, impact), counts in sorted(table.items()):
        print(f"{rule:<34} {impact:<9}" + "".join(f"{counts[c]:>15}" for c in columns))
    totals = Counter()
    for v in found:
        totals[v["impact"]] += len(v["nodes"])
    print("\nnodes by impact: " + ", ".join(f"{impact} {totals[impact]}" for impact in IMPACTS))
    if nodes:
        for (_, rule, _impact), _counts in sorted(table.items()):
            print(f"\n{rule}:")
            shown = [(v["page"], v["width"], v["scheme"], node) for v in found if v["rule"] == rule
                     for node in v["nodes"]]
            for page, width, scheme, node in shown[:nodes]:
                print(f"  {page} ({width}, {scheme}): {node}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, required=True, help="a built site's folder (mkdocs build -d ...)")
    parser.add_argument("--nodes", type=int, default=0, help="show this many elements per rule")
    parser.add_argument("--fail", choices=IMPACTS, default=None, help="exit 1 on a violation this bad or worse")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        raise SystemExit(f"{args.site} holds no built site (no index.html)")
    found = audit(args.site)
    report(found, len(pages(args.site)), args.nodes)
    if args.fail is not None:
        worst = IMPACTS[: IMPACTS.index(args.fail) + 1]
        return 1 if any(v["impact"] in worst for v in found) else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
