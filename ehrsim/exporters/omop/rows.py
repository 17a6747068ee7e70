"""A patient's OMOP rows as plain dicts, with the id scheme and date formats every table uses.

Ids are deterministic and unique without coordination between workers:
``person_id = index + 1``; every other per-patient row id is ``person_id * 1_000_000 + k``, where
``k`` counts that table's rows for the patient from 1 (a patient's own location is ``k = 0``).
Shared rows (care_site, provider, their locations) use the world's ``n`` (< 1,000,000).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ehrsim.exporters.csv.lines import line
from ehrsim.exporters.omop.schema import tables
from ehrsim.record.times import EPOCH, to_datetime

ID_STRIDE = 1_000_000
DAY = 86_400


def date(t: int) -> str:
    """CDM date: ``YYYY-MM-DD`` (UTC)."""
    return to_datetime(t).strftime("%Y-%m-%d")


def datetime(t: int) -> str:
    """CDM datetime: ``YYYY-MM-DD HH:MM:SS`` (UTC), which DuckDB and PostgreSQL both read."""
    return to_datetime(t).strftime("%Y-%m-%d %H:%M:%S")


def day_start(t: int) -> int:
    """The record time of midnight UTC on ``t``'s date."""
    return t - (t - int(EPOCH.timestamp())) % DAY


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
        row.setdefault("person_id", self.person_id)
        bucket.append(row)
        return new_id

    def encoded(self) -> Iterator[tuple[str, bytes]]:
        for table, rows in self.rows.items():
            yield table, b"".join(encode(table, r) for r in rows)


def encode(table: str, row: dict[str, Any]) -> bytes:
    """One CSV line in DDL column order; strings are cut to their VARCHAR length."""
    values = []
    for col in tables()[table]:
        v = row.get(col.name)
        if col.max_length and isinstance(v, str) and len(v) > col.max_length:
            v = v[: col.max_length]
        values.append(v)
    return line(values)
