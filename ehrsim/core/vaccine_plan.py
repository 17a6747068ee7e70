"""Vaccines outside the wellness visit: seasonal influenza, COVID-19 and RSV campaigns, pregnancy.

``lifetime_plan`` decides at birth, from its own Generator, every seasonal and campaign dose a
person will be offered and accept (data under ``terminology/immunizations/``): influenza each
season from September to March once recommended for the person's age (two doses 4 weeks apart in
the first seasons of children under 9 until they have had two), COVID-19 series and boosters from
December 2020 by age group and uptake, RSV for older adults and nirsevimab for infants in their
first RSV season. ``pregnancy_plan`` offers Tdap in every pregnancy at 27-36 weeks (since 2012,
with the uptake CDC surveys measured each season), influenza in the flu seasons of the pregnancy
and the maternal RSV vaccine at 32-36 weeks from September to January. Death or the end of the
simulation simply drops later doses; each dose says whether the patient must still be pregnant.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import cache

import numpy as np

from ehrsim.core.tables import Choice, rows
from ehrsim.record.times import DAY, YEAR_DAYS, from_date, to_date

__all__ = ["Shot", "flu_season", "lifetime_plan", "pregnancy_plan"]

YEAR = YEAR_DAYS * DAY
WEEK = 7 * DAY
FLU_PERSISTENCE = 0.8  # chance a season's decision reuses the person's own propensity (habit)
FLU_TWO_DOSE_AGE = 9.0  # ACIP: children 6 months-8 years need 2 doses until they have had 2


@dataclass(frozen=True)
class Shot:
    """One planned dose: when, which series it counts in, its CVX code, and a pregnancy condition."""

    time: int
    key: str
    cvx: str
    display: str
    needs_pregnancy: bool = False
    enc_class: str = "ambulatory"  # "inpatient": given in the birth hospital at the planned time, not in office hours

    def code(self) -> dict[str, str]:
        return {"system": "CVX", "code": self.cvx, "display": self.display}


def _date(value: str) -> int:
    return from_date(dt.date.fromisoformat(value))


@cache
def _flu() -> tuple[tuple[tuple[float, float, int, float], ...], tuple[tuple[int, int, float, float, str, str], ...]]:
    bands = tuple(
        (float(r["age_low"]), float(r["age_high"]), int(r["first_season"]), float(r["uptake"]))
        for r in rows("immunizations/influenza.csv")
    )
    products = tuple(
        (
            int(r["first_season"]),
            int(r["last_season"]),
            float(r["age_low"]),
            float(r["age_high"]),
            r["cvx"],
            r["display"],
        )
        for r in rows("immunizations/influenza_products.csv")
    )
    return bands, products


@cache
def _flu_months() -> Choice[int]:
    table = rows("immunizations/influenza_months.csv")
    return Choice([int(r["month"]) for r in table], [float(r["share"]) for r in table])


def _flu_product(season: int, age: float) -> tuple[str, str] | None:
    for first, last, lo, hi, cvx, display in _flu()[1]:
        if first <= season <= last and lo <= age < hi:
            return cvx, display
    return None


@cache
def _month(year: int, month: int) -> tuple[int, int]:
    """(record time of the first midnight, days in the month), cached: out of the per-season loop."""
    start = dt.date(year, month, 1)
    return from_date(start), (dt.date(year + (month == 12), month % 12 + 1, 1) - start).days


def flu_season(t: int) -> int:
    """The influenza season (its first year) a time falls in: August to July."""
    day = to_date(t)
    return day.year if day.month >= 8 else day.year - 1


@cache
def _season_end(season: int) -> int:
    return from_date(dt.date(season + 1, 4, 1))


def _season_date(rng: np.random.Generator, season: int) -> int:
    month = _flu_months().draw(rng)
    start, days = _month(season if month >= 9 else season + 1, month)
    return start + int(rng.integers(0, days)) * DAY + int(rng.integers(0, DAY))


def _influenza(rng: np.random.Generator, birth: int, end: int) -> list[Shot]:
    bands, _ = _flu()
    shots: list[Shot] = []
    propensity = rng.random()
    doses = 0
    six_months = birth + int(0.5 * YEAR)
    for season in range(to_date(birth).year - 1, to_date(end).year + 1):
        u = propensity if rng.random() < FLU_PERSISTENCE else rng.random()
        when = _season_date(rng, season)
        season_end = _season_end(season)
        if when < six_months:
            when = six_months + int(rng.integers(0, 30)) * DAY
        if when >= season_end or when >= end:
            continue
        age = (when - birth) / YEAR
        band = next((b for b in bands if b[0] <= age < b[1]), None)
        product = _flu_product(season, age)
        if band is None or season < band[2] or u >= band[3] or product is None:
            continue
        shots.append(Shot(when, "flu", *product))
        doses += 1
        if age < FLU_TWO_DOSE_AGE and doses < 2:
            second = when + int(rng.integers(28, 43)) * DAY
            shots.append(Shot(second, "flu", *product))
            doses += 1
    return shots


@cache
def _campaigns() -> tuple[dict[str, str], ...]:
    return rows("immunizations/campaigns.csv")


@cache
def dose_family(key: str) -> frozenset[str]:
    """The series keys whose doses count together for a dose number: a campaign group and the groups that require
    the same first group (COVID-19 primary series, boosters and updated vaccines are doses 1, 2, 3... of one
    vaccination history, as an immunization record numbers them); any other key alone."""
    requires = {c["group"]: c["requires"] for c in _campaigns()}
    if key not in requires:
        return frozenset((key,))

    def root(group: str) -> str:
        seen = set()
        while requires.get(group) and group not in seen:
            seen.add(group)
            group = requires[group]
        return group

    first = root(key)
    return frozenset(g for g in requires if root(g) == first)


def _campaign_shots(rng: np.random.Generator, birth: int, end: int) -> list[Shot]:
    shots: list[Shot] = []
    done: set[str] = set()
    for c in _campaigns():
        group, start, stop = c["group"], _date(c["start"]), _date(c["end"])
        lo, hi = float(c["age_low"]), float(c["age_high"])
        if group in done or (c["requires"] and c["requires"] not in done):
            continue
        eligible_from = max(start, birth + int(lo * YEAR))
        if eligible_from >= min(stop, birth + int(hi * YEAR)) or eligible_from >= end:
            continue
        if rng.random() >= float(c["uptake"]):
            continue
        median = float(c["delay_median_days"]) * DAY
        when = eligible_from + int(rng.exponential(median / math.log(2)))
        if when >= stop:
            when = eligible_from + int(rng.random() * (stop - eligible_from))
        done.add(group)
        gaps = [float(g) for g in c["interval_days"].split("|")]  # per dose gap; the last one repeats
        t = when
        for k in range(int(c["doses"])):
            if k:
                t += int(gaps[min(k - 1, len(gaps) - 1)] * DAY)
            shots.append(Shot(t, group, c["cvx"], c["display"]))
    return shots


def _infant_rsv(rng: np.random.Generator, birth: int) -> list[Shot]:
    out: list[Shot] = []
    for r in rows("immunizations/infant_rsv.csv"):
        born = to_date(birth)
        season = born.year if born.month >= int(r["season_end_month"]) + 1 else born.year - 1
        season_start = from_date(dt.date(season, int(r["season_start_month"]), 1))
        if season_start < _date(r["from"]):
            season_start = from_date(dt.date(season + 1, int(r["season_start_month"]), 1))
        if season_start < _date(r["from"]) or rng.random() >= float(r["uptake"]):
            continue
        if birth >= season_start:  # born in the season: in the birth hospital stay (engine.care.vaccine_visit)
            low, high = (int(float(r[f"in_stay_hours_{end}"]) * 3600) for end in ("low", "high"))
            when = birth + int(rng.integers(low, high))
            out.append(Shot(when, "rsv_infant", r["cvx_small"], r["display_small"], enc_class="inpatient"))
            continue
        when = season_start + int(rng.integers(0, 31 * DAY))
        age_months = (when - birth) / (YEAR / 12)
        if age_months >= float(r["max_age_months"]):
            continue
        small = age_months < 2  # about 5 kg at 2 months (CDC growth charts): the 50 mg dose before
        cvx, display = (r["cvx_small"], r["display_small"]) if small else (r["cvx_large"], r["display_large"])
        out.append(Shot(when, "rsv_infant", cvx, display))
    return out


def lifetime_plan(rng: np.random.Generator, birth: int, end: int) -> list[Shot]:
    """Every seasonal and campaign dose this person will receive, by time (before ``end``)."""
    shots = _influenza(rng, birth, end) + _campaign_shots(rng, birth, end) + _infant_rsv(rng, birth)
    return sorted((s for s in shots if birth <= s.time < end), key=lambda s: (s.time, s.key))


@cache
def _pregnancy_uptake() -> dict[str, tuple[tuple[int, float], ...]]:
    """Uptake in pregnancy by the date of the dose (CDC surveys by season), latest row first."""
    table: dict[str, list[tuple[int, float]]] = {}
    for r in rows("immunizations/pregnancy_uptake.csv"):
        table.setdefault(r["name"], []).append((_date(r["from"]), float(r["uptake"])))
    return {name: tuple(sorted(entries, reverse=True)) for name, entries in table.items()}


def _uptake_in_pregnancy(name: str, when: int, default: float) -> float:
    return next((u for start, u in _pregnancy_uptake().get(name, ()) if start <= when), default)


def _pregnancy_flu(rng: np.random.Generator, conception: int, birth: int) -> list[Shot]:
    """Influenza in each flu season the pregnancy overlaps, from its first prenatal visit (8 weeks).

    CDC measures coverage of women pregnant in the season "before or during pregnancy"; the lifetime
    plan already gives the woman her age group's uptake, so the pregnancy adds the rest: a dose with
    probability ``1 - (1 - pregnant uptake) / (1 - age-group uptake)``. A second dose in one season is
    not given (``engine/care.vaccine_visit``).
    """
    out: list[Shot] = []
    first, last = conception + 6 * WEEK, conception + 38 * WEEK  # gestational weeks 8 to 40
    for season in range(to_date(first).year - 1, to_date(last).year + 1):
        start = max(first, from_date(dt.date(season, 9, 1)))
        stop = min(last, _season_end(season))
        if start >= stop:
            continue
        target = _uptake_in_pregnancy("influenza", start, 0.0)
        age = (start - birth) / YEAR
        band = next((b for b in _flu()[0] if b[0] <= age < b[1]), None)
        base = band[3] if band is not None and season >= band[2] else 0.0
        extra = 1.0 - (1.0 - target) / (1.0 - base) if base < 1.0 else 0.0
        product = _flu_product(season, age)
        if product is None or rng.random() >= extra:
            continue
        # most doses early in the season or at the first prenatal visit (median 3 weeks), none after it ends
        when = start + int(rng.exponential(3 * WEEK / math.log(2)))
        if when >= stop:
            when = start + int(rng.random() * (stop - start))
        out.append(Shot(when, "flu", *product, needs_pregnancy=True))
    return out


def pregnancy_plan(rng: np.random.Generator, conception: int, birth: int | None = None) -> list[Shot]:
    """Vaccines recommended in a pregnancy that began at ``conception`` (gestation = weeks since + 2).

    The week is drawn in the recommended window (triangular towards ``mode_weeks`` when given:
    ACIP asks for Tdap early in weeks 27-36), the uptake by the season of the dose. With the
    mother's ``birth``, influenza in the flu seasons of the pregnancy at CDC's measured uptake.
    """
    out: list[Shot] = _pregnancy_flu(rng, conception, birth) if birth is not None else []
    for r in rows("immunizations/pregnancy.csv"):
        low, high = float(r["min_weeks"]), float(r["max_weeks"])
        mode = float(r["mode_weeks"]) if r.get("mode_weeks") else None
        weeks = low + rng.random() * (high - low) if mode is None else float(rng.triangular(low, mode, high))
        when = conception + int((weeks - 2) * WEEK)
        months = {int(m) for m in r["months"].split()} if r["months"] else None
        if when < _date(r["from"]) or rng.random() >= _uptake_in_pregnancy(r["name"], when, float(r["uptake"])):
            continue
        if months is not None and to_date(when).month not in months:
            continue
        out.append(Shot(when, r["name"], r["cvx"], r["display"], needs_pregnancy=True))
    return out
