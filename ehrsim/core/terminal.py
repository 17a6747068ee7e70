"""The terminal course of a death from a slow disease: hospice, a last hospital admission or a nursing facility.

People who die of a chronic progressive disease (cancer, heart failure, COPD, dementia, kidney or liver disease)
mostly spend their last weeks in care: about half of Medicare decedents die under hospice since 2015, a fifth in an
acute hospital, a fifth in a nursing facility (NHPCO; Teno JM et al., JAMA 2013 and 2018; Cross SH, Warraich HJ,
NEJM 2019); before the Medicare hospice benefit (1983) most died as hospital inpatients (Flory J et al., Health Aff
2004). A module that kills such a patient at home, with nothing in the chart for months, leaves a record no clinician
would believe. The groups (``deaths/slow_causes.csv``), the setting by era and age (``deaths/terminal_course.csv``)
and the stay lengths (``deaths/terminal_stay.csv``) are data with their sources; the engine (``engine/end_of_life``)
writes the course.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

import numpy as np

from ehrsim.core.tables import rows

__all__ = ["Setting", "choose", "disposition", "length_seconds", "settings", "slow_group", "slow_pattern"]

DAY = 86_400.0
SETTINGS = ("hospice", "inpatient", "snf", "home")


@dataclass(frozen=True)
class Setting:
    """Where a terminal course is spent (one row of terminal_stay.csv)."""

    name: str
    encounter_class: str
    code: dict[str, str]
    care_plan: dict[str, str] | None
    median_days: float
    sigma: float
    min_days: float
    max_days: float


@cache
def _groups() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((r["group"], re.compile(r["accepts"], re.IGNORECASE)) for r in rows("deaths/slow_causes.csv"))


def slow_group(display: str | None) -> str | None:
    """The slow-disease group a cause or condition display belongs to, or None."""
    if not display:
        return None
    return next((g for g, pattern in _groups() if pattern.search(display)), None)


def slow_pattern(group: str) -> re.Pattern[str]:
    """The display pattern of ``group`` (recorded conditions that count as the disease)."""
    return next(pattern for g, pattern in _groups() if g == group)


@cache
def settings() -> dict[str, Setting]:
    out = {}
    for r in rows("deaths/terminal_stay.csv"):
        plan = {"system": "SNOMED-CT", "code": r["care_plan_code"], "display": r["care_plan_display"]}
        out[r["setting"]] = Setting(
            r["setting"],
            r["encounter_class"],
            {"system": "SNOMED-CT", "code": r["code"], "display": r["display"]},
            plan if r.get("care_plan_code") else None,
            float(r["median_days"]),
            float(r["sigma"]),
            float(r["min_days"]),
            float(r["max_days"]),
        )
    return out


def _year_start(year: int) -> float:
    return dt.datetime(year, 1, 1, tzinfo=dt.UTC).timestamp()


@cache
def _table() -> tuple[tuple[float, float, float, float, tuple[float, ...]], ...]:
    out = []
    for r in rows("deaths/terminal_course.csv"):
        shares = tuple(float(r[s]) for s in SETTINGS)
        if abs(sum(shares) - 1.0) > 1e-6:
            raise ValueError(
                f"deaths/terminal_course.csv: shares of {r['year_from']}-{r['age_low']} sum to {sum(shares)}"
            )
        lo, hi = _year_start(int(r["year_from"])), _year_start(int(r["year_to"]))
        out.append((lo, hi, float(r["age_low"]), float(r["age_high"]), shares))
    return tuple(out)


def choose(rng: np.random.Generator, t: float, age: float) -> str:
    """The setting of the terminal course of a death at ``t`` (seconds) and ``age`` (years); "home": none."""
    for lo, hi, age_lo, age_hi, shares in _table():
        if lo <= t < hi and age_lo <= age < age_hi:
            u, acc = float(rng.random()), 0.0
            for name, share in zip(SETTINGS, shares, strict=True):
                acc += share
                if u < acc:
                    return name
            return "home"
    return "home"


def length_seconds(rng: np.random.Generator, setting: Setting) -> float:
    """A log-normal length of the course in ``setting``, within its bounds."""
    days = setting.median_days * float(np.exp(setting.sigma * rng.standard_normal()))
    return DAY * min(max(days, setting.min_days), setting.max_days)


@cache
def _places() -> dict[str, tuple[list[dict[str, str]], list[float]]]:
    out: dict[str, tuple[list[dict[str, str]], list[float]]] = {}
    for r in rows("deaths/terminal_place.csv"):
        codes, shares = out.setdefault(r["setting"], ([], []))
        codes.append({"system": r["system"], "code": r["code"], "display": r["display"]})
        shares.append(float(r["share"]))
    return out


def disposition(rng: np.random.Generator, setting: str) -> dict[str, str]:
    """The discharge disposition that ends a course in ``setting`` with the death: where it happened (a hospice
    patient at home or in a facility, deaths/terminal_place.csv)."""
    codes, shares = _places()[setting]
    u, acc = float(rng.random()), 0.0
    for code, share in zip(codes, shares, strict=True):
        acc += share
        if u < acc:
            return dict(code)
    return dict(codes[-1])


#: the resuscitation status observation and its "Not for resuscitation" value (terminology/codes/core.csv)
RESUSCITATION_STATUS = {
    "system": "SNOMED-CT",
    "code": "304251008",
    "display": "Resuscitation status (observable entity)",
}
NOT_FOR_RESUSCITATION = {"system": "SNOMED-CT", "code": "304253006", "display": "Not for resuscitation (finding)"}
FOR_RESUSCITATION = {"system": "SNOMED-CT", "code": "304252001", "display": "For resuscitation (finding)"}


@cache
def _code_status() -> dict[str, tuple[float, float]]:
    """setting -> (share with a do-not-resuscitate order, time from which such orders were written)."""
    return {
        r["setting"]: (float(r["share"]), _year_start(int(r["from_year"])))
        for r in rows("deaths/terminal_code_status.csv")
    }


def code_status(rng: np.random.Generator, setting: str, t: float) -> dict[str, str] | None:
    """The resuscitation status recorded at the start (``t``) of a terminal course in ``setting``: a do-not-resuscitate
    order or full resuscitation; None before code status was charted (DNR orders from 1976)."""
    share, since = _code_status().get(setting, (0.0, 0.0))
    if t < since:
        return None
    return dict(NOT_FOR_RESUSCITATION if float(rng.random()) < share else FOR_RESUSCITATION)


@dataclass(frozen=True)
class ComfortOrder:
    """A comfort-care drug ordered at the admission of a terminal course (deaths/comfort_medication.csv)."""

    rxcui: str
    display: str
    amount: float
    period_hours: float
    since: float


@cache
def comfort_orders() -> dict[str, tuple[ComfortOrder, ...]]:
    out: dict[str, list[ComfortOrder]] = {}
    for r in rows("deaths/comfort_medication.csv"):
        order = ComfortOrder(
            r["rxcui"], r["display"], float(r["amount"]), float(r["period_hours"]), _year_start(int(r["from_year"]))
        )
        out.setdefault(r["setting"], []).append(order)
    return {k: tuple(v) for k, v in out.items()}
