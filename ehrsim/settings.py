"""One explicit, validated settings object passed down to the engine and exporters.

Parsed once (pydantic); nothing below the CLI reads environment variables or global config.
The reference date is required: the library never reads the wall clock.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

FORMATS = ("json", "fhir", "fhir-ndjson", "csv", "omop")


class Settings(BaseModel):
    """Everything that determines a run's output (all of it is written to ``metadata.json``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    population: int = Field(10, ge=0)
    seed: int = Field(0, ge=0)
    reference_date: dt.date
    age_min: float = Field(0, ge=0)
    age_max: float = Field(100, ge=0)
    gender: Literal["M", "F"] | None = None
    state: str | None = None
    years_of_history: int = Field(10, ge=0, description="0 keeps the whole life")
    only_alive: bool = False
    modules: tuple[Path, ...] = ()
    add_modules: tuple[Path, ...] = ()
    only_modules: tuple[str, ...] = ()
    lenient: bool = False
    formats: tuple[str, ...] = ("json",)
    out: Path = Path("output")
    workers: int = Field(1, ge=1)
    dask: str | None = Field(None, description="Dask scheduler address, or 'local'; None = local processes")
    shard_size: int | None = Field(None, ge=1, description="patients per shard (the resumable unit); None = auto")

    @property
    def shard(self) -> int:
        """Patients per shard: at most 100, and small enough to give ~16 shards to spread over workers.

        The output never depends on it (tables are assembled in patient order), only resume granularity.
        """
        return self.shard_size or max(1, min(100, -(-self.population // 16)))

    # exporter options
    fhir_bundle: Literal["transaction", "collection"] = "transaction"
    fhir_references: Literal["literal", "bundled", "conditional"] = "literal"
    fhir_gzip: bool = False
    csv_max_rows: int | None = Field(None, ge=1)
    csv_append: bool = False
    csv_icd10: bool = False
    csv_style: Literal["synthea", "strict"] = "synthea"
    omop_db: str | None = None
    vocab: Path | None = None
    table_format: Literal["csv", "parquet"] = "csv"

    @field_validator("formats")
    @classmethod
    def _known_formats(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        from ehrsim.exporters.registry import available

        known = available()
        unknown = [f for f in value if f not in known]
        if unknown:
            raise ValueError(f"unknown format(s) {', '.join(unknown)}; choose from {', '.join(sorted(known))}")
        return tuple(dict.fromkeys(value))

    @model_validator(mode="after")
    def _ages(self) -> Settings:
        if self.age_max < self.age_min:
            raise ValueError(f"age range {self.age_min}-{self.age_max} is empty")
        return self
