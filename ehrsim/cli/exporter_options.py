"""``ehrsim generate`` flags generated from the exporters' options models (built-in and third-party)."""

from __future__ import annotations

import argparse
import types
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

from pydantic.fields import FieldInfo

from ehrsim.exporters.registry import option_fields, option_models

_SCALARS = (int, float, str, Path)


def _plain(annotation: Any) -> Any:
    """``X | None`` -> ``X``."""
    if get_origin(annotation) in (Union, types.UnionType):
        inner = [a for a in get_args(annotation) if a is not type(None)]
        if len(inner) == 1:
            return inner[0]
    return annotation


def _argument(name: str, info: FieldInfo) -> tuple[list[str], dict[str, Any]]:
    flag = "--" + name.replace("_", "-")
    kind = _plain(info.annotation)
    help_text = info.description or ""
    if info.default not in (None, False):
        help_text += f" (default {info.default})"
    if kind is bool:
        if info.default:
            return [flag], {"action": argparse.BooleanOptionalAction, "default": True, "help": help_text}
        return [flag], {"action": "store_true", "help": help_text}
    if get_origin(kind) is Literal:
        return [flag], {"choices": list(get_args(kind)), "default": info.default, "help": help_text}
    if kind in _SCALARS:
        metavar = "DIR" if kind is Path else None
        return [flag], {"type": kind, "default": info.default, "help": help_text, "metavar": metavar}
    raise TypeError(f"exporter option {name}: unsupported type {info.annotation!r} for a command-line flag")


def add_exporter_options(parser: argparse.ArgumentParser) -> None:
    """One argument group per exporter with options; an option shared by two appears once."""
    added: set[str] = set()
    for fmt, model in option_models().items():
        names = [n for n in model.model_fields if n not in added]
        if not names:
            continue
        group = parser.add_argument_group(f"{fmt} exporter")
        for name in names:
            flags, kwargs = _argument(name, model.model_fields[name])
            group.add_argument(*flags, dest=name, **kwargs)
            added.add(name)


def exporter_option_values(args: argparse.Namespace) -> dict[str, Any]:
    """The exporter options parsed from the command line, as ``Settings`` keyword arguments."""
    return {name: getattr(args, name) for name in option_fields()}
