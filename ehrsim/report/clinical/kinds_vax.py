"""Immunization rules: dose ages and intervals, the flu season, first-season doses, pregnancy, coverage."""

from __future__ import annotations

import datetime as dt
import itertools
from statistics import fmean

from ehrsim.record.times import DAY, iso, to_date
from ehrsim.report.clinical.base import Finding, Rule, date_time, register
from ehrsim.report.clinical.view import Entry, PatientView


def _doses(view: PatientView, rule: Rule, key: str = "vaccine_set") -> list[Entry]:
    vset = rule.data.code_set(rule.p[key])
    return sorted((i for i in view.entries("immunizations") if vset.any(i.get("codes"))), key=lambda i: i["time"])


def _label(view: PatientView, imm: Entry) -> str:
    code = (imm.get("codes") or [{}])[0]
    return (
        f"{code.get('display', '?')} (CVX {code.get('code', '')}) {iso(imm['time'])} at {_age_days(view, imm):.0f} days"
    )


def _age_days(view: PatientView, imm: Entry) -> float:
    return (imm["time"] - view.birth) / DAY


@register
class VaccineDoseAge(Rule):
    """Dose N of a vaccine is given between a minimum and a maximum age (days)."""

    kind = "vaccine_dose_age"
    required = ("vaccine_set", "dose")

    def setup(self) -> None:
        self.data.code_set(self.p["vaccine_set"])
        self.born_from = date_time(self.param("born_from"))

    def check(self, view: PatientView) -> Finding:
        if view.birth < self.born_from:
            return Finding()
        doses = _doses(view, self)
        n = int(self.p["dose"])
        if len(doses) < n:
            return Finding()
        dose = doses[n - 1]
        age = _age_days(view, dose)
        f = Finding()
        ok = float(self.param("min_days", 0)) <= age <= float(self.param("max_days", 1e9))
        f.add(ok, f"dose {n}: {_label(view, dose)}")
        return f


@register
class VaccineInterval(Rule):
    """Consecutive doses of one vaccine are at least the minimum interval apart.

    ``min_days_by_dose`` (optional) gives the minimum before dose 2, 3, ... (the last value repeats).
    """

    kind = "vaccine_interval"
    required = ("vaccine_set", "min_days")

    def check(self, view: PatientView) -> Finding:
        doses = _doses(view, self)
        by_dose = self.param("min_days_by_dose") or [self.p["min_days"]]
        f = Finding()
        for i, (a, b) in enumerate(itertools.pairwise(doses)):
            gap = round((b["time"] - a["time"]) / DAY)  # in days, as schedules count (not hours of the day)
            need = by_dose[min(i, len(by_dose) - 1)]
            f.add(gap >= need, f"{_label(view, b)} only {gap:.0f} days after the previous dose (minimum {need})")
        return f


@register
class VaccineMonths(Rule):
    """A seasonal vaccine is given in its season (months, local calendar)."""

    kind = "vaccine_months"
    required = ("vaccine_set", "months")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        months = set(self.p["months"])
        for dose in _doses(view, self):
            f.add(view.local(dose["time"]).month in months, _label(view, dose))
        return f


def _season_end(t: int) -> int:
    """Influenza seasons run July to June: the end (1 July) of the season containing ``t``."""
    d = to_date(t)
    year = d.year + 1 if d.month >= 7 else d.year
    return date_time(dt.date(year, 7, 1).isoformat())


@register
class FluFirstSeason(Rule):
    """Children 6 months to 8 years vaccinated for the first time get two doses 4 weeks apart that season."""

    kind = "flu_first_season"
    required = ("vaccine_set", "min_age", "max_age", "min_days")

    def setup(self) -> None:
        self.since = date_time(self.param("since"))

    def check(self, view: PatientView) -> Finding:
        doses = _doses(view, self)
        if not doses:
            return Finding()
        first = doses[0]
        age = view.age(first["time"])
        end = _season_end(first["time"])
        if first["time"] < self.since or not self.p["min_age"] <= age < self.p["max_age"] or end > view.end:
            return Finding()
        second = any(first["time"] + self.p["min_days"] * DAY <= d["time"] < end for d in doses[1:])
        f = Finding()
        f.add(second, f"first-season dose only: {_label(view, first)}")
        return f


@register
class VaccineDuringCondition(Rule):
    """A vaccine due in every episode of a condition (Tdap in every pregnancy); with ``absent``, a vaccine that is not
    given during one (a Td booster in pregnancy, where Tdap is the booster)."""

    kind = "vaccine_during_condition"
    required = ("vaccine_set", "condition_set", "min_days")

    def setup(self) -> None:
        self.conditions = self.data.code_set(self.p["condition_set"])
        self.since = date_time(self.param("since"))

    def check(self, view: PatientView) -> Finding:
        doses = _doses(view, self)
        f = Finding()
        for cond in view.conditions_in(self.conditions):
            stop = view.stop_of(cond)
            if cond["start"] < self.since or stop - cond["start"] < self.p["min_days"] * DAY:
                continue
            given = any(cond["start"] <= d["time"] <= stop for d in doses)
            if self.param("absent", False):
                f.add(not given, f"episode {iso(cond['start'])} to {iso(stop)} with it")
            else:
                f.add(given, f"episode {iso(cond['start'])} to {iso(stop)} without it")
        return f


