"""Scalars, vectors, matrices, seeded randomness and input checks: the floor the rest stands on."""
