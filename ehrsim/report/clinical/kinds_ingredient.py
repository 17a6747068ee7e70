"""Ingredient and re-order rules: the same ingredient in two running orders; the daily dose summed over all of them;
a chronic order stopped and written again unchanged within hours.

A class rule sees two statins; these see acetaminophen 500 mg and acetaminophen 325 mg (or hydrocodone/acetaminophen)
taken together, and their sum against the label's maximum a day (CLOSING8 chart 4: 5.6 g a day at 87).
"""

from __future__ import annotations

import re
from functools import cache

from ehrsim.errors import ConfigError
from ehrsim.record.times import DAY, iso
from ehrsim.report.clinical.base import HOUR, Finding, Rule, date_time, register
from ehrsim.report.clinical.view import Entry, PatientView

_SECONDS = {"s": 1, "min": 60, "minutes": 60, "h": 3600, "hours": 3600, "d": DAY, "days": DAY}
_SECONDS |= {"wk": 7 * DAY, "weeks": 7 * DAY, "mo": 30 * DAY, "months": 30 * DAY}
_UNIT_DOSES = ("{tablet}", "{capsule}")


def _display(med: Entry) -> str:
    return str((med.get("codes") or [{}])[0].get("display") or "")


def _one_off(med: Entry) -> bool:
    """Given in an encounter and not taken home: never a running order."""
    return bool(med.get("administered")) and not med.get("chronic")


@cache
def _word(ingredient: str) -> re.Pattern[str]:
    return re.compile(rf"\b{re.escape(ingredient)}\b", re.IGNORECASE)


@cache
def _strength(display: str, ingredient: str) -> tuple[float, bool] | None:
    """(mg of the ingredient in a unit, or in a mL when True) from an RxNorm display ("... 325 MG / ...")."""
    first = re.escape(ingredient.split(" ")[0])
    found = re.search(rf"\b{first}[a-z ,]*? ([\d.]+) MG(/ML)?", display, re.IGNORECASE)
    return (float(found.group(1)), found.group(2) is not None) if found else None


def mg_a_day(med: Entry, ingredient: str) -> float | None:
    """mg of ``ingredient`` a day the order gives, or None when its dosage cannot tell."""
    dosage = med.get("dosage") or {}
    amount = dosage.get("amount")
    period = float(dosage.get("period") or 0) * _SECONDS.get(str(dosage.get("unit") or ""), 0)
    strength = _strength(_display(med), ingredient)
    if not isinstance(amount, int | float) or period <= 0:
        return None
    unit = dosage.get("dose_unit")
    if unit == "mg" and dosage.get("mg_of", ingredient) == ingredient:
        mg = float(amount)
    elif strength is None:
        return None
    elif unit == "mL" and strength[1]:
        mg = float(amount) * strength[0]
    elif unit in _UNIT_DOSES and not strength[1]:
        mg = float(dosage.get("units_per_dose") or amount) * strength[0]
    else:
        return None
    return mg * float(dosage.get("frequency") or 1) * DAY / period


def _name(med: Entry) -> str:
    return f"{_display(med)} {iso(med['start'])[:16]}"


@register
class DuplicateIngredient(Rule):
    """Two orders giving the same ingredient running together for more than ``min_overlap_hours`` (one-off
    administrations aside; a renewal starts as the old order stops, so it never overlaps)."""

    kind = "duplicate_ingredient"
    required = ("ingredients", "min_overlap_hours")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        slack = float(self.p["min_overlap_hours"]) * HOUR
        orders = [m for m in view.entries("medications") if not _one_off(m)]
        for ingredient in self.p["ingredients"]:
            word = _word(ingredient)
            meds = sorted((m for m in orders if word.search(_display(m))), key=lambda m: m["start"])
            for i, med in enumerate(meds):
                dup = next(
                    (o for o in meds[:i] if min(view.stop_of(o), view.stop_of(med)) - med["start"] > slack),
                    None,
                )
                if dup is None:
                    f.passed()
                else:
                    f.add(False, f"{ingredient}: {_name(med)} while {_name(dup)} runs")
        return f


