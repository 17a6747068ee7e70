"""The 19 Synthea CSV files and their columns, read from ``terminology/csv/columns.csv``.

The column lists are data (Synthea changes them between releases); each column carries a type
used only when the tables are converted to Parquet.
"""

from __future__ import annotations

import csv
from functools import cache

from ehrsim.paths import terminology_dir
from ehrsim.record.kinds import KINDS

#: record lists Synthea's CSV has no file for (a report's results are rows of observations.csv)
NO_TABLE = frozenset({"reports"})
#: tables one patient's record fills, in the order the exporter renders them
PATIENT_TABLES = ("patients", *(kind for kind in KINDS if kind not in NO_TABLE))
#: tables written once per run in ``finish``
SHARED_TABLES = (
    "organizations",
    "providers",
    "payers",
    "payer_transitions",
    "claims",
    "claims_transactions",
    "patient_expenses",
)


@cache
def _spec() -> dict[str, list[tuple[str, str]]]:
    tables: dict[str, list[tuple[str, str]]] = {}
    with open(terminology_dir() / "csv" / "columns.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            tables.setdefault(row["file"], []).append((row["column"], row["type"]))
    return tables


def columns(table: str) -> list[str]:
    """The documented column names of ``<table>.csv``, in order."""
    return [name for name, _ in _spec()[table]]


def column_types(table: str) -> dict[str, str]:
    """Column name -> DuckDB type (varchar, date, timestamp, double, bigint)."""
    return dict(_spec()[table])


def all_tables() -> list[str]:
    """Every CSV table name, as listed in the column file."""
    return list(_spec())
