"""Pieces shared by the algorithms: MDPs and spaces, Bellman backups, greedy policies, replay."""
