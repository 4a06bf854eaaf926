"""Run whole lessons in the full setting with other first seeds, and print what each claims there.

    python scripts/seed_sweep.py l07 --seeds 1 2
    python scripts/seed_sweep.py l02 l05 l06 --seeds 40 --jobs 2

Each run is ``policywerk run LESSON --seed N`` in a fresh process, in the full setting the site shows,
so every ``assert`` of the lesson is checked for that window of seeds too: a run whose claims fail there
is reported with the failing line. The lines that carry a lesson's headline figures are picked out of
what it printed and listed with each run's time, as Markdown, for a closing note or a page; everything a
run printed is kept in ``printed.txt`` beside its pictures, under ``--out``.

The test suite sweeps seed windows for the fast lessons in their quick setting
(``tests/test_seed_windows.py``); this script is for what is too slow for it: the neural lessons, and
the full setting of every lesson.
"""

import argparse
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

HEADLINES = {  # the beginnings of the printed lines that carry each lesson's headline figures
    "l01": ("the greedy policy is final",),
    "l02": ("seeds that balanced with", "seeds that balanced without", "critics that", "actors that"),
    "l03": ("the best Monte Carlo minus", "batch MC minus", "λ = 1 minus λ = 0"),
    "l04": ("SARSA minus Q-learning", "Expected SARSA minus SARSA", "  minus this page's order"),
    "l05": ("seed ", "DQN minus the ablation"),
    "l06": ("no clip minus PPO", "policies that balanced", "  no clip"),
    "l07": ("trained in imagination",),
}


def run(lesson: str, seed: int, out: Path) -> dict:
    """One full-setting run of ``lesson`` from ``seed``: its exit, time and headline lines."""
    started = time.perf_counter()
    command = [sys.executable, "-m", "policywerk.literate", "run", lesson, "--seed", str(seed),
               "--out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    out.mkdir(parents=True, exist_ok=True)
    (out / "printed.txt").write_text(done.stdout + done.stderr, encoding="utf-8")  # all of it, to read
    starts = tuple(start.strip() for start in HEADLINES[lesson[:3]])
    lines = [line.rstrip() for line in done.stdout.splitlines() if line.strip().startswith(starts)]
    said = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    failure = [line for line in said if "failed in cell" in line] or said[-1:] or ["(nothing printed)"]
    return {"lesson": lesson, "seed": seed, "ok": done.returncode == 0, "seconds": seconds,
            "lines": lines, "failure": failure[-1]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("lessons", nargs="+", help="lessons to run: l02, l05, ...")
    parser.add_argument("--seeds", nargs="+", type=int, required=True, help="first seeds to run from")
    parser.add_argument("--jobs", type=int, default=1, help="runs at once (one per core at most)")
    parser.add_argument("--out", type=Path, default=Path("/tmp/policywerk-seed-sweep"))
    args = parser.parse_args(argv)
    args.out = args.out.resolve()  # the runs work from the checkout, whatever the caller's folder
    if any(seed < 0 for seed in args.seeds):
        parser.error(f"seeds must be non-negative, got {args.seeds}")
    args.jobs = max(1, min(args.jobs, os.cpu_count() or 1))
    unknown = [lesson for lesson in args.lessons if lesson[:3] not in HEADLINES]
    if unknown:
        parser.error(f"unknown lessons {unknown}; known: {', '.join(HEADLINES)}")
    work = [(lesson, seed) for lesson in args.lessons for seed in args.seeds]
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(lambda job: run(*job, args.out / f"{job[0]}-{job[1]}"), work))
    failed = 0
    for r in results:
        verdict = "every claim held" if r["ok"] else f"FAILED: {r['failure']}"
        print(f"\n### {r['lesson']} --seed {r['seed']}: {verdict} ({r['seconds']:.0f} s)\n")
        print("\n".join(f"    {line}" for line in r["lines"]) or "    (no headline lines printed)")
        failed += not r["ok"]
    print(f"\n{len(results) - failed} of {len(results)} runs held every claim")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
