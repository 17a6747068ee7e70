"""One explicit, validated settings object passed down to the engine and exporters.

Parsed once (pydantic); nothing below the CLI reads environment variables or global config.
The reference date is required: the library never reads the wall clock. The exporters' options
are not listed here: ``Settings`` is generated from ``RunSettings`` plus every available
exporter's options model (``ehrsim.exporters.base.ExporterOptions``).
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator, model_validator

FORMATS = ("json", "fhir", "fhir-ndjson", "csv", "omop", "notes")
#: reference dates the engine accepts: lives of up to the oldest census age band before it, and
#: scheduled events (up to decades) after it, stay far inside Python's date range (year 1-9999)
FIRST_REFERENCE_DATE = dt.date(1900, 1, 1)
LAST_REFERENCE_DATE = dt.date(2200, 12, 31)
MAX_SEED = 2**64 - 1  # numpy's SeedSequence entropy words and metadata.json integers are 64-bit
#: options written to metadata.json and the resume fingerprint only when set (older runs' output stays the same)
COHORT_OPTIONS = {
    "cohort": None,
    "keep_module": None,
    "cohort_max_attempts": 2000,
    "cohort_steer": 1.0,
    "storyline": None,
    "natural_deaths": "auto",
}


class RunSettings(BaseModel):
    """The run's own settings; ``Settings`` adds the exporters' options to them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    population: int = Field(10, ge=1)
    seed: int = Field(0, ge=0, le=MAX_SEED)
    reference_date: dt.date
    age_min: float = Field(0, ge=0)
    age_max: float = Field(110, ge=0)  # the census pyramid's oldest band ends at 110 (100+)
    gender: Literal["M", "F"] | None = None
    state: str | None = None
    years_of_history: int = Field(10, ge=0, description="0 keeps the whole life")
    only_alive: bool = False
    notes: bool = Field(False, description="add time-consistent clinical notes (record transform 'notes')")
    modules: tuple[Path, ...] = ()
    add_modules: tuple[Path, ...] = ()
    only_modules: tuple[str, ...] = ()
    lenient: bool = False
    natural_deaths: Literal["auto", "on", "off"] = Field(
        "auto", description="add ehrsim's natural-death module: auto = if the library has none (ehrsim.natural_deaths)"
    )
    formats: tuple[str, ...] = ("json",)
    out: Path = Path("output")
    workers: int = Field(1, ge=1)
    dask: str | None = Field(None, description="Dask scheduler address, or 'local'; None = local processes")
    shard_size: int | None = Field(None, ge=1, description="patients per shard (the resumable unit); None = auto")
    cohort: str | None = Field(None, description="only patients matching this expression (docs/cohorts.md)")
    keep_module: Path | None = Field(None, description="only patients a Synthea-style keep module keeps")
    cohort_max_attempts: int = Field(2000, ge=1, description="candidates tried per patient before giving up")
    cohort_steer: float = Field(1.0, ge=1.0, description="importance-sampling tilt toward the cohort (1 = off)")
    storyline: Path | dict[str, Any] | None = Field(
        None,
        description="module states forced at ages or dates: a TOML/JSON file or its content (docs/storylines.md)",
    )

    @property
    def shard(self) -> int:
        """Patients per shard: at most 100, and small enough to give ~16 shards to spread over workers.

        The output never depends on it (tables are assembled in patient order), only resume granularity.
        """
        return self.shard_size or max(1, min(100, -(-self.population // 16)))

    @field_validator("formats")
    @classmethod
    def _known_formats(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        from ehrsim.exporters.registry import available

        known = available()
        unknown = [f for f in value if f not in known]
        if unknown:
            raise ValueError(f"unknown format(s) {', '.join(unknown)}; choose from {', '.join(sorted(known))}")
        return tuple(dict.fromkeys(value))

    @field_validator("formats")
    @classmethod
    def _some_format(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("no output format given; choose one or more of " + ", ".join(FORMATS))
        return value

    @field_validator("reference_date")
    @classmethod
    def _reference_range(cls, value: dt.date) -> dt.date:
        if not FIRST_REFERENCE_DATE <= value <= LAST_REFERENCE_DATE:
            raise ValueError(f"reference date {value} is outside {FIRST_REFERENCE_DATE} to {LAST_REFERENCE_DATE}")
        return value

    @model_validator(mode="after")
    def _ages(self) -> RunSettings:
        from ehrsim.core.tables import rows

        oldest = max(float(r["age_to"]) for r in rows("demographics/age_sex.csv"))
        if not (math.isfinite(self.age_min) and math.isfinite(self.age_max)):
            raise ValueError(f"age range {self.age_min:g}-{self.age_max:g} must be finite")
        if self.age_max > oldest:
            span = f"{self.age_min:g}-{self.age_max:g}"
            raise ValueError(f"age range {span} goes beyond {oldest:g}, the census's oldest age")
        if self.age_max < self.age_min:
            raise ValueError(f"age range {self.age_min:g}-{self.age_max:g} is empty")
        if "notes" in self.formats and not self.notes:
            raise ValueError("format 'notes' writes the clinical notes: add --notes (settings: notes = true)")
        return self


def _settings_model() -> type[RunSettings]:
    from ehrsim.exporters.registry import option_fields

    return create_model(  # type: ignore[call-overload]
        "Settings",
        __base__=RunSettings,
        __module__=__name__,
        __doc__="Everything that determines a run's output (all of it is written to ``metadata.json``).",
        **option_fields(),
    )


if TYPE_CHECKING:

    class Settings(RunSettings):
        """Everything that determines a run's output (all of it is written to ``metadata.json``)."""

else:
    Settings = _settings_model()