@register
class VaccineCoverage(Rule):
    """People born in a window have at least N doses by an age (the schedule in force in their childhood)."""

    kind = "vaccine_coverage"
    required = ("vaccine_set", "born_from", "born_to", "by_age_days", "min_doses")

    def check(self, view: PatientView) -> Finding:
        if not date_time(self.p["born_from"]) <= view.birth < date_time(self.p["born_to"]):
            return Finding()
        by = view.birth + self.p["by_age_days"] * DAY
        if by > view.end:
            return Finding()
        n = sum(1 for d in _doses(view, self) if d["time"] <= by)
        f = Finding()
        f.add(n >= self.p["min_doses"], f"born {iso(view.birth)[:10]}: {n} dose(s) by {self.p['by_age_days']} days")
        return f


@register
class VaccineUptake(Rule):
    """Share of people alive on a date (and of an age then) with at least one dose by the reference date."""

    kind = "vaccine_uptake"
    band = True
    required = ("vaccine_set", "on_date", "min_age", "band")

    def check(self, view: PatientView) -> Finding:
        on = date_time(self.p["on_date"])
        if on > view.reference_time or view.end < on or view.age(on) < self.p["min_age"]:
            return Finding()
        had = bool(_doses(view, self))
        f = Finding(values=[1.0 if had else 0.0])
        f.add(had, f"no dose, aged {view.age(on):.0f} on {self.p['on_date']}")
        return f

    def measure(self, values: list[float]) -> float | None:
        return fmean(values) if values else None


@register
class VaccineProductDates(Rule):
    """A vaccine product given only while it was on the US market (after licensure, before discontinuation)."""

    kind = "vaccine_product_dates"
    required = ("vaccine_set",)

    def setup(self) -> None:
        self.data.code_set(self.p["vaccine_set"])
        self.since = date_time(self.param("since"))
        self.until = date_time(self.param("until"), 2**62)

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        for dose in _doses(view, self):
            f.add(self.since <= dose["time"] < self.until, _label(view, dose))
        return f


@register
class SeasonalVaccineInCondition(Rule):
    """A seasonal vaccine for everyone with a condition during the season's peak (influenza in pregnancy).

    One event per (episode, season) whose episode overlaps the season's ``peak_months`` (CDC counts women
    pregnant in October-January); it passes with a dose from the season's start (August) to the episode's end.
    """

    kind = "seasonal_vaccine_in_condition"
    required = ("vaccine_set", "condition_set", "peak_months")

    def setup(self) -> None:
        self.conditions = self.data.code_set(self.p["condition_set"])
        self.since = date_time(self.param("since"))

    def check(self, view: PatientView) -> Finding:
        doses = [d["time"] for d in _doses(view, self)]
        f = Finding()
        peak = set(self.p["peak_months"])
        for cond in view.conditions_in(self.conditions):
            start, stop = max(cond["start"], self.since), view.stop_of(cond)
            if start >= stop:
                continue
            seasons = set()
            for day in range(start, stop, DAY):
                d = to_date(day)
                if d.month in peak:
                    seasons.add(d.year if d.month >= 8 else d.year - 1)
            for season in sorted(seasons):
                opens = int(dt.datetime(season, 8, 1, tzinfo=dt.UTC).timestamp())
                given = any(opens <= t <= stop for t in doses)
                f.add(given, f"episode {iso(cond['start'])} to {iso(stop)}: none in the {season}-{season + 1} season")
        return f


@register
class BoosterTooSoon(Rule):
    """A booster (``vaccine_set``: Td) not given within ``min_days`` of any earlier dose of ``prior_set``.

    Counts doses given at ``min_age_days`` or older; each such dose is one event.
    """

    kind = "booster_too_soon"
    required = ("vaccine_set", "prior_set", "min_days")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        prior = [d["time"] for d in _doses(view, self, "prior_set")]
        for dose in _doses(view, self):
            if _age_days(view, dose) < self.param("min_age_days", 0):
                continue
            earlier = [t for t in prior if t < dose["time"]]
            gap = (dose["time"] - max(earlier)) / DAY if earlier else None
            f.add(gap is None or gap >= self.p["min_days"], f"{_label(view, dose)}: {gap or 0:.0f} days after the last")
        return f


@register
class DoseNumbersCount(Rule):
    """A person's doses of one vaccine are numbered 1, 2, 3... in time order (a booster after a primary series of two
    is dose 3, not dose 1 of a new series)."""

    kind = "dose_numbers_count"
    required = ("vaccine_set",)

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        for n, imm in enumerate(_doses(view, self), start=1):
            series = imm.get("series")
            if series is None:
                continue
            if series == n:
                f.passed()
            else:
                f.add(False, f"{_label(view, imm)}: dose {n} recorded as {series}")
        return f


@register
class VaccineAgeIndicated(Rule):
    """Every dose of a vaccine is given within its routine ages (``min_years``-``max_years``, the schedule's bounds),
    or to a patient with a risk condition of ``indication_set`` recorded before the dose (ACIP's risk groups)."""

    kind = "vaccine_age_indicated"
    required = ("vaccine_set", "min_years", "max_years", "indication_set")

    def setup(self) -> None:
        self.indications = self.data.code_set(self.p["indication_set"])

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        doses = _doses(view, self)
        if not doses:
            return f
        risk = [c["start"] for c in view.conditions_in(self.indications)]
        for dose in doses:
            years = _age_days(view, dose) / 365.25
            routine = float(self.p["min_years"]) <= years < float(self.p["max_years"])
            f.add(
                routine or any(t <= dose["time"] for t in risk),
                f"at {years:.1f} years without a risk condition: {_label(view, dose)}",
            )
        return f
