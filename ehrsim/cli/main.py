"""``ehrsim`` entry point: sub-commands registered explicitly; user errors exit 2 with no traceback."""

from __future__ import annotations

import argparse
import errno
import importlib
import logging
import os
import sys
from collections.abc import Iterator, Sequence

from ehrsim import __version__
from ehrsim.errors import EhrsimError

#: sub-command modules, each with ``add_parser(subparsers)``
COMMANDS = ("generate_cmd", "modules_cmd", "validate_cmd", "upload_cmd", "report_cmd", "cases_cmd")

#: an example for each command's --help (command path -> example lines)
EXAMPLES: dict[str, str] = {
    "generate": "ehrsim generate -p 1000 -s 42 --reference-date 2025-01-01 -f json,fhir -o out",
    "modules": "ehrsim modules lint modules/\n  ehrsim modules graph diabetes -o graphs/",
    "modules lint": "ehrsim modules lint --warnings modules/",
    "modules graph": "ehrsim modules graph cardio/mi --modules modules/ -o graphs/",
    "modules list": "ehrsim modules list --modules ../synthea/modules --lenient",
    "validate": "ehrsim validate out/fhir",
    "upload": "ehrsim upload --server http://localhost:8080/fhir out/fhir",
    "report": "ehrsim report realism out\n  ehrsim report coherence out --limit 20",
    "cases": "ehrsim cases docs/cases/diabetes_hypertension.toml -o cases --from out",
    "report realism": "ehrsim report realism out --out out/report/realism",
    "report coherence": "ehrsim report coherence out --limit 20",
}
EXIT_USER_ERROR = 2


def _subparsers(parser: argparse.ArgumentParser, path: str = "") -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """Every (command path, parser) below ``parser``, depth first."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                child_path = f"{path} {name}".strip()
                yield child_path, child
                yield from _subparsers(child, child_path)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ehrsim",
        description="Synthetic EHR/FHIR patient records from GMF modules.",
        epilog="example:\n  " + EXAMPLES["generate"],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
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
    for path, child in _subparsers(parser):
        # -v also after the sub-command (SUPPRESS: not given there, the top-level count stands)
        if "-v" not in child._option_string_actions:
            child.add_argument(
                "-v", "--verbose", action="count", default=argparse.SUPPRESS, help="more logging (-vv for debug)"
            )
        if child.epilog is None and path in EXAMPLES:
            child.epilog = "example:\n  " + EXAMPLES[path]
            child.formatter_class = argparse.RawDescriptionHelpFormatter
    return parser


def _os_message(exc: OSError) -> str:
    where = f"{exc.filename}: " if exc.filename else ""
    return f"cannot write or read {where}{exc.strerror or exc}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # inside the try: a reader that went away is handled below
        return code
    except EhrsimError as exc:
        print(f"ehrsim: error: {exc}", file=sys.stderr)
        return int(getattr(exc, "exit_code", EXIT_USER_ERROR))
    except RecursionError:
        print("ehrsim: error: input nested too deeply to process", file=sys.stderr)
        return EXIT_USER_ERROR
    except BrokenPipeError:
        _quiet_stdout()  # the reader (e.g. `head`) has gone: stop quietly, as Unix tools do
        return 0
    except OSError as exc:
        if exc.errno == errno.EPIPE:
            _quiet_stdout()
            return 0
        # disk full, permission denied, a folder that vanished: the environment, not a bug
        print(f"ehrsim: error: {_os_message(exc)}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("ehrsim: interrupted; rerun the same command to resume", file=sys.stderr)
        return 130


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush raises no second BrokenPipeError."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


if __name__ == "__main__":
    sys.exit(main())
