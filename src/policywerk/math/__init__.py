"""Scalars, vectors, matrices, seeded randomness and the input check: the floor everything else stands on."""
