"""Benchmark the animation player: the bytes it adds to a lesson page, and the time from the start of a
page load to the player's first frame, in headless Chromium, as medians over fresh browser contexts.
Beside it: the page's own load time (its load event), the player's own share of the time (from the moment
it starts, its sidecar and the GIF read, to the frame drawn), and how often the server sent the GIF (once:
the player reads the copy the page's image loaded).

    python scripts/bench_player.py [--setting full|quick] [--repeat N]

It builds the site from the cached runs (``policywerk build`` first: ``make lessons``) into a temporary
folder, serves it on 127.0.0.1, and opens each lesson page at its animation (``#pw-<name>``), as a trace
table's link or a shared link does. Times are wall-clock on a shared machine: read the medians.
"""

import argparse
import gzip
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


def kb(n: int) -> str:
    return f"{n / 1000:.1f}"


def sizes(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    return len(data), len(gzip.compress(data, 9, mtime=0))


def build(setting: str, out: Path) -> None:
    env = {**os.environ, "POLICYWERK_SETTING": setting, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(out)],
                   cwd=ROOT, env=env, check=True)


class Quiet(http.server.SimpleHTTPRequestHandler):
    """Serves the site without a log line a request, counting what reaches the server (not the cache)."""

    served: list[str] = []

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        Quiet.served.append(self.path)
        super().do_GET()


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--setting", choices=("full", "quick"), default="full")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    site = Path(tempfile.mkdtemp(prefix="policywerk-bench-player-"))
    try:
        build(args.setting, site)
        server, url = serve(site)
        print(f"player bytes (raw / gzip -9, kB), {args.setting} setting")
        js, css = sizes(site / "javascripts" / "player.js"), sizes(site / "stylesheets" / "player.css")
        fallback = sizes(site / "assets" / "gifuct" / "gifuct.min.js")
        print(f"  player.js {kb(js[0])} / {kb(js[1])}; player.css {kb(css[0])} / {kb(css[1])}; "
              f"gifuct.min.js {kb(fallback[0])} / {kb(fallback[1])} (only where ImageDecoder is missing)")
        print(f"\n{'lesson':<18}{'frames':>7}{'sidecar kB':>11}{'gzip':>6}{'GIF kB':>8}"
              f"{'page load ms':>14}{'first frame ms':>16}{'player ms':>11}{'GIF served':>12}")
        rows = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=FLAGS)
            for page_dir in sorted((site / "lessons").iterdir()):
                sidecars = sorted(p for p in page_dir.glob("*.json") if p.with_suffix(".gif").is_file())
                if not page_dir.is_dir() or not sidecars:
                    continue
                data = json.loads(sidecars[0].read_text())
                anchor = f"pw-{data['gif'].removesuffix('.gif')}"
                first, own, fetches, loaded = [], [], [], []
                for _ in range(args.repeat):
                    context = browser.new_context(viewport={"width": 1400, "height": 1000})
                    page = context.new_page()
                    Quiet.served.clear()
                    page.goto(f"{url}/lessons/{page_dir.name}/#{anchor}")
                    page.wait_for_function("document.querySelector('.pw-player')?.dataset.pwFirstFrameAt",
                                           timeout=30_000)
                    player = page.locator(".pw-player").first
                    first.append(int(player.get_attribute("data-pw-first-frame-at")))
                    own.append(int(player.get_attribute("data-pw-start-ms")))
                    page.wait_for_load_state("networkidle")
                    loaded.append(page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd"))
                    fetches.append(sum(path.endswith(".gif") for path in Quiet.served))
                    context.close()
                side, gif = sizes(sidecars[0]), (page_dir / data["gif"]).stat().st_size
                rows.append((statistics.median(first), side[0], side[1]))
                print(f"{page_dir.name:<18}{len(data['frames']):>7}{kb(side[0]):>11}{kb(side[1]):>6}{kb(gif):>8}"
                      f"{statistics.median(loaded):>14.0f}{statistics.median(first):>16.0f}{statistics.median(own):>11.0f}{max(fetches):>12}")
            browser.close()
        server.shutdown()
        sidecar_raw = statistics.median(r[1] for r in rows)
        sidecar_gzip = statistics.median(r[2] for r in rows)
        print(f"\nmedian over lessons of the time to the first frame: {statistics.median(r[0] for r in rows):.0f} ms")
        print(f"page weight the player adds: its code {kb(js[0] + css[0])} kB ({kb(js[1] + css[1])} kB gzipped) and "
              f"a sidecar of {kb(sidecar_raw)} kB ({kb(sidecar_gzip)} kB gzipped), the median over lessons")
    finally:
        shutil.rmtree(site, ignore_errors=True)


if __name__ == "__main__":
    main()
