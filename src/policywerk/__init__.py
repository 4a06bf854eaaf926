"""Policywerk: reinforcement learning built up from scalar arithmetic, one landmark paper at a time.

Layers, bottom to top (each imports only from the layers below it):

    math     scalars, vectors, seeded randomness
    rl       pieces shared by the algorithms (Bellman backups, greedy policies)
    worlds   the environments
    agents   the algorithms
    viz      matplotlib drawings and animations (the only place matplotlib is imported)
    lessons  literate lesson modules, one per paper
    literate the runner that executes a lesson cell by cell and renders its page

`policywerk.session` sits beside them all: it holds the run's setting (quick or full) and collects the
files a lesson produces, so it imports nothing from the package.
"""

__version__ = "0.1.0"
