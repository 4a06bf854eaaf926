"""Seeded randomness. Every random draw in Policywerk comes from an ``Rng`` that was handed in."""

import random as _random

from policywerk.math.checks import whole


class Rng(_random.Random):
    """A seeded generator: the same seed gives the same draws on every machine and Python 3 version.

    It is the standard library's Mersenne Twister; the subclass exists so that a signature can say
    ``rng: Rng`` and so that a seed is always required.
    """

    def __init__(self, seed: int) -> None:
        whole(seed, "seed")
        super().__init__(seed)
        self.seed_value = seed

    def __reduce__(self):
        # random.Random rebuilds itself by calling the class with no arguments; an Rng needs a seed.
        return self.__class__, (self.seed_value,), self.getstate()

    def choice_weighted(self, weights: list[float]) -> int:
        """An index drawn with probability proportional to ``weights`` (non-negative, not all 0)."""
        total = 0.0
        for w in weights:
            if w < 0.0:
                raise ValueError(f"weights must be non-negative, got {w}")
            total += w
        if total <= 0.0:
            raise ValueError("at least one weight must be positive")
        u = self.random() * total
        acc = 0.0
        last = 0
        for i, w in enumerate(weights):
            if w > 0.0:
                acc += w
                last = i
                if u < acc:
                    return i
        return last  # only reached through rounding in the last place