@register
class SummedDailyDose(Rule):
    """At the start of each order of a listed ingredient, the mg a day of every running order of it summed is within
    ``limits`` (mg; ``older_limits`` from ``older_age``)."""

    kind = "summed_daily_dose"
    required = ("limits",)

    def setup(self) -> None:
        for key in ("limits", "older_limits"):
            values = self.p.get(key, {})
            if not isinstance(values, dict) or not all(isinstance(v, int | float) and v > 0 for v in values.values()):
                raise ConfigError(f"clinical rule {self.rule.id}: {key} must map ingredients to mg a day")
        self.older_age = float(self.param("older_age", 200))

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        orders = [m for m in view.entries("medications") if not _one_off(m)]
        for ingredient, limit in self.p["limits"].items():
            word = _word(ingredient)
            meds = [m for m in orders if word.search(_display(m))]
            for med in meds:
                t = med["start"]
                if mg_a_day(med, ingredient) is None:
                    continue
                most = float(limit)
                if view.age(t) >= self.older_age:
                    most = float(self.p.get("older_limits", {}).get(ingredient, limit))
                total = sum(mg_a_day(o, ingredient) or 0.0 for o in meds if view.active(o, t))
                if total <= most * 1.001:
                    f.passed()
                else:
                    f.add(False, f"{ingredient} {total:g} mg a day > {most:g} at {_name(med)}")
        return f


@register
class SameDayReorder(Rule):
    """A chronic order stopped within ``max_hours`` of its start and written again, same drug and dose, as it stops
    (a renewal at a same-day visit cutting a course to hours); a change of drug or dose is a real change."""

    kind = "same_day_reorder"
    required = ("max_hours",)

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        limit = float(self.p["max_hours"]) * HOUR
        chronic = [m for m in view.entries("medications") if m.get("chronic")]
        starts: dict[tuple[str, float], list[Entry]] = {}
        for m in chronic:
            starts.setdefault((str(m["codes"][0].get("code")), m["start"]), []).append(m)
        for med in chronic:
            stop = med.get("stop")
            again = starts.get((str(med["codes"][0].get("code")), stop), ()) if stop is not None else ()
            same = [o for o in again if o is not med and o.get("dosage") == med.get("dosage")]
            if stop is None or stop - med["start"] >= limit or not same:
                f.passed()
            else:
                f.add(
                    False,
                    f"{_name(med)} re-ordered {iso(stop)[:16]} ({(stop - med['start']) / HOUR:.1f} h)",
                )
        return f


@register
class DoseReached(Rule):
    """A course of an ingredient taken for ``min_days`` or more (first start to last stop, from ``since``) reaches
    ``at_least`` mg a day at some order: metformin titrated towards 2,000 mg a day, not left at its 500 mg start.
    Patients with a condition of ``except_set`` (CKD stage 3 or worse: a lower maximum) while taking it are not
    judged, nor courses whose dosage cannot tell the mg a day."""

    kind = "dose_reached"
    required = ("ingredient", "at_least", "min_days", "except_set")

    def setup(self) -> None:
        self.word = _word(self.p["ingredient"])
        self.excepted = self.data.code_set(self.p["except_set"])
        self.since = date_time(self.param("since"))

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        ingredient = self.p["ingredient"]
        meds = [
            m
            for m in view.entries("medications")
            if not _one_off(m) and m["start"] >= self.since and self.word.search(_display(m))
        ]
        if not meds:
            return f
        first, last = min(m["start"] for m in meds), max(view.stop_of(m) for m in meds)
        doses = [mg_a_day(m, ingredient) for m in meds]
        if last - first < float(self.p["min_days"]) * DAY or any(d is None for d in doses):
            return f
        if any(c["start"] < last and view.stop_of(c) > first for c in view.conditions_in(self.excepted)):
            return f
        peak = max(d for d in doses if d is not None)
        if peak >= float(self.p["at_least"]) - 1e-6:
            f.passed()
        else:
            f.add(False, f"{ingredient} at most {peak:g} mg a day from {iso(first)[:10]} to {iso(last)[:10]}")
        return f
