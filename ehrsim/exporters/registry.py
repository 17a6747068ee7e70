"""Exporter registry: built-ins by name, plus third-party ones from the ``ehrsim.exporters`` entry-point group."""

from __future__ import annotations

import importlib
from functools import cache
from importlib.metadata import entry_points

from ehrsim.errors import ConfigError
from ehrsim.exporters.base import Exporter

#: format name -> "module:Class"; imported lazily so a run pays only for the formats it writes
BUILTIN: dict[str, str] = {
    "json": "ehrsim.exporters.json_record:JsonExporter",
    "fhir": "ehrsim.exporters.fhir.exporter:FhirExporter",
    "fhir-ndjson": "ehrsim.exporters.fhir.exporter:FhirNdjsonExporter",
    "csv": "ehrsim.exporters.csv.exporter:CsvExporter",
    "omop": "ehrsim.exporters.omop.exporter:OmopExporter",
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
