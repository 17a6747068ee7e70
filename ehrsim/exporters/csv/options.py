"""Options of the ``csv`` exporter (the CLI flags and ``Settings`` fields are generated from this model)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ehrsim.exporters.base import ExporterOptions, TableFormat


class CsvOptions(ExporterOptions):
    csv_max_rows: int | None = Field(None, ge=1, description="split CSV tables into files of at most N rows")
    csv_append: bool = Field(False, description="append to the CSV files of an earlier run")
    csv_icd10: bool = Field(False, description="add ICD-10-CM columns to conditions.csv")
    table_format: Literal["csv", "parquet"] = TableFormat
