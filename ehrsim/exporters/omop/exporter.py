"""``--format omop``: OMOP CDM v5.4 tables straight from the native record (docs/omop.md).

``render`` builds one patient's rows for every per-person table (eras included); ``finish``
writes the shared tables, loads everything into DuckDB (``omop.duckdb``) or PostgreSQL, and
converts to Parquet on request.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any, ClassVar

import ehrsim
from ehrsim.exporters.base import Exporter, Rendered, RunContext
from ehrsim.exporters.csv.lines import header
from ehrsim.exporters.omop import load as loader
from ehrsim.exporters.omop.concepts import Concepts, bundled_vocabulary
from ehrsim.exporters.omop.concepts import load as load_concepts
from ehrsim.exporters.omop.entries import write_entries
from ehrsim.exporters.omop.eras import era_rows
from ehrsim.exporters.omop.events import EventWriter
from ehrsim.exporters.omop.notes import note_rows
from ehrsim.exporters.omop.options import OmopOptions
from ehrsim.exporters.omop.person import observation_period, person_rows
from ehrsim.exporters.omop.rows import PatientRows, encode
from ehrsim.exporters.omop.schema import column_names
from ehrsim.exporters.omop.shared import care_site_lines, cdm_source_line, location_lines, provider_lines
from ehrsim.exporters.omop.visits import visit_rows
from ehrsim.output import atomic_write
from ehrsim.record.times import to_date

log = logging.getLogger(__name__)

PERSON_TABLES = (
    "person",
    "observation_period",
    "visit_occurrence",
    "visit_detail",
    "condition_occurrence",
    "drug_exposure",
    "procedure_occurrence",
    "measurement",
    "observation",
    "device_exposure",
    "death",
    "location",
    "condition_era",
    "drug_era",
)
SHARED_TABLES = ("care_site", "provider", "cdm_source")
#: vocabulary tables shipped with the default (bundled) concept mapping
VOCABULARY_TABLES = (
    "concept",
    "vocabulary",
    "domain",
    "concept_class",
    "relationship",
    "concept_relationship",
    "concept_ancestor",
)


class OmopExporter(Exporter):
    """OMOP CDM v5.4: CSV per table, then DuckDB/PostgreSQL, optionally Parquet."""

    name = "omop"
    folder = "omop"
    table_files: ClassVar[dict[str, str]] = {t: f"{t}.csv" for t in PERSON_TABLES}
    options: ClassVar[type[OmopOptions]] = OmopOptions
    #: CDM 5.4 has no table for care plans or imaging studies (the imaging procedure is a procedure
    #: row); a report's results are measurement rows, the report itself has none
    skipped_kinds: ClassVar[frozenset[str]] = frozenset({"reports", "careplans", "imaging_studies"})

    def __init__(self, ctx: RunContext) -> None:
        super().__init__(ctx)
        self.opts = OmopOptions.from_settings(ctx.settings)
        self._concepts: Concepts | None = None
        if ctx.settings.notes:  # the note table only when the run writes notes (instance attribute on purpose)
            self.table_files = {**type(self).table_files, "note": "note.csv"}  # type: ignore[misc]

    @property
    def concepts(self) -> Concepts:
        if self._concepts is None:  # loaded on first use, once per process
            self._concepts = load_concepts(self.opts.vocab)
        return self._concepts

    def tables(self) -> dict[str, bytes]:
        return {t: header(column_names(t)) for t in self.table_files}

    def render(self, record: dict[str, Any]) -> Rendered:
        out = PatientRows(record["index"] + 1)
        death = record.get("death")
        end_cap = death["time"] if death else self.ctx.reference_time
        world = self.ctx.world
        person_rows(out, record, world, self.concepts)
        visits = visit_rows(out, record, world, self.concepts, end_cap)
        writer = EventWriter(out, self.concepts, visits, end_cap)
        write_entries(writer, record)
        note_rows(out, record, visits)
        times = writer.dates + [t for e in record.get("encounters") or [] for t in (e["start"], e.get("stop")) if t]
        first = min(times) if times else min(end_cap, self._history_start(record))
        last = max([*times, end_cap])
        observation_period(out, first, last)
        era_rows(out, to_date(last), self.concepts.ingredients)
        return Rendered(rows=list(out.encoded()))

    def _history_start(self, record: dict[str, Any]) -> int:
        years = self.ctx.settings.years_of_history
        birth = record["patient"]["birth_time"]
        return max(birth, self.ctx.reference_time - int(years * 365.25 * 86_400)) if years else birth

    def finish(self, counts: dict[str, int]) -> dict[str, Any]:
        settings, world = self.ctx.settings, self.ctx.world
        with open(self.out / "location.csv", "ab") as fh:
            fh.writelines(location_lines(world))
        atomic_write(self.out / "care_site.csv", header(column_names("care_site")) + b"".join(care_site_lines(world)))
        atomic_write(self.out / "provider.csv", header(column_names("provider")) + b"".join(provider_lines(world)))
        atomic_write(
            self.out / "cdm_source.csv",
            header(column_names("cdm_source")) + cdm_source_line(settings, self._vocabulary_version()),
        )
        csv_files = {t: self.out / f"{t}.csv" for t in (*self.table_files, *SHARED_TABLES)}
        if self.opts.vocab is None:  # the bundled rows, so every concept id the tables use resolves
            for table in VOCABULARY_TABLES:
                csv_files[table] = self.out / f"{table}.csv"
                atomic_write(csv_files[table], _vocabulary_table(table))
        figures: dict[str, Any] = {"rows": {t: _rows(p) for t, p in csv_files.items()}}
        started = time.perf_counter()
        target = self.opts.omop_db or ""
        con = None
        if target.startswith(("postgresql://", "postgres://")):
            loader.load_postgres(target, csv_files)
            figures["database"] = "postgresql"
        elif target.lower() != "none":
            db_path = Path(target) if target else self.out / "omop.duckdb"
            con = loader.load_duckdb(db_path, csv_files)
            figures["database"] = str(db_path)
        figures["load_seconds"] = round(time.perf_counter() - started, 3)
        if self.opts.table_format == "parquet":
            if con is None:
                con = loader.load_duckdb(None, csv_files)
            loader.to_parquet(con, csv_files)
        if con is not None:
            con.close()  # type: ignore[attr-defined]
        log.info("omop: %s rows loaded in %.1fs", sum(figures["rows"].values()), figures["load_seconds"])
        return figures

    def _vocabulary_version(self) -> str:
        vocab = self.opts.vocab
        if vocab is None:
            return f"ehrsim {ehrsim.__version__}"[:20]
        for name in ("VOCABULARY.csv", "vocabulary.csv"):
            path = vocab / name
            if path.is_file():
                with open(path, encoding="utf-8") as fh:
                    for line in fh:
                        if line.startswith("None"):
                            fields = line.rstrip("\n").split("\t" if "\t" in line else ",")
                            return fields[3][:20] if len(fields) > 3 else "Athena"
        return vocab.name[:20] or "Athena"


def _vocabulary_table(table: str) -> bytes:
    """A bundled vocabulary table as CDM CSV (DDL column order)."""
    import csv

    with open(bundled_vocabulary() / f"{table}.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return header(column_names(table)) + b"".join(encode(table, {k: v or None for k, v in r.items()}) for r in rows)


def _rows(path: Path) -> int:
    with open(path, "rb") as fh:
        return max(0, sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b"")) - 1)
