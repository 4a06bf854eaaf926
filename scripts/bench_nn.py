"""Benchmark the neural layer, two ways.

    python scripts/bench_nn.py [--sizes 160,32,3] [--density 0.25] [--repeat 5]
    python scripts/bench_nn.py --against REV [--lessons l05 l06 l07] [--repeat 3] [--quick]

The first times the forward and backward pass per sample of a DQN-sized network against a straightforward
list-of-lists implementation of the same network (nested loops, no skipping): medians over ``repeat``
timings of 2,000 samples each, and the ratio.

The second times the neural lessons' training against another revision of this repository, side by side
in one run: REV is checked out into a temporary git worktree, and each lesson runs in the full setting (or
``--quick``) in a fresh process, this checkout's code and REV's taking turns, ``repeat`` times each.
Training time is the lesson's time less its drawing, as ``scripts/bench.py`` measures it. Prints each
lesson's medians (min-max) and the ratio of the medians; the target is at most half REV's time.

Times are wall-clock on a shared machine: compare ratios rather than single figures.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from policywerk.math.random import Rng  # noqa: E402
from policywerk.nn.layers import mlp  # noqa: E402


class Plain:
    """The same two-layer ReLU network written the obvious way: loops over every index."""

    def __init__(self, net):
        self.w1, self.b1 = [row[:] for row in net.layers[0].w], net.layers[0].b[:]
        self.w2, self.b2 = [row[:] for row in net.layers[2].w], net.layers[2].b[:]
        self.dw1 = [[0.0] * len(self.w1[0]) for _ in self.w1]
        self.dw2 = [[0.0] * len(self.w2[0]) for _ in self.w2]

    def forward(self, x):
        self.x = x
        self.h = []
        for j in range(len(self.w1)):
            s = self.b1[j]
            for i in range(len(x)):
                s += self.w1[j][i] * x[i]
            self.h.append(s if s > 0 else 0.0)
        out = []
        for k in range(len(self.w2)):
            s = self.b2[k]
            for j in range(len(self.h)):
                s += self.w2[k][j] * self.h[j]
            out.append(s)
        return out

    def backward(self, dy):
        dh = [0.0] * len(self.h)
        for k in range(len(self.w2)):
            for j in range(len(self.h)):
                self.dw2[k][j] += dy[k] * self.h[j]
                dh[j] += dy[k] * self.w2[k][j]
        for j in range(len(self.w1)):
            g = dh[j] if self.h[j] > 0 else 0.0
            for i in range(len(self.x)):
                self.dw1[j][i] += g * self.x[i]


def per_sample(model, x, dy, samples: int) -> tuple[float, float]:
    started = time.perf_counter()
    for _ in range(samples):
        model.forward(x)
    forward = (time.perf_counter() - started) / samples
    started = time.perf_counter()
    for _ in range(samples):
        model.forward(x)
        model.backward(dy)
    return forward, (time.perf_counter() - started) / samples - forward


def train_seconds(checkout: Path, lesson: str, quick: bool) -> float:
    """One cold run of ``lesson`` with the code of ``checkout``, in a fresh process: its training time."""
    command = [sys.executable, str(checkout / "scripts" / "bench.py"), "--one", lesson] + (["--quick"] if quick else [])
    result = subprocess.run(command, cwd=checkout, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(checkout / "src")})
    if result.returncode != 0:
        sys.exit(f"{lesson} failed at {checkout}:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.splitlines()[-1])["train"]


def against(revision: str, chosen: list[str], repeat: int, quick: bool) -> int:
    """Each lesson's training time here and at ``revision``, taking turns; medians, ranges and ratios."""
    with tempfile.TemporaryDirectory(prefix="policywerk-bench-") as tmp:
        old = Path(tmp) / "old"
        subprocess.run(["git", "worktree", "add", "--detach", "--quiet", str(old), revision], cwd=ROOT, check=True)
        try:
            here = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                  text=True).stdout.strip()
            dirty = " (with uncommitted changes)" if subprocess.run(
                ["git", "status", "--porcelain", "src"], cwd=ROOT, capture_output=True, text=True).stdout else ""
            print(f"training time, {'quick' if quick else 'full'} setting, {repeat} cold runs each, taking turns: "
                  f"{revision} against this checkout ({here}{dirty}); medians (min-max)")
            print(f"{'lesson':16} {revision[:12]:>20} {'now':>20} {'now / then':>11}")
            for lesson in chosen:
                times = {"then": [], "now": []}
                for _ in range(repeat):
                    times["then"].append(train_seconds(old, lesson, quick))
                    times["now"].append(train_seconds(ROOT, lesson, quick))
                then, now = (statistics.median(times[k]) for k in ("then", "now"))
                cells = [f"{statistics.median(xs):.1f} ({min(xs):.1f}-{max(xs):.1f}) s" for xs in times.values()]
                verdict = "within" if now <= 0.5 * then else "OVER"
                print(f"{lesson:16} {cells[0]:>20} {cells[1]:>20} {now / then:>10.2f}x  {verdict} the target of 0.5x",
                      flush=True)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(old)], cwd=ROOT, check=False)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="160,32,3", help="layer sizes (two-layer networks only)")
    parser.add_argument("--density", type=float, default=0.25, help="share of the inputs that are 1")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--against", metavar="REV", help="time the neural lessons here and at this git revision")
    parser.add_argument("--lessons", nargs="+", default=["l05_dqn", "l06_ppo", "l07_world_model"])
    parser.add_argument("--quick", action="store_true", help="with --against: the lessons' quick setting")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.against:
        return against(args.against, args.lessons, args.repeat, args.quick)
    sizes = [int(s) for s in args.sizes.split(",")]
    if len(sizes) != 3:
        parser.error("--sizes needs three numbers: inputs, hidden, outputs")
    rng = Rng(0)
    net = mlp(sizes, rng)
    plain = Plain(net)
    x = [1.0 if rng.random() < args.density else 0.0 for _ in range(sizes[0])]
    dy = [0.1] + [0.0] * (sizes[2] - 1)  # DQN's gradient: only the taken action's output
    assert max(abs(a - b) for a, b in zip(net.forward(x), plain.forward(x))) < 1e-12, "the two disagree"
    rows = {}
    for name, model in (("policywerk", net), ("plain loops", plain)):
        timings = [per_sample(model, x, dy, 2000) for _ in range(args.repeat)]
        rows[name] = (statistics.median(t[0] for t in timings), statistics.median(t[1] for t in timings))
    print(f"network {sizes}, {sum(x):.0f} of {len(x)} inputs lit, medians of {args.repeat} x 2,000 samples")
    print(f"{'':12s} {'forward µs':>11s} {'backward µs':>12s} {'both µs':>9s}")
    for name, (f, b) in rows.items():
        print(f"{name:12s} {f * 1e6:11.1f} {b * 1e6:12.1f} {(f + b) * 1e6:9.1f}")
    ours, theirs = (sum(rows[k]) for k in ("policywerk", "plain loops"))
    print(f"speed-up over plain loops: {theirs / ours:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
