"""Scalars, vectors and seeded randomness: the floor everything else stands on."""
