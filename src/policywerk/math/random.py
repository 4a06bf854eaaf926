"""Seeded randomness. Every random draw in Policywerk comes from an ``Rng`` that was handed in."""

import random as _random


class Rng(_random.Random):
    """A seeded generator: the same seed gives the same draws on every machine and Python 3 version.

    It is the standard library's Mersenne Twister; the subclass exists so that a signature can say
    ``rng: Rng`` and so that a seed is always required.
    """

    def __init__(self, seed: int) -> None:
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise TypeError(f"seed must be an int, got {type(seed).__name__}")
        super().__init__(seed)
        self.seed_value = seed

    def choice_weighted(self, weights: list[float]) -> int:
        """Draw an index with probability proportional to ``weights``."""
        u = self.random() * sum(weights)
        acc = 0.0
        for i, w in enumerate(weights):
            acc += w
            if u < acc:
                return i
        return len(weights) - 1
