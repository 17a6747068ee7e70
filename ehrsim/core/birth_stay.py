"""The newborn's birth stay: who was born in hospital, how, how early, how long they stayed, what was done.

Every person's record starts at birth, whatever module library runs, and the newborn is a person of their own (a
pregnancy module delivering a mother does not create the baby's record). So the birth itself is planned here from
population tables under ``terminology/perinatal/`` (sources in each row): the share of births in hospital by year
(NCHS), the caesarean share and the mean stay by delivery mode and year (NHDS), the newborn's completed weeks of
gestation (NCHS natality, the same table as our pregnancy module's, drawn for this newborn because the mother is
not linkable), a NICU stay under 34 weeks until about 36-37 weeks postmenstrual age, and the newborn care given in
the stay from its era (vitamin K from 1961, the metabolic screen from 1965, the hearing screen from the 1990s). All
draws come from one generator the caller spawns, in a fixed order, so a plan never moves any other stream.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

import numpy as np

from ehrsim.core import clock
from ehrsim.core.tables import interpolate, rows
from ehrsim.errors import ConfigError
from ehrsim.record.times import from_date

__all__ = ["BirthPlan", "CareItem", "care_items", "plan", "settings"]

HOUR = 3600.0
DAY = 86400.0
WEEK = 7 * DAY
PRETERM_WEEKS = 37  # WHO: born before 37 completed weeks


class CareItem(NamedTuple):
    """A medication, procedure or result every newborn gets in the birth stay from ``since``, for the ``coverage``
    share by birth year (perinatal/newborn_care.csv); items of one ``group`` are given together or not at all."""

    key: str
    group: str
    kind: str  # "medication", "procedure" or "observation"
    code: dict[str, str]
    value: dict[str, str] | None  # an observation's coded result
    since: int
    coverage: str  # a table of shares by birth year under perinatal/, or "" (everyone)
    hours: tuple[float, float]
    dose_mg: float | None


class BirthPlan(NamedTuple):
    """One newborn's birth: the stay (None when born outside hospital) and the care in it."""

    in_hospital: bool
    cesarean: bool
    gestation_days: float  # completed weeks * 7 + days into the week
    start: float
    stop: float  # end of the stay (== start when born outside hospital)
    nicu: bool
    care: tuple[tuple[CareItem, float], ...]  # (item, time given)

    @property
    def preterm(self) -> bool:
        return self.gestation_days < PRETERM_WEEKS * 7


@cache
def settings() -> dict[str, float]:
    return {r["name"]: float(r["value"]) for r in rows("perinatal/birth_stay.csv")}


@cache
def _by_year(name: str, column: str) -> tuple[list[float], list[float]]:
    table = sorted(rows(f"perinatal/{name}.csv"), key=lambda r: int(r["birth_year"]))
    return [float(r["birth_year"]) for r in table], [float(r[column]) for r in table]


@cache
def _gestation() -> tuple[np.ndarray, np.ndarray]:
    table = rows("perinatal/gestation.csv")
    weeks = np.array([int(r["weeks"]) for r in table])
    shares = np.array([float(r["share"]) for r in table])
    return weeks, np.cumsum(shares / shares.sum())


@cache
def _gestation_bands() -> tuple[tuple[str, int, int], ...]:
    return tuple(
        (r["band"], int(r["weeks_low"]), int(r["weeks_high"]))
        for r in rows("perinatal/infant_mortality_by_gestation.csv")
    )


def gestation_band(gestation_days: float) -> str:
    """The band of completed weeks (``perinatal/infant_mortality_by_gestation.csv``) a newborn's gestation falls in:
    the core sets it as the ``birth_gestation_band`` attribute, so a module's infant death chance can follow it."""
    weeks = int(gestation_days // 7)
    for band, low, high in _gestation_bands():
        if low <= weeks <= high:
            return band
    raise ConfigError(f"perinatal/infant_mortality_by_gestation.csv: no band holds {weeks} weeks")


@cache
def care_items() -> tuple[CareItem, ...]:
    out = []
    for r in rows("perinatal/newborn_care.csv"):
        code = {"system": r["system"], "code": r["code"], "display": r["display"]}
        value = {"system": r["value_system"], "code": r["value_code"], "display": r["value_display"]}
        since = from_date(dt.date.fromisoformat(r["since"]))
        dose = float(r["dose_mg"]) if r["dose_mg"] else None
        hours = (float(r["hours_min"]), float(r["hours_max"]))
        item = CareItem(
            r["key"], r["group"], r["kind"], code, value if r["value_code"] else None, since, r["coverage"], hours, dose
        )
        out.append(item)
    return tuple(out)


@cache
def _groups() -> tuple[str, ...]:
    return tuple(dict.fromkeys(item.group for item in care_items()))


def _year(t: float) -> float:
    return dt.datetime.fromtimestamp(t, dt.UTC).year + 0.5


def plan(rng: np.random.Generator, birth: float, end: float, zone: ZoneInfo | None = None) -> BirthPlan:
    """The newborn's birth (always the same number of draws, whatever the outcome). With the family's time
    ``zone``, the stay ends at a planned discharge hour (``clock/discharge_hours.csv``), not at night."""
    s = settings()
    year = _year(birth)
    u_place, u_mode, u_week, u_day, u_stay, u_nicu, u_hour, u_minute = rng.random(8)
    u_given, u_time = rng.random((2, len(_groups())))
    in_hospital = bool(u_place < interpolate(year, *_by_year("hospital_births", "share")))
    cesarean = in_hospital and bool(u_mode < interpolate(year, *_by_year("delivery", "cesarean_share")))
    weeks, cumulative = _gestation()
    week = int(weeks[min(int(np.searchsorted(cumulative, u_week, side="right")), len(weeks) - 1)])
    gestation = week * 7 + float(u_day) * 7
    if not in_hospital:
        return BirthPlan(False, False, gestation, birth, birth, False, ())
    days = interpolate(year, *_by_year("stay_length", "cesarean_days" if cesarean else "vaginal_days"))
    stop = birth + days * (1.0 + s["stay_spread"] * (2.0 * float(u_stay) - 1.0)) * DAY
    nicu = week < s["nicu_below_weeks"]
    if nicu:
        lo, hi = s["nicu_discharge_pma_weeks_min"], s["nicu_discharge_pma_weeks_max"]
        discharge_pma = (lo + (hi - lo) * float(u_nicu)) * WEEK
        stop = max(stop, birth + discharge_pma - gestation * DAY, birth + s["nicu_min_days"] * DAY)
    if zone is not None:  # the drawn day's afternoon, not the drawn minute (never less than half the stay)
        stop = clock.discharge_nearest(stop, zone, float(u_hour), float(u_minute), birth + 0.5 * (stop - birth))
    planned, stop = stop, min(stop, end)
    care = []
    draws = {g: (float(u_given[i]), float(u_time[i])) for i, g in enumerate(_groups())}
    for item in care_items():
        given, when = draws[item.group]
        if birth < item.since or (item.coverage and given >= interpolate(year, *_by_year(item.coverage, "share"))):
            continue
        # within its hours of life, and before the discharge (a short stay: just before it)
        high = min(item.hours[1], (planned - birth) / HOUR - 1.0)
        low = min(item.hours[0], high)
        at = birth + (low + (high - low) * when) * HOUR
        if at < stop:
            care.append((item, at))
    return BirthPlan(True, cesarean, gestation, birth, stop, nicu, tuple(care))
