"""Every option explains itself, every command's help shows an example, and -v goes anywhere."""

from __future__ import annotations

import argparse

import pytest

from ehrsim.cli.main import _subparsers, build_parser


def _commands() -> list[tuple[str, argparse.ArgumentParser]]:
    return [("", build_parser()), *_subparsers(build_parser())]


def test_every_option_has_help_text() -> None:
    missing = [
        f"{path or 'ehrsim'} {action.option_strings or action.dest}"
        for path, parser in _commands()
        for action in parser._actions
        if not isinstance(action, argparse._SubParsersAction) and not action.help
    ]
    assert missing == []


def test_every_command_help_shows_an_example() -> None:
    missing = [path for path, parser in _commands() if "example" not in parser.format_help().lower()]
    assert missing == []


@pytest.mark.parametrize(
    "argv",
    [
        ["-v", "validate", "x.json"],
        ["validate", "-v", "x.json"],
        ["validate", "x.json", "-v"],
        ["-v", "report", "coherence", "out"],
        ["report", "coherence", "out", "-v"],
    ],
)
def test_verbose_before_or_after_the_command(argv: list[str]) -> None:
    assert build_parser().parse_args(argv).verbose == 1


def test_verbose_counts_after_the_command() -> None:
    assert build_parser().parse_args(["generate", "-vv"]).verbose == 2
    assert build_parser().parse_args(["generate"]).verbose == 0
