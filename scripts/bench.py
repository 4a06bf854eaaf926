"""Benchmark every written lesson in the full setting: time to train, time to render, artifact bytes and
peak memory, as medians over repeated cold runs, each in a fresh process.

    python scripts/bench.py [LESSON ...] [--repeat N] [--quick]

Times are wall-clock on a shared machine: read the medians, and compare ratios rather than single runs.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from policywerk import lessons, session  # noqa: E402
from policywerk.literate.cells import parse_file  # noqa: E402
from policywerk.literate.runner import execute  # noqa: E402


def one(module: str, setting: str) -> dict:
    """Run one lesson once in this process and measure it."""
    info = lessons.find(module)
    with tempfile.TemporaryDirectory() as tmp:
        run = session.Session()
        started = time.perf_counter()
        with open(os.devnull, "w") as quiet:
            record = execute(info, parse_file(info.path), setting, Path(tmp), log=quiet, run=run)
        total = time.perf_counter() - started
        size = sum((Path(tmp) / name).stat().st_size for name in record.files())
        gifs = sum((Path(tmp) / name).stat().st_size for name in record.files() if name.endswith(".gif"))
    render = run.render_seconds
    return {"total": total, "render": render, "train": total - render, "bytes": size, "gif_bytes": gifs,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def spread(runs: list[dict], key: str) -> str:
    xs = [r[key] for r in runs]
    return f"{statistics.median(xs):.2f} ({min(xs):.2f}-{max(xs):.2f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lessons", nargs="*")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    setting = "quick" if args.quick else "full"
    if args.one:
        print(json.dumps(one(args.one, setting)))
        return 0
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    chosen = [lessons.find(n) for n in args.lessons] or lessons.available()
    print(f"setting: {setting}, {args.repeat} cold runs per lesson, medians (min-max)")
    print(f"{'lesson':16} {'train s':>16} {'render s':>16} {'total s':>16} {'artifacts':>12} {'of which GIF':>12} "
          f"{'peak MB':>8}")
    for info in chosen:
        runs = []
        for _ in range(args.repeat):
            command = [sys.executable, __file__, "--one", info.module] + (["--quick"] if args.quick else [])
            out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
            runs.append(json.loads(out.splitlines()[-1]))

        print(f"{info.module:16} {spread(runs, 'train'):>16} {spread(runs, 'render'):>16} {spread(runs, 'total'):>16} "
              f"{runs[0]['bytes'] / 1e3:>9.0f} kB {runs[0]['gif_bytes'] / 1e3:>9.0f} kB "
              f"{statistics.median(r['peak_mb'] for r in runs):>8.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
