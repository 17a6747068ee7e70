"""The routine US immunization schedule in force at the time (terminology/immunizations/schedule.csv).

One row per dose of a series and per era (``from``-``until``): the vaccine of that era, the ACIP
minimum age, the recommended age (in months, measured with the same month length as the wellness
visit schedule, so the 2-month visit is exactly 2 months old), the maximum age (exclusive: e.g.
rotavirus dose 1 only before 15 weeks 0 days), the minimum interval since the previous dose of the
series, and for recurring doses (Td) the interval at which the last dose repeats. A dose is due at
a wellness visit when a row for it is in force then: people born before today's vaccines get what
was recommended in their childhood (DTP, OPV) and catch-up doses while catch-up ages allow.
Seasonal and campaign vaccines (influenza, COVID-19, RSV, pregnancy) are in ``vaccine_plan``.
Where several products of a series were in use at once (MenACWY: Menactra, Menveo, MenQuadfi),
``product`` picks one by its share in ``products.csv`` with the patient's own fixed draw, so a
patient keeps one product for the series while it is available.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from ehrsim.core.tables import rows
from ehrsim.record.times import DAY, from_date

__all__ = ["Dose", "booster_groups", "booster_holds", "current_product", "due", "held_by", "product", "schedule"]

SECONDS_PER_MONTH = 365.25 * 86_400 / 12
FOREVER = 2**62


@dataclass(frozen=True)
class Dose:
    """One dose of one series, as recommended during ``[valid_from, valid_until)``."""

    key: str
    number: int
    cvx: str
    display: str
    min_age_days: float
    rec_age_months: float
    max_age_days: float | None
    min_interval_days: float
    repeat_days: float | None
    valid_from: int  # record time
    valid_until: int

    def code(self) -> dict[str, str]:
        """A fresh CVX code dict."""
        return {"system": "CVX", "code": self.cvx, "display": self.display}

    def in_force(self, time: float) -> bool:
        return self.valid_from <= time < self.valid_until


def _time(value: str, default: int) -> int:
    return from_date(dt.date.fromisoformat(value)) if value else default


@cache
def schedule() -> dict[str, tuple[Dose, ...]]:
    """Series key -> its dose rows (all eras), ordered by dose number then era (keys in file order)."""
    table: dict[str, list[Dose]] = {}
    for r in rows("immunizations/schedule.csv"):
        table.setdefault(r["key"], []).append(
            Dose(
                key=r["key"],
                number=int(r["dose"]),
                cvx=r["cvx"],
                display=r["display"],
                min_age_days=float(r["min_age_days"]),
                rec_age_months=float(r["rec_age_months"]),
                max_age_days=float(r["max_age_days"]) if r["max_age_days"] else None,
                min_interval_days=float(r["min_interval_days"] or 0),
                repeat_days=float(r["repeat_days"]) if r["repeat_days"] else None,
                valid_from=_time(r["from"], -FOREVER),
                valid_until=_time(r["until"], FOREVER),
            )
        )
    return {key: tuple(sorted(doses, key=lambda d: (d.number, d.valid_from))) for key, doses in table.items()}


@cache
def deferred_in_pregnancy() -> frozenset[str]:
    """Series keys whose routine doses wait until after a pregnancy (a Td booster: the pregnancy's Tdap covers it)."""
    return frozenset(r["series"] for r in rows("immunizations/deferred_in_pregnancy.csv"))


@cache
def booster_groups() -> dict[str, frozenset[str]]:
    """Series key -> CVX codes whose doses also count as that series' booster (Td: any tetanus toxoid)."""
    return {r["series"]: frozenset(r["covered_by_cvx"].split()) for r in rows("immunizations/booster_groups.csv")}


@cache
def booster_holds() -> tuple[tuple[frozenset[str], frozenset[str], float], ...]:
    """(held CVX, covering CVX, seconds): a module's dose of a held product (a wound Td) is not given while a dose of
    a covering product is younger than the interval (ACIP: a wound booster only after 5 years; booster_groups.csv)."""
    return tuple(
        (frozenset(r["held_cvx"].split()), frozenset(r["covered_by_cvx"].split()), float(r["held_within_days"]) * DAY)
        for r in rows("immunizations/booster_groups.csv")
        if r.get("held_cvx")
    )


def held_by(cvx: str, given: list[dict], time: float) -> dict | None:
    """The earlier dose that makes a module's dose of ``cvx`` at ``time`` too soon (``booster_holds``), or None."""
    for held, covering, within in booster_holds():
        if cvx in held:
            for dose in reversed(given):
                if dose["codes"][0]["code"] in covering and 0 <= time - dose["time"] < within:
                    return dose
    return None


@cache
def catch_up() -> dict[str, tuple[float, int]]:
    """Series key -> (age in days at the first dose from which, total doses after which) the series is complete."""
    return {
        r["key"]: (float(r["first_dose_min_age_days"]), int(r["total_doses"]))
        for r in rows("immunizations/catch_up.csv")
    }


def _row(doses: tuple[Dose, ...], number: int, time: float) -> Dose | None:
    for d in doses:  # a loop, not next() over a generator: every wellness visit asks for every series
        if d.number == number and d.valid_from <= time < d.valid_until:
            return d
    return None


@cache
def _final_numbers() -> dict[str, int]:
    """Series key -> its last dose number (the recurring one, when it repeats)."""
    return {key: max(d.number for d in doses) for key, doses in schedule().items()}


def _next_dose(doses: tuple[Dose, ...], given: int, time: float) -> tuple[Dose, float] | None:
    """The next dose in force now and the interval it needs since the previous one."""
    dose = _row(doses, given + 1, time)
    if dose is not None:
        return dose, dose.min_interval_days
    if given == 0:
        return None
    final = _final_numbers()[doses[0].key]
    last = _row(doses, final, time)  # a recurring last dose (Td every 10 years) repeats
    if last is not None and last.repeat_days and given >= final:
        return last, last.repeat_days
    return None


def due(
    age_days: float,
    given: dict[str, int],
    time: int,
    last_given: dict[str, int],
    covered_at: dict[str, int] | None = None,
    first_at: dict[str, float] | None = None,
) -> list[tuple[str, dict]]:
    """The (series key, CVX code) pairs to give at a wellness visit now.

    ``given`` counts doses per series so far and ``last_given`` holds the time of each series'
    latest dose; ``covered_at`` the time of the latest dose of any product that counts for a
    recurring booster (``booster_groups``: a wound Tdap or the adolescent Tdap defers the next Td
    by its repeat interval); ``first_at`` the age in days at each series' first dose (a catch-up begun
    late needs fewer doses: ``catch_up``). Deterministic: the result depends on the arguments only.
    """
    out: list[tuple[str, dict]] = []
    age_seconds = age_days * DAY
    late_series = catch_up()
    for key, doses in schedule().items():
        count = given.get(key, 0)
        late = late_series.get(key)
        if late is not None and first_at and first_at.get(key, 0.0) >= late[0] and count >= late[1]:
            continue  # a catch-up series begun late is complete with fewer doses
        nxt = _next_dose(doses, count, time)
        if nxt is None:
            continue
        dose, interval = nxt
        if age_days < dose.min_age_days or age_seconds + 1 < dose.rec_age_months * SECONDS_PER_MONTH:
            continue
        if dose.max_age_days is not None and age_days >= dose.max_age_days:
            continue
        last = last_given.get(key)
        if count > 0 and last is not None and time - last < interval * DAY:
            continue
        covered = covered_at.get(key) if covered_at else None
        if covered is not None and dose.repeat_days and time - covered < dose.repeat_days * DAY:
            continue
        out.append((key, dose.code()))
    return out


@cache
def _products() -> dict[str, tuple[tuple[int, int, float, str, str], ...]]:
    """Series key -> (from, until, cumulative share within its era, CVX, display), in file order."""
    table: dict[str, list[tuple[int, int, float, str, str]]] = {}
    for r in rows("immunizations/products.csv"):
        table.setdefault(r["key"], []).append(
            (_time(r["from"], 0), _time(r["until"], FOREVER), float(r["share"]), r["cvx"], r["display"])
        )
    return {key: tuple(entries) for key, entries in table.items()}


def product(key: str, code: dict[str, str], time: int, u: float) -> dict[str, str]:
    """The product of series ``key`` given at ``time`` for a patient whose fixed draw is ``u`` (0-1).

    ``code`` (the schedule's vaccine) is kept for series without a product mix or outside its eras.
    """
    era = [p for p in _products().get(key, ()) if p[0] <= time < p[1]]
    total, cumulative = sum(p[2] for p in era), 0.0
    for _start, _stop, share, cvx, display in era:
        cumulative += share
        if u * total < cumulative:
            return {"system": "CVX", "code": cvx, "display": display}
    return code


@cache
def _withdrawn() -> dict[str, tuple[str, int]]:
    """CVX of a product mix (products.csv) -> (series key, the end of its last era) for products no longer marketed."""
    ends: dict[str, tuple[str, int]] = {}
    for key, entries in _products().items():
        for _start, stop, _share, cvx, _display in entries:
            ends[cvx] = (key, max(stop, ends.get(cvx, (key, 0))[1]))
    return {cvx: end for cvx, end in ends.items() if end[1] < FOREVER}


def current_product(code: dict[str, str], time: int, u: float) -> dict[str, str] | None:
    """The product of its series in use at ``time`` when a module gives ``code`` after it left the market, else None.

    Synthea's HIV care gave Menactra (CVX 114) in 2023, a year after Sanofi discontinued it (the interchangeable
    MenQuadfi and Menveo replaced it): any library's vaccine product is the one of its era (``u``: the patient's fixed
    product draw, so the series keeps one product).
    """
    if code.get("system") != "CVX":
        return None
    found = _withdrawn().get(code.get("code", ""))
    if found is None or time < found[1]:
        return None
    given = product(found[0], code, time, u)
    return None if given.get("code") == code.get("code") else given
