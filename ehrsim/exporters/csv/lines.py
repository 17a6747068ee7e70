"""RFC 4180 CSV lines built by hand: faster than ``csv.writer`` on the hot path, and byte-stable.

Shared by the CSV and OMOP exporters. ``None`` becomes an empty field (NULL for DuckDB and
PostgreSQL ``COPY … CSV``); strings are quoted only when they must be.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def field(value: Any) -> str:
    """One CSV field. Floats use Python's shortest round-trip form; bools become true/false."""
    if value is None:
        return ""
    if type(value) is str:
        if "," in value or '"' in value or "\n" in value or "\r" in value:
            return '"' + value.replace('"', '""') + '"'
        return value
    if isinstance(value, str):
        return field(str(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _join(values: Iterable[Any]) -> str:
    """The fields joined by commas; the common cases (None, plain str, int) are inlined for speed."""
    parts = []
    for v in values:
        if v is None:
            parts.append("")
        elif type(v) is str:
            if "," in v or '"' in v or "\n" in v or "\r" in v:
                v = '"' + v.replace('"', '""') + '"'
            parts.append(v)
        elif type(v) is int:
            parts.append(str(v))
        else:
            parts.append(field(v))
    return ",".join(parts)


def line(values: Iterable[Any]) -> bytes:
    """One CSV record, ``\\n``-terminated, UTF-8."""
    return (_join(values) + "\n").encode("utf-8")


def flat_line(values: Iterable[Any]) -> bytes:
    """Like :func:`line`, but line breaks inside values become spaces (as Synthea does), so one
    record is always one physical line and files can be split or appended line by line."""
    text = _join(values)
    if "\n" in text or "\r" in text:
        text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    return (text + "\n").encode("utf-8")


class _Cost:
    """Placeholder for a cost column: there is no cost model yet (see docs/csv.md)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "COST"


#: a cost the record cannot fill: ``0.00`` in Synthea style (Synthea always writes a number there,
#: and readers such as ETL-Synthea turn an empty field into NULL amounts), empty in strict style
COST = _Cost()


def synthea_line(values: Iterable[Any]) -> bytes:
    """One record the way Synthea's CSVExporter writes it: commas and line breaks inside a value
    become a space (no quoting, so naive ``split(",")`` readers work), costs are ``0.00``."""
    parts = []
    for v in values:
        if v is None:
            parts.append("")
        elif v is COST:
            parts.append("0.00")
        elif type(v) is str:
            if "," in v or "\n" in v or "\r" in v:
                v = v.replace("\r\n", " ").replace("\n", " ").replace("\r", " ").replace(",", " ").strip()
            parts.append(v)
        elif type(v) is int:
            parts.append(str(v))
        else:
            parts.append(field(v))
    return (",".join(parts) + "\n").encode("utf-8")


def strict_line(values: Iterable[Any]) -> bytes:
    """RFC 4180 quoting (values kept whole) and empty cost fields: ``--csv-style strict``."""
    return flat_line(None if v is COST else v for v in values)


def header(columns: Iterable[str]) -> bytes:
    """The header line for a table."""
    return line(columns)
