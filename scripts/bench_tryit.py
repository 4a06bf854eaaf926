"""Benchmark the try-it cells in headless Chromium: the time from pressing Run to the first result of each
lesson's try-it cell, cold (a fresh browser context: Python loads first) and warm (Run again on the same
page), as medians; the bytes the first Run fetches; whether the cell printed exactly what the build
printed; and what a lesson page carries for the runner before a reader asks for it.

    python scripts/bench_tryit.py [--setting full|quick] [--repeat N]

It builds the site from the cached runs (``make lessons`` first; Pyodide from ``make runtime``) into a
temporary folder and serves it on 127.0.0.1 with Python's plain file server, which sends files as they
are (no compression): the gzip figures are each file's ``gzip -9`` size. Times are wall-clock on a shared
machine: read the medians.
"""

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_player import FLAGS, Quiet, build, kb, serve, sizes  # noqa: E402

RUN_S = 120  # the longest a run may take here before the benchmark gives up


def run_once(page, panel) -> float:
    started = time.perf_counter()
    panel.get_by_role("button", name="Run").click()
    page.wait_for_function("p => p.querySelector('.pw-try-status').textContent.startsWith('Finished')",
                           arg=panel.element_handle(), timeout=RUN_S * 1000)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--setting", choices=("full", "quick"), default="full")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    site = Path(tempfile.mkdtemp(prefix="policywerk-bench-tryit-"))
    try:
        build(args.setting, site)
        server, url = serve(site)
        runtime = [p for p in sorted((site / "assets" / "pyodide").iterdir()) if p.is_file()]
        print(f"the runtime's files (raw / gzip -9, kB), {args.setting} setting")
        for path in runtime:
            raw, packed = sizes(path)
            print(f"  {path.name:<24}{kb(raw):>10}{kb(packed):>10}")
        total = [sum(sizes(p)[k] for p in runtime if p.suffix != ".txt" and "LICENSE" not in p.name)
                 for k in (0, 1)]
        print(f"  {'fetched by a first Run':<24}{kb(total[0]):>10}{kb(total[1]):>10}")
        js, css = sizes(site / "javascripts" / "tryit.js"), sizes(site / "stylesheets" / "tryit.css")
        print(f"a page before any Run: tryit.js {kb(js[0])} / {kb(js[1])} kB, tryit.css {kb(css[0])} / "
              f"{kb(css[1])} kB; the editor (CodeMirror) "
              f"{kb(sizes(site / 'assets' / 'codemirror' / 'codemirror.min.js')[1])} kB gzipped, on opening one")
        print(f"\n{'lesson':<20}{'cold s':>8}{'warm s':>8}{'served MB':>11}{'pictures':>10}  printed")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=FLAGS)
            for page_dir in sorted((site / "lessons").iterdir()):
                if not (page_dir / "index.html").is_file() or "pw-try" not in (page_dir / "index.html").read_text():
                    continue
                cold, warm, served, pictures, same = [], [], [], 0, True
                for _ in range(args.repeat):
                    context = browser.new_context(viewport={"width": 1400, "height": 1000})
                    page = context.new_page()
                    page.goto(f"{url}/lessons/{page_dir.name}/")
                    panel = page.locator(".pw-try").first
                    panel.get_by_role("button", name="Edit and run this cell").click()
                    panel.locator(".cm-editor").wait_for()
                    Quiet.served.clear()
                    cold.append(run_once(page, panel))
                    served.append(sum((site / path.lstrip("/").split("?")[0]).stat().st_size
                                      for path in Quiet.served))
                    printed = panel.locator(".pw-try-output pre").first.inner_text().strip()
                    built = panel.locator("xpath=preceding-sibling::div[contains(@class, 'highlight')][1]//pre")
                    same = same and printed == built.inner_text().strip()
                    warm.append(run_once(page, panel))
                    pictures = panel.locator(".pw-try-output img").count()
                    context.close()
                print(f"{page_dir.name:<20}{statistics.median(cold):>8.1f}{statistics.median(warm):>8.1f}"
                      f"{statistics.median(served) / 1e6:>11.2f}{pictures:>10}  "
                      + ("as built" if same else "differs from the build"))
            browser.close()
        server.shutdown()
    finally:
        shutil.rmtree(site, ignore_errors=True)


if __name__ == "__main__":
    main()
