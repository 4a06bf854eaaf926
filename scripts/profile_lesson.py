"""Where a lesson's time goes: run it once under cProfile and print the functions that took the most.

    python scripts/profile_lesson.py LESSON [--quick] [--top N] [--save FILE]

Prints the run's wall time and drawing time, then the top functions by their own time (tottime) and by
time including what they call (cumtime). cProfile slows pure-Python code down, often by half again or
more, so read the shares, not the absolute seconds. ``--save`` keeps the raw profile for pstats or snakeviz.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from policywerk import lessons, session  # noqa: E402
from policywerk.literate.cells import parse_file  # noqa: E402
from policywerk.literate.runner import execute  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lesson")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--save", type=Path)
    args = parser.parse_args()
    try:
        info = lessons.find(args.lesson)
    except KeyError as error:
        parser.error(error.args[0])
    setting = "quick" if args.quick else "full"
    profile = cProfile.Profile()
    run = session.Session(progress="off")
    with tempfile.TemporaryDirectory() as tmp, open(os.devnull, "w") as quiet:
        started = time.perf_counter()
        profile.enable()
        execute(info, parse_file(info.path), setting, Path(tmp), log=quiet, run=run)
        profile.disable()
        total = time.perf_counter() - started
    print(f"{info.module} [{setting}] under cProfile: {total:.1f} s, of which drawing {run.render_seconds:.1f} s")
    if args.save:
        profile.dump_stats(args.save)
    for order in ("tottime", "cumtime"):
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out).strip_dirs().sort_stats(order)
        stats.print_stats(args.top)
        body = out.getvalue()
        print(f"\n--- by {order} ---")
        print(body[body.index("   ncalls"):].rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
