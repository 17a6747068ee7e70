"""Exporter registry: built-ins by name, plus third-party ones from the ``ehrsim.exporters`` entry-point group."""

from __future__ import annotations

import importlib
from functools import cache
from importlib.metadata import entry_points
from typing import Any

from pydantic.fields import FieldInfo

from ehrsim.errors import ConfigError
from ehrsim.exporters.base import Exporter, ExporterOptions

#: format name -> "module:Class"; imported lazily so a run pays only for the formats it writes
BUILTIN: dict[str, str] = {
    "json": "ehrsim.exporters.json_record:JsonExporter",
    "fhir": "ehrsim.exporters.fhir.exporter:FhirExporter",
    "fhir-ndjson": "ehrsim.exporters.fhir.exporter:FhirNdjsonExporter",
    "csv": "ehrsim.exporters.csv.exporter:CsvExporter",
    "omop": "ehrsim.exporters.omop.exporter:OmopExporter",
    "notes": "ehrsim.exporters.notes_text:NotesTextExporter",
}


@cache
def available() -> dict[str, str]:
    """Every format name that can be asked for, mapped to its ``module:Class`` target."""
    found = dict(BUILTIN)
    for ep in entry_points(group="ehrsim.exporters"):
        found.setdefault(ep.name, ep.value)
    return found


def exporter_class(name: str) -> type[Exporter]:
    """Import and return the exporter class registered under ``name``."""
    target = available().get(name)
    if target is None:
        raise ConfigError(f"unknown format {name!r}; choose from {', '.join(sorted(available()))}")
    module_name, _, attr = target.partition(":")
    cls = getattr(importlib.import_module(module_name), attr)
    if not (isinstance(cls, type) and issubclass(cls, Exporter)):
        raise ConfigError(f"format {name!r} ({target}) is not an ehrsim Exporter")
    return cls


@cache
def option_models() -> dict[str, type[ExporterOptions]]:
    """Format name -> its options model, for every available exporter that takes options."""
    models: dict[str, type[ExporterOptions]] = {}
    for name in available():
        model = exporter_class(name).options
        if model.model_fields:
            models[name] = model
    return models


@cache
def option_fields() -> dict[str, tuple[Any, FieldInfo]]:
    """Every exporter option as ``name -> (type, field)``; an option two exporters share must agree."""
    fields: dict[str, tuple[Any, FieldInfo]] = {}
    owners: dict[str, str] = {}
    for fmt, model in option_models().items():
        for name, info in model.model_fields.items():
            if name in fields:
                seen = fields[name][1]
                if (seen.annotation, seen.default) != (info.annotation, info.default):
                    raise ConfigError(f"exporters {owners[name]!r} and {fmt!r} both define option {name!r} differently")
                continue
            fields[name], owners[name] = (info.annotation, info), fmt
    return fields
