"""``python -m demo``: the same as the ``machine-eyes`` command."""

import sys

from demo.cli import main

sys.exit(main())
