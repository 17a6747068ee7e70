"""Options of the ``csv`` exporter (the CLI flags and ``Settings`` fields are generated from this model)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ehrsim.exporters.base import ExporterOptions, TableFormat


class CsvOptions(ExporterOptions):
    csv_max_rows: int | None = Field(None, ge=1, description="split CSV tables into files of at most N rows")
    csv_append: bool = Field(False, description="append to the CSV files of an earlier run")
    csv_icd10: bool = Field(False, description="add ICD-10-CM columns to conditions.csv")
    csv_style: Literal["synthea", "strict"] = Field(
        "synthea",
        description="synthea (default): as Synthea writes CSV (commas in text become spaces, values with one "
        "decimal, costs 0.00, entries outside a visit on the visit under way); strict: RFC 4180 quoting, full "
        "values, empty costs and encounters",
    )
    table_format: Literal["csv", "parquet"] = TableFormat
