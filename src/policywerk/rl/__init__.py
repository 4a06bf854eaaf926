"""Pieces shared by the algorithms: Bellman backups, greedy policies, and (later) traces and returns."""
