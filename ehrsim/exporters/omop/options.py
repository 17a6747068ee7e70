"""Options of the ``omop`` exporter (the CLI flags and ``Settings`` fields are generated from this model)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from ehrsim.exporters.base import ExporterOptions, TableFormat


class OmopOptions(ExporterOptions):
    omop_db: str | None = Field(None, description="load OMOP into this PostgreSQL URL instead of OUT/omop/omop.duckdb")
    vocab: Path | None = Field(
        None, description="OHDSI Athena vocabulary folder (CONCEPT.csv, CONCEPT_RELATIONSHIP.csv)"
    )
    table_format: Literal["csv", "parquet"] = TableFormat
