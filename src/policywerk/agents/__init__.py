"""The algorithms, one file each, from value iteration onward."""
