"""The code lists and rules the coherence checks use (``terminology/coherence/*.csv``)."""

from __future__ import annotations

import csv
import datetime as dt
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ehrsim.errors import ConfigError
from ehrsim.paths import terminology_dir


def _rows(name: str, folder: Path | None = None) -> list[dict[str, str]]:
    path = (folder or terminology_dir() / "coherence") / name
    if not path.is_file():
        raise ConfigError(f"coherence data {path} not found")
    with open(path, newline="", encoding="utf-8") as fh:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def _float(text: str, blank: float) -> float:
    return float(text) if text else blank


@dataclass(frozen=True)
class LabRule:
    """A diagnosis must be preceded or accompanied by a lab value in ``[low, high)``."""

    condition_set: str
    condition_codes: frozenset[str]
    lab: str
    lab_codes: frozenset[str]
    low: float
    high: float
    days_before: float  # math.inf: any time before
    days_after: float
    why: str
    since: float = -math.inf  # POSIX time from which the lab was reported (earlier diagnoses rest on other tests)


@dataclass(frozen=True)
class SexAgeLimit:
    condition_set: str
    codes: frozenset[str]
    sex: str
    age_min: float
    age_max: float  # whole years, included
    why: str


@dataclass(frozen=True)
class Chronic:
    """A condition that must not end, unless death, a successor in its group, or an ``ended_by`` code."""

    code: str
    display: str
    group: str
    ended_by: frozenset[str]


@dataclass(frozen=True)
class CoherenceData:
    condition_sets: dict[str, frozenset[str]]
    lab_rules: tuple[LabRule, ...]
    limits: tuple[SexAgeLimit, ...]
    chronic: dict[str, Chronic]
    group_codes: dict[str, frozenset[str]]
    meds_without_reason: frozenset[str]


def load_coherence(folder: Path | None = None) -> CoherenceData:
    """Read and cross-check the coherence CSVs; an unknown set or lab name is an error."""
    sets: dict[str, set[str]] = {}
    for row in _rows("condition_sets.csv", folder):
        sets.setdefault(row["set"], set()).add(row["code"])
    labs: dict[str, set[str]] = {}
    for row in _rows("labs.csv", folder):
        labs.setdefault(row["lab"], set()).add(row["code"])
    problems = []
    rules = []
    for i, row in enumerate(_rows("lab_rules.csv", folder), start=2):
        if row["condition_set"] not in sets or row["lab"] not in labs:
            problems.append(f"lab_rules.csv:{i}: unknown set {row['condition_set']!r} or lab {row['lab']!r}")
            continue
        rules.append(
            LabRule(
                row["condition_set"],
                frozenset(sets[row["condition_set"]]),
                row["lab"],
                frozenset(labs[row["lab"]]),
                _float(row["low"], -math.inf),
                _float(row["high"], math.inf),
                _float(row["days_before"], math.inf),
                _float(row["days_after"], 0.0),
                row["why"],
                _since(row.get("since") or ""),
            )
        )
    limits = []
    for i, row in enumerate(_rows("sex_age_limits.csv", folder), start=2):
        if row["condition_set"] not in sets:
            problems.append(f"sex_age_limits.csv:{i}: unknown set {row['condition_set']!r}")
            continue
        limits.append(
            SexAgeLimit(
                row["condition_set"],
                frozenset(sets[row["condition_set"]]),
                row["sex"],
                _float(row["age_min"], 0.0),
                _float(row["age_max"], math.inf),
                row["why"],
            )
        )
    if problems:
        raise ConfigError("bad coherence data:\n  " + "\n  ".join(problems))
    chronic = {}
    groups: dict[str, set[str]] = {}
    for row in _rows("chronic.csv", folder):
        ended_by = frozenset(c for c in row["ended_by"].split("|") if c)
        chronic[row["code"]] = Chronic(row["code"], row["display"], row["group"], ended_by)
        groups.setdefault(row["group"], set()).add(row["code"])
    exempt = frozenset(row["code"] for row in _rows("medications_without_reason.csv", folder))
    return CoherenceData(
        {k: frozenset(v) for k, v in sets.items()},
        tuple(rules),
        tuple(limits),
        chronic,
        {k: frozenset(v) for k, v in groups.items()},
        exempt,
    )


@cache
def default_data() -> CoherenceData:
    return load_coherence()


def _since(day: str) -> float:
    """POSIX time of an ISO date (UTC midnight); -inf when empty."""
    return dt.datetime.fromisoformat(day).replace(tzinfo=dt.UTC).timestamp() if day.strip() else -math.inf
