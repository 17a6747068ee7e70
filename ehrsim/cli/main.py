"""``ehrsim`` entry point: sub-commands registered explicitly; user errors exit 2 with no traceback."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from ehrsim import __version__
from ehrsim.errors import EhrsimError

#: sub-command modules, each with ``add_parser(subparsers)``
COMMANDS = ("generate_cmd", "modules_cmd", "validate_cmd", "upload_cmd", "report_cmd")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ehrsim", description="Synthetic EHR/FHIR patient records from GMF modules.")
    parser.add_argument("--version", action="version", version=f"ehrsim {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv for debug)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"ehrsim.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"ehrsim.cli.{name}":
                continue  # optional command not installed in this build
            raise
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args) or 0)
    except EhrsimError as exc:
        print(f"ehrsim: error: {exc}", file=sys.stderr)
        return int(getattr(exc, "exit_code", 2))
    except KeyboardInterrupt:
        print("ehrsim: interrupted; rerun the same command to resume", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
