"""A patient's OMOP rows as plain dicts, with the id scheme and date formats every table uses.

Ids are deterministic and unique without coordination between workers:
``person_id = index + 1``; every other per-patient row id is ``person_id * 1_000_000 + k``, where
``k`` counts that table's rows for the patient from 1 (a patient's own location is ``k = 0``).
Shared rows (care_site, provider, their locations) use the world's ``n`` (< 1,000,000).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from ehrsim.errors import ExportError
from ehrsim.exporters.csv import timefmt
from ehrsim.exporters.csv.lines import line
from ehrsim.exporters.omop.schema import tables

date = timefmt.day  # CDM date: YYYY-MM-DD (UTC)
datetime = timefmt.sql_datetime  # CDM datetime: YYYY-MM-DD HH:MM:SS (UTC)

ID_STRIDE = 1_000_000
DAY = 86_400


class PatientRows:
    """Collects one patient's rows per table and hands out row ids."""

    def __init__(self, person_id: int) -> None:
        self.person_id = person_id
        self.base = person_id * ID_STRIDE
        self.rows: dict[str, list[dict[str, Any]]] = {}

    def add(self, table: str, row: dict[str, Any], id_field: str | None = None) -> int:
        """Append a row; with ``id_field`` the next id of that table is assigned and returned."""
        bucket = self.rows.setdefault(table, [])
        new_id = 0
        if id_field:
            new_id = self.base + len(bucket) + 1
            row[id_field] = new_id
        if "person_id" in _layout(table)[2]:
            row.setdefault("person_id", self.person_id)
        bucket.append(row)
        return new_id

    def encoded(self) -> Iterator[tuple[str, bytes]]:
        for table, rows in self.rows.items():
            yield table, b"".join(encode(table, r) for r in rows)


@cache
def _layout(table: str) -> tuple[tuple[str, ...], tuple[tuple[int, int], ...], frozenset[str]]:
    """Column names, (position, length) of the VARCHAR columns, and the set of names, of a table."""
    cols = tables()[table]
    names = tuple(c.name for c in cols)
    return names, tuple((i, c.max_length) for i, c in enumerate(cols) if c.max_length), frozenset(names)


def encode(table: str, row: dict[str, Any]) -> bytes:
    """One CSV line in DDL column order; strings are cut to their VARCHAR length.

    A key that is not a column of the table is a bug (a misspelt column would silently be empty): refused.
    """
    names, limited, known = _layout(table)
    if not known.issuperset(row):
        unknown = sorted(set(row) - known)
        raise ExportError(f"OMOP {table}: {', '.join(unknown)} is not a column of the CDM 5.4 table")
    values = [row.get(n) for n in names]
    for i, size in limited:
        v = values[i]
        if type(v) is str and len(v) > size:
            values[i] = v[:size]
    return line(values)
