"""``python -m policywerk``: the ``policywerk`` command (list, run, build, serve, exercises, check) where the
script is not on PATH, as on Windows before the environment is activated."""

import sys

from policywerk.literate.cli import main

if __name__ == "__main__":
    sys.exit(main())
