"""The engine's own numbers and codes, read from ``terminology/engine/`` (data with sources, not literals)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import Any

from ehrsim.core.tables import rows
from ehrsim.errors import ConfigError
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
    newborn_visit_after_discharge_seconds: float


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
        newborn_visit_after_discharge_seconds=3600.0 * float(values["newborn_visit_after_discharge_hours"]),
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


@cache
def ed_length_quantiles() -> tuple[tuple[float, float], ...]:
    """(quantile, seconds) of an emergency visit's length, ascending (ed_length_of_stay.csv)."""
    table = tuple(
        sorted((float(r["quantile"]), float(r["minutes"]) * 60.0) for r in rows("engine/ed_length_of_stay.csv"))
    )
    if table[0][0] != 0.0 or table[-1][0] != 1.0:
        raise ConfigError("engine/ed_length_of_stay.csv must run from quantile 0.0 to 1.0")
    return table


@cache
def ed_time_critical() -> dict[str, tuple[float, float]]:
    """Diagnosis code -> (shortest, longest) seconds of an emergency visit that makes it (ed_time_critical.csv): a
    STEMI goes to the catheterisation laboratory, not through the treat-and-release length."""
    return {
        r["code"]: (float(r["min_minutes"]) * 60.0, float(r["max_minutes"]) * 60.0)
        for r in rows("engine/ed_time_critical.csv")
    }


def ed_length_seconds(u: float) -> float:
    """The length of an emergency visit at uniform draw ``u`` in [0, 1): linear between the table's quantiles.

    Synthea's default (one hour for every emergency encounter a module ends in the instant it opens) made every ED
    visit exactly 60 minutes; US visits last a median 2.5 hours (NHAMCS 2008)."""
    table = ed_length_quantiles()
    for (q0, s0), (q1, s1) in pairwise(table):
        if u <= q1:
            return s0 + (s1 - s0) * (u - q0) / (q1 - q0) if q1 > q0 else s1
    return table[-1][1]


@cache
def admission_complications() -> dict[str, tuple[frozenset[str], tuple[str, ...]]]:
    """Reason code -> (encounter classes, complication codes in order of precedence) (admission_complications.csv)."""
    found: dict[str, tuple[set[str], list[str]]] = {}
    for r in rows("engine/admission_complications.csv"):
        classes, codes = found.setdefault(r["reason_code"], (set(), []))
        classes.update(r["classes"].split())
        codes.append(r["code"])
    return {reason: (frozenset(classes), tuple(codes)) for reason, (classes, codes) in found.items()}


def complications_first(
    reason: list[dict[str, str]], enc_class: str, active: dict[str, dict[str, Any]]
) -> list[dict[str, str]]:
    """An admission for a state (a pregnancy) names its active complications first, then the state itself.

    A delivery admission's reason was "Normal pregnancy" even with pre-eclampsia or gestational diabetes on the chart
    (ICD-10-CM chapter 15 guidelines: a delivery's principal diagnosis is its complication)."""
    table = admission_complications().get(reason[0]["code"]) if reason else None
    if table is None or enc_class not in table[0]:
        return reason
    lead = [dict(active[code]["codes"][0]) for code in table[1] if code in active]
    return lead + reason if lead else reason
