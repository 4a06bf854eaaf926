"""``python -m policywerk.literate``: the same as the ``policywerk`` command (see ``cli``)."""

import sys

from policywerk.literate.cli import main

if __name__ == "__main__":
    sys.exit(main())
