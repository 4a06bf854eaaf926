"""How sure a mean is: its standard error over runs, a 95% interval, and whether two means are apart.

A lesson that averages over runs or seeds reports the mean with its standard error and the number of
runs (``Estimate``); a rate over runs gets a Wilson interval, which stays inside [0, 1] and is honest
for small counts (``rate``); a comparison the story rests on is asserted as a gap of several standard
errors (``apart``), and where two methods ran on the same seeds, on their paired differences
(``paired``), whose shared luck cancels. Standard library only (``statistics``).
"""

import math
import statistics
from dataclasses import dataclass

Z95 = 1.959963984540054  # the normal distribution's 97.5% point: a 95% interval is mean ± Z95 SE


@dataclass(frozen=True)
class Estimate:
    """A mean over ``n`` runs and its standard error, the sample's standard deviation over √n."""

    mean: float
    error: float
    n: int

    @property
    def low(self) -> float:
        """The lower end of the 95% interval (normal approximation)."""
        return self.mean - Z95 * self.error

    @property
    def high(self) -> float:
        return self.mean + Z95 * self.error

    def text(self, digits: int = 2, unit: str = "runs") -> str:
        """``-13.20 ± 0.41 (SE, 100 runs)``: what was averaged is ``unit``; a mean that rounds to zero
        is written without a sign."""
        mean = self.mean if round(self.mean, digits) else 0.0
        if self.n == 1:  # one value has no spread to measure: say so rather than print ± 0
            return f"{mean:.{digits}f} (a single {unit.removesuffix('s')}: no standard error)"
        return f"{mean:.{digits}f} ± {self.error:.{digits}f} (SE, {self.n} {unit})"


def estimate(values) -> Estimate:
    """The mean of ``values`` with its standard error; one value has an error of 0 and says so by n = 1."""
    values = list(values)
    if not values:
        raise ValueError("an estimate needs at least one value")
    spread = statistics.stdev(values) if len(values) > 1 else 0.0
    return Estimate(statistics.fmean(values), spread / math.sqrt(len(values)), len(values))


def paired(first, second) -> Estimate:
    """The mean difference ``first - second`` run by run, for two methods run on the same seeds."""
    first, second = list(first), list(second)
    if len(first) != len(second):
        raise ValueError(f"paired runs need the same number of each, got {len(first)} and {len(second)}")
    return estimate(a - b for a, b in zip(first, second))


def apart(higher: Estimate, lower: Estimate, margin: float = 3.0) -> bool:
    """Whether ``higher``'s mean exceeds ``lower``'s by more than ``margin`` standard errors of the
    difference (independent runs; for runs on shared seeds, test ``paired`` against 0 instead)."""
    return higher.mean - lower.mean > margin * math.hypot(higher.error, lower.error)


@dataclass(frozen=True)
class Rate:
    """``successes`` of ``n`` runs, and the Wilson 95% interval of the rate."""

    successes: int
    n: int
    low: float
    high: float

    @property
    def value(self) -> float:
        return self.successes / self.n

    def text(self) -> str:
        """``61 of 100 (95% interval 51% to 70%)``"""
        return f"{self.successes} of {self.n} ({self.low:.0%} to {self.high:.0%}, 95% interval)"


def rate(successes: int, n: int) -> Rate:
    """Wilson's score interval for a rate: centred a little towards one half, never outside [0, 1]."""
    if n < 1 or not 0 <= successes <= n:
        raise ValueError(f"a rate needs 0 <= successes <= n and n >= 1, got {successes} of {n}")
    p, z2 = successes / n, Z95 * Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    low = 0.0 if successes == 0 else max(0.0, centre - half)  # exact at the ends, where rounding
    high = 1.0 if successes == n else min(1.0, centre + half)  # would leave a hair inside them
    return Rate(successes, n, low, high)
