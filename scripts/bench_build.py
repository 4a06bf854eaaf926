"""Benchmark the build as an author and a reader meet it, on this machine, and print the figures:

    python scripts/bench_build.py [--cold N] [--warm N] [--edits N] [--first-page N] [--jobs N] [--quick]
                                  [--root DIR] [--first-page-only]

0. the first page, N times: ``policywerk serve`` started with no runs cached (a new, empty ``--root``), and
   the time until it serves the home page and a lesson's page (``--first-page-only``: this alone);
1. cold, N times: every lesson run from nothing (``policywerk build --force --jobs J``, a fresh process per
   lesson) and then the site (``mkdocs build --strict``) from those runs;
2. warm, N times: the same two commands with nothing changed;
3. a prose-only edit, N times: ``mkdocs serve`` runs, one word is added to a Markdown cell of lesson 01, and
   the time until the served page shows it is measured (the lesson file is restored afterwards);
4. per lesson, from what the cold builds measured (``timings.json``): training and drawing time, peak
   memory (each lesson has its own process), artifacts' size, the animation's size and width, and whether
   the cold builds gave the same bytes.

The runs go to a folder of their own, so the checkout's posters and plain pages are left alone. Times are
wall-clock on a shared machine: the medians are printed, with the range when N > 1.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from policywerk import lessons  # noqa: E402
from policywerk.literate.runner import is_fresh, load_record, output_dir, timings  # noqa: E402

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true",
       "PYTHONPATH": str(ROOT / "src")}
BUDGETS = {"cold": 360.0, "warm": 5.0, "edit": 3.0, "first_page": 15.0, "peak_mb": 400, "gifs_mb": 6.0}


def timed(command: list[str], env: dict) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return time.perf_counter() - started


def spread(xs: list[float], unit: str = "s") -> str:
    text = f"{statistics.median(xs):.1f} {unit}"
    return text + (f" ({min(xs):.1f}-{max(xs):.1f})" if len(xs) > 1 else "")


def verdict(value: float, budget: float) -> str:
    return f"{'within' if value <= budget else 'OVER'} the budget of {budget:g}"


def gif_width(path: Path) -> int:
    return int.from_bytes(path.read_bytes()[6:8], "little")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode()
    except OSError:
        return ""


def prose_edits(env: dict, edits: int) -> list[float]:
    """Seconds from saving a prose edit of lesson 01 until ``mkdocs serve`` serves the page with it."""
    port = free_port()
    info = lessons.find("l01")
    original = info.path.read_bytes()
    url = f"http://127.0.0.1:{port}/policywerk/lessons/{info.slug}/"
    # as `make serve` runs it (with --no-livereload, mkdocs 1.6 stops watching for changes altogether)
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    latencies = []
    try:
        deadline = time.time() + 600
        while not fetch(url):
            if time.time() > deadline or server.poll() is not None:
                sys.exit("mkdocs serve did not come up")
            time.sleep(0.5)
        for k in range(edits):
            time.sleep(2.0)  # let the watcher settle after the last rebuild
            marker = f"Benchmark{k}x{int(time.time())}"
            edited = original.decode().replace("# # Lesson 01", f"# # Lesson 01 {marker}", 1)
            started = time.perf_counter()
            info.path.write_text(edited, encoding="utf-8")
            while marker not in fetch(url):
                if time.perf_counter() - started > 120:
                    sys.exit("the edit never showed")
                time.sleep(0.05)
            latencies.append(time.perf_counter() - started)
    finally:
        info.path.write_bytes(original)
        server.terminate()
        server.wait(timeout=30)
    return latencies


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def first_page(setting: str) -> float:
    """Seconds from starting ``policywerk serve`` with no runs cached until it serves the home page and a
    lesson's page; then Ctrl-C (SIGINT) stops it, which must end it with status 130."""
    port, root = free_port(), Path(tempfile.mkdtemp(prefix="policywerk-serve-"))
    site = f"http://127.0.0.1:{port}/policywerk/"
    pages = [site, f"{site}lessons/{lessons.available()[0].slug}/"]
    command = [sys.executable, "-m", "policywerk.literate", "serve", "--root", str(root), "--addr", f"127.0.0.1:{port}"]
    command += ["--quick"] if setting == "quick" else []
    said = root / "serve.log"  # a file, not a pipe: a pipe nobody reads would stop the server once it is full
    started = time.perf_counter()
    with said.open("w") as log:
        # SIGINT as in a terminal, even when this script was started with it ignored (`nohup`, `&` in a script)
        server = subprocess.Popen(command, cwd=ROOT, env=ENV, stdout=log, stderr=log, start_new_session=True,
                                  preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        while not all(answers(page) for page in pages):
            if time.perf_counter() - started > 120 or server.poll() is not None:
                sys.exit(f"policywerk serve served no page:\n{said.read_text()[-3000:]}")
            time.sleep(0.05)
        took = time.perf_counter() - started
        server.send_signal(signal.SIGINT)
        code = server.wait(timeout=30)
        if code != 130:
            sys.exit(f"policywerk serve stopped by SIGINT exited {code}, not 130:\n{said.read_text()[-3000:]}")
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        shutil.rmtree(root, ignore_errors=True)
    return took


def folder_hashes(root: Path, setting: str) -> dict[str, dict]:
    return {info.module: dict(load_record(output_dir(root, setting, info)).hashes)
            for info in lessons.available()}


def main() -> int:
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))  # restore lesson 01 on a kill too
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cold", type=int, default=1, help="cold builds to time (0: skip; default 1)")
    parser.add_argument("--warm", type=int, default=5, help="warm builds to time (default 5)")
    parser.add_argument("--edits", type=int, default=5, help="prose edits to time in mkdocs serve (default 5)")
    parser.add_argument("--first-page", type=int, default=3, help="starts of policywerk serve with no runs, timed "
                                                                  "to its first page (default 3)")
    parser.add_argument("--first-page-only", action="store_true", help="time those alone")
    parser.add_argument("--jobs", default="2", help="lessons at once in the cold build (default 2)")
    parser.add_argument("--quick", action="store_true", help="the quick setting (a smoke test of this script)")
    parser.add_argument("--root", type=Path, help="where the runs are cached (default: a new temporary folder; "
                                                  "with --cold 0, a folder that holds fresh runs)")
    args = parser.parse_args()
    if args.cold < 0 or args.warm < 1 or args.edits < 0 or args.first_page < 0:
        parser.error("--cold, --edits and --first-page must be >= 0, --warm >= 1")
    if args.first_page_only and args.first_page < 1:
        parser.error("--first-page-only needs --first-page of 1 or more")
    setting = "quick" if args.quick else "full"
    first = [first_page(setting) for _ in range(args.first_page)]
    first_row = (f"| `policywerk serve` to its first page, no runs cached | {spread(first)} | "
                 f"{verdict(statistics.median(first), BUDGETS['first_page'])} s |") if first else ""
    if args.first_page_only:
        print(f"setting {setting}, {os.cpu_count()} cores\n\n| step | median (range) | budget |\n|---|---|---|")
        print(first_row)
        return 0
    root = (args.root or Path(tempfile.mkdtemp(prefix="policywerk-bench-"))).resolve()
    env = {**ENV, "POLICYWERK_RUNS": str(root), "POLICYWERK_SETTING": setting}
    site = Path(tempfile.mkdtemp(prefix="policywerk-site-"))
    build = [sys.executable, "-m", "policywerk.literate", "build", "--jobs", args.jobs, "--root", str(root)]
    build += ["--quick"] if args.quick else []
    site_build = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)]
    print(f"setting {setting}, {args.jobs} lessons at once, {os.cpu_count()} cores, runs under {root}\n")

    cold, per_lesson, hashes = [], {}, []
    for _ in range(args.cold):
        lessons_s = timed(build + ["--force"], env)
        site_s = timed(site_build, env)
        cold.append((lessons_s, site_s))
        for module, measured in timings(root, setting).items():
            per_lesson.setdefault(module, []).append(measured)
        hashes.append(folder_hashes(root, setting))
    if not per_lesson:  # no cold build here: what the last build of these runs measured
        per_lesson = {module: [measured] for module, measured in timings(root, setting).items()}
    warm = [(timed(build, env), timed(site_build, env)) for _ in range(args.warm)]
    edits = prose_edits(env, args.edits) if args.edits else []
    checkout = ROOT / "build" / "lessons"  # `make lessons` also refreshes the posters and plain pages from here
    own = [sys.executable, "-m", "policywerk.literate", "build", "--root", str(checkout)]
    fresh_here = setting == "full" and all(is_fresh(info, "full", checkout) for info in lessons.available())
    own_warm = [timed(own, ENV) for _ in range(args.warm)] if fresh_here else []

    print("| step | median (range) | budget |\n|---|---|---|")
    if first_row:
        print(first_row)
    if cold:
        total = [a + b for a, b in cold]
        print(f"| cold: lessons | {spread([a for a, _ in cold])} | |")
        print(f"| cold: site | {spread([b for _, b in cold])} | |")
        print(f"| cold: total | {spread(total)} | {verdict(statistics.median(total), BUDGETS['cold'])} s |")
    print(f"| warm: `policywerk build` | {spread([a for a, _ in warm])} | |")
    print(f"| warm: `mkdocs build` | {spread([b for _, b in warm])} | |")
    if own_warm:
        print(f"| warm: `make lessons` (the checkout's runs, posters, plain pages) | {spread(own_warm)} | |")
    warm_total = [a + b for a, b in warm]
    print(f"| warm: total | {spread(warm_total)} | {verdict(statistics.median(warm_total), BUDGETS['warm'])} s |")
    if edits:
        print(f"| prose edit shown by `mkdocs serve` | {spread(edits)} | "
              f"{verdict(statistics.median(edits), BUDGETS['edit'])} s |")

    print("\n| lesson | train s | draw s | total s | peak MB | artifacts kB | GIF kB | GIF px | same bytes |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    gifs, peaks = 0, []
    for info in lessons.available():
        folder = output_dir(root, setting, info)
        record = load_record(folder)
        if record is None:
            continue
        runs = per_lesson.get(info.module, [])
        total_s = [m["seconds"] for m in runs]
        draw = [m["render_seconds"] for m in runs]
        peak = max((m["peak_mb"] for m in runs), default=0)
        peaks.append(peak)
        size = sum((folder / name).stat().st_size for name in record.files())
        animations = [folder / name for name in record.files() if name.endswith(".gif")]
        gif = sum(p.stat().st_size for p in animations)
        gifs += gif
        width = min((gif_width(p) for p in animations), default=0)
        same = "yes" if len({json.dumps(h[info.module], sort_keys=True) for h in hashes}) == 1 else "NO"
        times = (f"{statistics.median(t - d for t, d in zip(total_s, draw)):.1f} | {statistics.median(draw):.1f} | "
                 f"{statistics.median(total_s):.1f}") if runs else " | | "
        print(f"| {info.module} | {times} | {peak} | {size / 1e3:.0f} | {gif / 1e3:.0f} | {width} | "
              f"{same if len(hashes) > 1 else '(one build)'} |")
    print(f"\nall animations together: {gifs / 1e6:.2f} MB, {verdict(gifs / 1e6, BUDGETS['gifs_mb'])} MB")
    if peaks:
        print(f"largest peak memory: {max(peaks)} MB, {verdict(max(peaks), BUDGETS['peak_mb'])} MB")
    shutil.rmtree(site, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
