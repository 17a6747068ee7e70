"""Finding and reading FHIR files: ``.json`` (a resource or Bundle), ``.ndjson``, either gzipped."""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from ehrsim.errors import ConfigError

SUFFIXES = (".json", ".ndjson", ".json.gz", ".ndjson.gz")


def is_fhir_file(path: Path) -> bool:
    return path.name.endswith(SUFFIXES)


def _order(path: Path) -> tuple[int, str]:
    """Shared resources first, then Patients, then the rest (so references can be checked in one pass)."""
    name = path.name
    if name.startswith(("shared", "Organization", "Location", "Practitioner")):
        return (0, str(path))
    if name.startswith("Patient"):
        return (1, str(path))
    return (2, str(path))


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """Every FHIR file named, or under a named folder; a path that does not exist is a user error."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(p for p in sorted(path.rglob("*")) if p.is_file() and is_fhir_file(p))
        elif path.is_file():
            found.append(path)
        else:
            raise ConfigError(f"{path}: no such file or folder")
    return sorted(dict.fromkeys(found), key=_order)


def read_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def documents(path: Path) -> Iterator[tuple[str, Any]]:
    """``(where, parsed JSON)`` for each resource in a file; a parse error yields ``(where, exception)``."""
    if ".ndjson" in path.name:  # streamed: NDJSON files can be larger than memory
        with gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb") as fh:
            for n, line in enumerate(fh, start=1):
                if line.strip():
                    try:
                        yield f"{path}:{n}", orjson.loads(line)
                    except orjson.JSONDecodeError as exc:
                        yield f"{path}:{n}", exc
    else:
        try:
            yield str(path), orjson.loads(read_bytes(path))
        except (orjson.JSONDecodeError, OSError, EOFError) as exc:
            yield str(path), exc
