"""``--format csv``: Synthea-compatible CSV tables (docs/csv.md).

Keys are the record's UUIDs, so they are unique at any scale and identical for any worker count;
rows are in patient order, then record order. Columns the record cannot fill yet (costs, payers,
claims) are present and empty.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from ehrsim.exporters.base import Exporter, Rendered, RunContext
from ehrsim.exporters.csv import clinical_rows as rows
from ehrsim.exporters.csv import files, icd10
from ehrsim.exporters.csv.columns import NO_TABLE, PATIENT_TABLES, SHARED_TABLES, column_types, columns
from ehrsim.exporters.csv.lines import header, strict_line, synthea_line
from ehrsim.exporters.csv.options import CsvOptions
from ehrsim.exporters.csv.patient_rows import encounter_row, patient_row
from ehrsim.exporters.csv.shared_tables import organization_lines, provider_lines
from ehrsim.output import atomic_write

log = logging.getLogger(__name__)
STAGING = ".append"  # where an appending run's tables are assembled before they are merged

#: record list -> (table, function(patient id, entry) -> one row or an iterator of rows, yields many)
_ENTRY_TABLES: tuple[tuple[str, str, Callable[[str, dict[str, Any]], Any], bool], ...] = (
    ("encounters", "encounters", encounter_row, False),
    ("conditions", "conditions", rows.condition_row, False),
    ("allergies", "allergies", rows.allergy_row, False),
    ("medications", "medications", rows.medication_row, False),
    ("observations", "observations", rows.observation_rows, True),
    ("procedures", "procedures", rows.procedure_row, False),
    ("immunizations", "immunizations", rows.immunization_row, False),
    ("careplans", "careplans", rows.careplan_row, False),
    ("devices", "devices", rows.device_row, False),
    ("supplies", "supplies", rows.supply_row, False),
    ("imaging_studies", "imaging_studies", rows.imaging_rows, True),
)
_KEYED_SHARED = {"organizations": "Id", "providers": "Id"}


class CsvExporter(Exporter):
    """Synthea's 19 CSV files, written directly from the native record."""

    name = "csv"
    folder = "csv"
    table_files: ClassVar[dict[str, str]] = {t: f"{t}.csv" for t in PATIENT_TABLES}
    options: ClassVar[type[CsvOptions]] = CsvOptions
    skipped_kinds: ClassVar[frozenset[str]] = NO_TABLE

    def __init__(self, ctx: RunContext) -> None:
        super().__init__(ctx)
        self.opts = CsvOptions.from_settings(ctx.settings)
        if self.opts.csv_append:
            # this run's tables are assembled aside, then appended to the earlier run's files
            # (an instance attribute on purpose: the writer reads ``exporter.table_files``)
            self.table_files = {t: f"{STAGING}/{t}.csv" for t in PATIENT_TABLES}  # type: ignore[misc]

    def _columns(self, table: str) -> list[str]:
        extra = list(icd10.COLUMNS) if table == "conditions" and self.opts.csv_icd10 else []
        return columns(table) + extra

    def tables(self) -> dict[str, bytes]:
        return {t: header(self._columns(t)) for t in PATIENT_TABLES}

    def render(self, record: dict[str, Any]) -> Rendered:
        pid = record["id"]
        synthea = self.opts.csv_style == "synthea"
        line = synthea_line if synthea else strict_line
        decimals = 1 if synthea else None
        visits = _VisitFinder(record.get("encounters") or []) if synthea else None
        out: list[tuple[str, bytes]] = [("patients", line(patient_row(record)))]
        for kind, table, build, many in _ENTRY_TABLES:
            entries = record.get(kind) or []
            if not entries:
                continue
            if visits is not None and kind != "encounters":
                entries = [visits.attach(e) for e in entries]
            if kind == "observations":
                data = b"".join(line(r) for e in entries for r in rows.observation_rows(pid, e, decimals))
            elif many:
                data = b"".join(line(r) for e in entries for r in build(pid, e))
            else:
                data = b"".join(line(build(pid, e)) for e in entries)
            if data:
                out.append((table, data))
        if self.opts.csv_icd10 and record.get("conditions"):
            conditions = record["conditions"]
            if visits is not None:
                conditions = [visits.attach(c) for c in conditions]
            out = [(t, d) if t != "conditions" else (t, self._with_icd10(pid, conditions, line)) for t, d in out]
        return Rendered(rows=out)

    @staticmethod
    def _with_icd10(pid: str, conditions: list[dict[str, Any]], line: Callable[[Any], bytes]) -> bytes:
        return b"".join(line([*rows.condition_row(pid, c), *icd10.icd10_of(c["codes"][0])]) for c in conditions)

    def finish(self, counts: dict[str, int]) -> dict[str, Any]:
        settings = self.opts
        staging = self.out / STAGING if settings.csv_append else self.out
        world = self.ctx.world
        line = synthea_line if settings.csv_style == "synthea" else strict_line
        shared: dict[str, Iterable[bytes]] = {
            "organizations": organization_lines(world, line),
            "providers": provider_lines(world, line),
        }
        for table in SHARED_TABLES:
            body = b"".join(shared.get(table, ()))
            atomic_write(staging / f"{table}.csv", header(columns(table)) + body)
        figures: dict[str, Any] = {"tables": {}}
        for table in (*PATIENT_TABLES, *SHARED_TABLES):
            target = self.out / f"{table}.csv"
            if settings.csv_append:
                files.append_table(target, staging / f"{table}.csv", key_unique=table in _KEYED_SHARED)
            figures["tables"][table] = _rows_in(target) if target.exists() else 0
            if settings.table_format == "parquet":
                types = column_types(table) | {c: "varchar" for c in self._columns(table) if c in icd10.COLUMNS}
                files.to_parquet(target, types, previous=target.with_suffix(".parquet"), key=_KEYED_SHARED.get(table))
            elif settings.csv_max_rows:
                files.split_table(target, settings.csv_max_rows)
        if settings.csv_append:
            files.move_dir_contents(staging)
        figures["bytes"] = sum(p.stat().st_size for p in self.out.iterdir() if p.is_file())
        log.info("csv: %d files, %d bytes in %s", len(figures["tables"]), figures["bytes"], self.out)
        return figures


class _VisitFinder:
    """Synthea's convention for an entry a module recorded outside any visit: it belongs to the
    patient's current encounter (the last one started at or before the entry). Every Synthea CSV
    reader expects ENCOUNTER filled; ``--csv-style strict`` leaves it empty instead."""

    def __init__(self, encounters: list[dict[str, Any]]) -> None:
        self._encounters = encounters
        self._starts: list[int] | None = None  # sorted only when an entry needs it (rare)
        self._ids: list[str] = []

    def attach(self, entry: dict[str, Any]) -> dict[str, Any]:
        if entry.get("encounter") or not self._encounters:
            return entry
        if self._starts is None:
            ordered = sorted(self._encounters, key=lambda e: e["start"])
            self._starts = [e["start"] for e in ordered]
            self._ids = [e["id"] for e in ordered]
        when = entry.get("start", entry.get("time"))
        k = bisect.bisect_right(self._starts, when) - 1 if when is not None else -1
        return {**entry, "encounter": self._ids[k]} if k >= 0 else entry


def _rows_in(path: Any) -> int:
    return files._count_rows(path)
