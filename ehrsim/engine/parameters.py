"""The engine's own numbers and codes, read from ``terminology/engine/`` (data with sources, not literals)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from ehrsim.core.tables import rows
from ehrsim.record.times import from_date


@dataclass(frozen=True)
class CareParameters:
    telemedicine_start: int  # record time
    virtual_share_if_possible: float
    ambulatory_before_telemedicine: float
    ambulatory_from_telemedicine: float
    telemedicine_cumulative: float
    symptom_visit_threshold: float
    wellness_joined_seconds: float


@cache
def care() -> CareParameters:
    values = {r["name"]: r["value"] for r in rows("engine/parameters.csv")}
    return CareParameters(
        telemedicine_start=from_date(dt.date.fromisoformat(values["telemedicine_start"])),
        virtual_share_if_possible=float(values["virtual_share_if_possible"]),
        ambulatory_before_telemedicine=float(values["ambulatory_before_telemedicine"]),
        ambulatory_from_telemedicine=float(values["ambulatory_from_telemedicine"]),
        telemedicine_cumulative=float(values["telemedicine_cumulative"]),
        symptom_visit_threshold=float(values["symptom_visit_threshold"]),
        wellness_joined_seconds=3600.0 * float(values["wellness_joined_hours"]),
    )


@cache
def symptom_visits() -> tuple[tuple[float, str, dict[str, str]], ...]:
    """(symptom total above which, encounter class, code), highest threshold first."""
    table = [
        (float(r["above"]), r["encounter_class"], {"system": r["system"], "code": r["code"], "display": r["display"]})
        for r in rows("engine/symptom_visits.csv")
    ]
    return tuple(sorted(table, key=lambda row: -row[0]))


@cache
def condition_stages() -> dict[str, tuple[str, ...]]:
    """Condition code -> the other stages of its series, which a diagnosis of it ends (condition_stages.csv)."""
    series: dict[str, list[str]] = {}
    for r in rows("engine/condition_stages.csv"):
        series.setdefault(r["series"], []).append(r["code"])
    return {code: tuple(c for c in codes if c != code) for codes in series.values() for code in codes}
