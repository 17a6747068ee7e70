"""The case-set SPEC (TOML), checked once at load time: bad input is a ConfigError naming the key."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ehrsim.errors import ConfigError

SECTIONS = ("presenting", "hpi", "problems", "medications", "stages", "timeline", "labs", "notes", "questions")


class CaseSpec(BaseModel):
    """What ``ehrsim cases`` builds (docs: README, 'Teaching case sets')."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str = "Teaching cases"
    #: SNOMED CT codes of the conditions the cases are about (a case is about one of them)
    conditions: tuple[str, ...] = Field(min_length=1)
    cases: int = Field(5, ge=1, le=200)
    #: age range (years) at the encounter where the case starts
    age: tuple[float, float] = (0, 120)
    sections: tuple[str, ...] = SECTIONS
    #: where the case starts: the diagnosis encounter, or the encounter just before it
    start: Literal["diagnosis", "before_diagnosis"] = "diagnosis"
    #: encounters shown as unfolding stages (the start one included)
    stages: int = Field(4, ge=1, le=20)
    #: years of history before the start shown in the timeline
    lookback_years: float = Field(5, ge=0, le=100)
    hide_diagnosis: bool = True
    #: condition code -> more words masked with that diagnosis in student pages (whole words, e.g.
    #: "hypertension" in "Lifestyle education regarding hypertension")
    hide_terms: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    #: when the cases are generated here (no --from): population searched, seed and reference date
    population: int = Field(200, ge=1)
    seed: int = Field(1, ge=0)
    reference_date: dt.date = dt.date(2025, 1, 1)

    @model_validator(mode="after")
    def _check(self) -> CaseSpec:
        unknown = [s for s in self.sections if s not in SECTIONS]
        if unknown:
            raise ValueError(f"sections: unknown {unknown}; known: {', '.join(SECTIONS)}")
        if self.age[0] > self.age[1]:
            raise ValueError(f"age: minimum {self.age[0]} above maximum {self.age[1]}")
        return self


def load_spec(path: Path) -> CaseSpec:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such case spec") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    data["conditions"] = [str(c) for c in data.get("conditions", [])]
    try:
        return CaseSpec(**data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'spec'}: {str(e['msg']).removeprefix('Value error, ')}"
            for e in exc.errors()
        )
        raise ConfigError(f"{path}: {problems}") from None
