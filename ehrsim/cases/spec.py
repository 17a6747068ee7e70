"""The case-set SPEC (TOML), checked once at load time: bad input is a ConfigError naming the key."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ehrsim.errors import ConfigError


def _condition_criteria(node: Any) -> list[Any]:
    """The ``condition ...`` criteria of a cohort expression that are not under a ``not``."""
    from ehrsim.cohort.lang import And, Has, Not, Or

    if isinstance(node, Has):
        return [node] if node.kind == "conditions" else []
    if isinstance(node, And | Or):
        return [h for t in node.terms for h in _condition_criteria(t)]
    if isinstance(node, Not):
        return []
    return []


SECTIONS = ("presenting", "hpi", "problems", "medications", "stages", "timeline", "labs", "notes", "questions")


class CaseSpec(BaseModel):
    """What ``ehrsim cases`` builds (docs: README, 'Teaching case sets')."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str = "Teaching cases"
    #: SNOMED CT codes of the conditions the cases are about (a case is about one of them)
    conditions: tuple[str, ...] = ()
    #: a cohort expression (docs/cohorts.md): only patients it matches (at the reference date); without
    #: ``conditions``, the cases are about the conditions its criteria name (those not under ``not``)
    cohort: str | None = None
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
        if not self.conditions and self.cohort is None:
            raise ValueError("give conditions (SNOMED CT codes) or a cohort expression naming a condition")
        return self

    def targets(self) -> tuple[tuple[str, frozenset[str]], ...]:
        """What a case can be about: (label, condition codes) groups, taken in turn when selecting.

        ``conditions`` give one group per code; otherwise each condition criterion of the cohort
        (not under ``not``) is a group. A ConfigError when there is none.
        """
        if self.conditions:
            return tuple((c, frozenset({c})) for c in self.conditions)
        groups = [(h.label, frozenset(code for _, code in h.codes)) for h in _condition_criteria(self.expr())]
        groups = [g for g in groups if g[1]]
        if not groups:
            raise ConfigError(f"cohort {self.cohort!r} names no condition for the cases to be about; add conditions")
        return tuple(groups)

    def expr(self) -> Any:
        """The parsed cohort expression (a ConfigError pointing at a bad token), or None."""
        if self.cohort is None:
            return None
        from ehrsim.cohort.lang import parse
        from ehrsim.cohort.names import TerminologyNames

        return parse(self.cohort, TerminologyNames())


def load_spec(path: Path) -> CaseSpec:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such case spec") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    data["conditions"] = [str(c) for c in data.get("conditions", [])]
    try:
        spec = CaseSpec(**data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'spec'}: {str(e['msg']).removeprefix('Value error, ')}"
            for e in exc.errors()
        )
        raise ConfigError(f"{path}: {problems}") from None
    try:
        spec.targets()  # a bad cohort expression is an error now, not after the patients are read
    except ConfigError as exc:
        raise ConfigError(f"{path}: cohort: {exc}") from None
    return spec
