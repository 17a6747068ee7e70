"""``python -m ehrsim``: the same command line as the ``ehrsim`` script, for environments without it on PATH."""

import sys

from ehrsim.cli.main import main

sys.exit(main())
