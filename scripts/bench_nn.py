"""Benchmark the neural layer: forward and backward pass per sample of a DQN-sized network, against a
straightforward list-of-lists implementation of the same network (nested loops, no skipping).

    python scripts/bench_nn.py [--sizes 160,32,3] [--density 0.25] [--repeat 5]

Prints medians over ``repeat`` timings of 2,000 samples each, and the ratio. Times are wall-clock on a
shared machine: compare ratios rather than single figures.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="160,32,3", help="layer sizes (two-layer networks only)")
    parser.add_argument("--density", type=float, default=0.25, help="share of the inputs that are 1")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
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
