"""Dose and continuity rules: a daily dose above the labelled maximum; a lifelong drug interrupted."""

from __future__ import annotations

import itertools
import re
from typing import Any

from ehrsim.errors import ConfigError
from ehrsim.record.times import DAY, YEAR_DAYS, iso
from ehrsim.report.clinical.base import Finding, Rule, date_time, register
from ehrsim.report.clinical.view import PatientView

#: ``fluoxetine 40 MG Oral Capsule``, ``24 HR metformin hydrochloride 500 MG ...``: ingredient words, then the strength
_SINGLE = re.compile(r"^(?:\d+ HR )?([a-z][a-z ]*?) ([\d.]+) MG (?!/)", re.IGNORECASE)  # "Hydrochlorothiazide 25 MG"
#: a liquid or pen dosed in mL: "3 ML liraglutide 6 MG/ML Pen Injector" (mg per mL)
_PER_ML = re.compile(r"^(?:[\d.]+ ML )?([a-z][a-z ]*?) ([\d.]+) MG/ML")
_PERIOD_SECONDS = {"s": 1, "min": 60, "h": 3600, "hours": 3600, "d": DAY, "days": DAY, "wk": 7 * DAY, "mo": 30 * DAY}


@register
class MaxDailyDose(Rule):
    """A single-ingredient tablet or capsule (or a liquid or pen dosed in mL, when ``dose_units`` lists mL, or a pen
    dosed in mg, when it lists mg) above its labelled maximum daily dose (``limits``: ingredient -> mg)."""

    kind = "max_daily_dose"
    required = ("limits", "dose_units")

    def setup(self) -> None:
        limits = self.p["limits"]
        if not isinstance(limits, dict) or not all(isinstance(v, int | float) and v > 0 for v in limits.values()):
            raise ConfigError(f"clinical rule {self.rule.id}: limits must map ingredients to mg per day")
        self.limits = {k.lower(): float(v) for k, v in limits.items()}

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        for med in view.entries("medications"):
            dosage = med.get("dosage")
            code = (med.get("codes") or [{}])[0]
            per_ml = dosage is not None and dosage.get("dose_unit") == "mL"
            display = code.get("display") or ""
            match = (_PER_ML if per_ml else _SINGLE).match(display)
            pen_mg = dosage is not None and not per_ml and match is None and dosage.get("dose_unit") == "mg"
            if pen_mg:  # a pen dosed in mg (its volume aside): the amount is already the ingredient's mg
                match = _PER_ML.match(display)
            if not dosage or not match or dosage.get("dose_unit") not in self.p["dose_units"]:
                continue
            ingredient = match.group(1).split(" ")[0].lower()
            limit = self.limits.get(ingredient)
            period = float(dosage.get("period") or 0) * _PERIOD_SECONDS.get(dosage.get("unit", ""), 0)
            if limit is None or period <= 0:
                continue
            units_a_day = float(dosage["amount"]) * float(dosage.get("frequency") or 1) * DAY / period
            per_day = units_a_day * (1.0 if pen_mg else float(match.group(2)))
            if per_day <= limit * 1.001:
                f.passed()
            else:
                f.add(False, f"{code.get('display')} {iso(med['start'])[:10]}: {per_day:g} mg/day > {limit:g}")
        return f


@register
class DrugContinuity(Rule):
    """Once a drug class is started after a condition (secondary prevention), it is not interrupted for long.

    For ``years`` after the condition's first onset (since ``since``), from the first order of the class
    on, any stretch longer than ``max_gap_days`` with no order of the class active is a breach (one per
    patient); patients never given the class are not judged here.
    """

    kind = "drug_continuity"
    required = ("condition_set", "drug_class", "max_gap_days", "years")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        onsets = [
            t for t in view.onsets(self.data.code_set(self.p["condition_set"])) if t >= date_time(self.p.get("since"))
        ]
        if not onsets:
            return f
        onset = onsets[0]
        window_end = min(view.end, onset + float(self.p["years"]) * YEAR_DAYS * DAY)
        cls = self.p["drug_class"]
        spans = sorted(
            (med["start"], view.stop_of(med))
            for med in view.entries("medications")
            if cls in view.med_classes(med) and view.stop_of(med) >= onset - DAY and med["start"] < window_end
        )
        if not spans:
            return f
        covered, gap_at = max(spans[0][0], onset), None
        worst = 0.0
        for start, stop in spans:
            if start - covered > worst:
                worst, gap_at = start - covered, covered
            covered = max(covered, stop)
        if window_end - covered > worst:
            worst, gap_at = window_end - covered, covered
        limit = float(self.p["max_gap_days"]) * DAY
        if worst <= limit or gap_at is None:
            f.passed()
        else:
            f.add(False, f"{cls} stopped {iso(int(gap_at))[:10]} for {worst / DAY:.0f} days")
        return f


@register
class ReorderInterval(Rule):
    """A long-acting product (an IUD, an implant) is not given again within ``min_days`` of the last one;
    with ``max_days``, a product given at a fixed interval (denosumab every 6 months) is not given late either.
    """

    kind = "reorder_interval"
    required = ("drug_class", "min_days")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        cls = self.p["drug_class"]
        latest = float(self.param("max_days", 1e9))
        starts = sorted(m["start"] for m in view.entries("medications") if cls in view.med_classes(m))
        for before, after in itertools.pairwise(starts):
            days = (after - before) / DAY
            if self.p["min_days"] <= days <= latest:
                f.passed()
            else:
                f.add(False, f"{cls} again {iso(after)[:10]}, {days:.0f} days after the last")
        return f


@register
class EpisodeTreated(Rule):
    """Every episode of a condition that needs a drug (a bacterial infection) gets one of the class within N days.

    Optional ``risk_set``, ``risk_min_age``, ``risk_max_age``: only episodes of patients at high risk then (a
    condition of the set active at onset, or aged at least / under the given years), e.g. influenza antivirals.
    """

    kind = "episode_treated"
    required = ("condition_set", "drug_class", "max_days")

    def _high_risk(self, view: PatientView, onset: float) -> bool:
        p = self.p
        if "risk_set" not in p and "risk_min_age" not in p and "risk_max_age" not in p:
            return True
        age = view.age(onset)
        if age >= float(p.get("risk_min_age", 1e9)) or age < float(p.get("risk_max_age", -1)):
            return True
        risk = p.get("risk_set")
        if not risk:
            return False
        return any(view.active(c, onset) for c in view.conditions_in(self.data.code_set(str(risk))))

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        since = date_time(self.p.get("since"))
        meds = view.meds_of(self.p["drug_class"])
        for cond in view.conditions_in(self.data.code_set(self.p["condition_set"])):
            onset = cond["start"]
            limit = onset + float(self.p["max_days"]) * DAY
            if onset < since or limit > view.end or not self._high_risk(view, onset):
                continue
            if any(onset - 3600 <= m["start"] <= limit for m in meds):
                f.passed()
            else:
                name = (cond.get("codes") or [{}])[0].get("display")
                f.add(False, f"{name} {iso(onset)[:10]}: no {self.p['drug_class']} within {self.p['max_days']} days")
        return f


@register
class RepeatEpisodesTreated(Rule):
    """After ``min_episodes`` episodes of a condition within ``window_days`` (frequent COPD exacerbations), a drug of
    the class is active then or started within ``max_days``; judged once a patient, at the first such episode."""

    kind = "repeat_episodes_treated"
    required = ("condition_set", "drug_class", "min_episodes", "window_days", "max_days")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        p = self.p
        since = date_time(p.get("since"))
        n, window = int(p["min_episodes"]), float(p["window_days"]) * DAY
        onsets = sorted(c["start"] for c in view.conditions_in(self.data.code_set(p["condition_set"])))
        for i in range(n - 1, len(onsets)):
            t = onsets[i]
            if t < since or t - onsets[i - n + 1] > window:
                continue
            limit = t + float(p["max_days"]) * DAY
            if limit > view.end:
                return f
            meds = view.meds_of(p["drug_class"])
            ok = any(m["start"] <= limit and view.stop_of(m) > t for m in meds)
            f.add(ok, f"{n} episodes within {p['window_days']} days to {iso(t)[:10]}: no {p['drug_class']}")
            return f
        return f


@register
class StayDrugCoverage(Rule):
    """A hospital stay for a condition (an infection) has a drug of the class active throughout.

    Stays of ``classes`` whose reason is in ``condition_set`` and which last at least ``min_hours``:
    a breach when more than ``max_gap_hours`` of the stay pass with no order of ``drug_class`` active.
    """

    kind = "stay_drug_coverage"
    required = ("classes", "condition_set", "drug_class", "min_hours", "max_gap_hours")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        reasons = self.data.code_set(self.p["condition_set"])
        meds = view.meds_of(self.p["drug_class"])
        for enc in view.entries("encounters"):
            stop = view.stop_of(enc)
            if enc.get("class") not in self.p["classes"] or not reasons.any(enc.get("reason")):
                continue
            if stop - enc["start"] < self.p["min_hours"] * 3600:
                continue
            spans = sorted(
                (m["start"], view.stop_of(m)) for m in meds if m["start"] < stop and view.stop_of(m) > enc["start"]
            )
            covered, worst = enc["start"], 0.0
            for a, b in spans:
                worst = max(worst, a - covered)
                covered = max(covered, b)
            worst = max(worst, stop - covered)
            hours = worst / 3600
            name = (enc.get("reason") or [{}])[0].get("display")
            f.add(hours <= self.p["max_gap_hours"], f"{name} stay {iso(enc['start'])[:10]}: {hours:.0f} h untreated")
        return f


@register
class ContinuedAfterEnd(Rule):
    """A drug treating an episode goes on for at least ``min_days`` after the episode ends (continuation).

    Episodes of ``condition_set`` that end (since ``since``, with ``min_days`` of record after the end) while an
    order of ``drug_class`` is active: a breach when no order of the class is active ``min_days`` later.
    """

    kind = "continued_after_end"
    required = ("condition_set", "drug_class", "min_days")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        since = date_time(self.p.get("since"))
        meds = view.meds_of(self.p["drug_class"])
        for cond in view.conditions_in(self.data.code_set(self.p["condition_set"])):
            end = cond.get("stop")
            if end is None or end < since:
                continue
            later = end + float(self.p["min_days"]) * DAY
            if later > view.end or not any(view.active(m, end - 1) for m in meds):
                continue
            if any(view.active(m, later) for m in meds):
                f.passed()
            else:
                name = (cond.get("codes") or [{}])[0].get("display")
                f.add(
                    False,
                    f"{name} ended {iso(end)[:10]}: {self.p['drug_class']} stopped within {self.p['min_days']} days",
                )
        return f


@register
class DoseWeightCharted(Rule):
    """A child's weight-based dose uses a weight written in the chart recently enough for the age.

    Orders of children (under the last ``windows`` age) whose dosage names the weight it used (``weight_kg``):
    a breach when no ``weight_set`` result lies within the window (days before the order, by age) ending at it.
    """

    kind = "dose_weight_charted"
    required = ("weight_set", "windows")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        weights = self.data.code_set(self.p["weight_set"])
        windows = sorted((float(a), float(d)) for a, d in self.p["windows"])
        for med in view.entries("medications"):
            dosage = med.get("dosage") or {}
            age = view.age(med["start"])
            days = next((d for below, d in windows if age < below), None)
            if days is None or "weight_kg" not in dosage:
                continue
            found = view.last_value_before(weights, med["start"], days)
            f.add(
                found is not None,
                f"{_drug(med)} at age {age:.1f}: dosed by {dosage['weight_kg']} kg, no weight charted in {days:g} days",
            )
        return f


def _drug(med: dict[str, Any]) -> str:
    return str((med.get("codes") or [{}])[0].get("display", ""))


@register
class MinDosesADay(Rule):
    """A drug whose label ties each dose to a meal (regular insulin before meals) is not ordered fewer than
    ``min_per_day`` times a day (``drug_set``: the products)."""

    kind = "min_doses_a_day"
    required = ("drug_set", "min_per_day")

    def check(self, view: PatientView) -> Finding:
        return _doses_a_day(self, view, float(self.p["min_per_day"]), float("inf"))


@register
class MaxDosesADay(Rule):
    """A drug whose label gives it once a day (warfarin, clopidogrel) is not ordered more than ``max_per_day`` times
    a day (``drug_set``: the products, by code or display pattern)."""

    kind = "max_doses_a_day"
    required = ("drug_set", "max_per_day")

    def check(self, view: PatientView) -> Finding:
        return _doses_a_day(self, view, 0.0, float(self.p["max_per_day"]))


def _doses_a_day(rule: Rule, view: PatientView, low: float, high: float) -> Finding:
    """Each order of the rule's ``drug_set`` with a schedule: its doses a day within [low, high]."""
    f = Finding()
    drugs = rule.data.code_set(rule.p["drug_set"])
    for med in view.entries("medications"):
        dosage = med.get("dosage")
        period = float((dosage or {}).get("period") or 0) * _PERIOD_SECONDS.get((dosage or {}).get("unit", ""), 0)
        if not dosage or period <= 0 or not drugs.any(med.get("codes")):
            continue
        per_day = float(dosage.get("frequency") or 1) * DAY / period
        if low - 1e-9 <= per_day <= high + 1e-9:
            f.passed()
        else:
            display = (med.get("codes") or [{}])[0].get("display")
            f.add(False, f"{display} {iso(med['start'])[:10]}: {per_day:g} a day")
    return f


@register
class VolumePerKg(Rule):
    """A fluid given to a child (administrations of ``drug_class`` under ``max_age``) is at most so many mL per kg of
    the child's latest recorded weight per order, by the class of the encounter it was given in (``limits``: an
    emergency bolus, a day on the ward)."""

    kind = "volume_per_kg"
    required = ("drug_class", "max_age", "limits", "weight_set")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        weights = view.values(self.data.code_set(self.p["weight_set"]))
        classes = {e["id"]: e.get("class") for e in view.entries("encounters")}
        for med in view.meds_of(self.p["drug_class"]):
            dosage = med.get("dosage") or {}
            limit = self.p["limits"].get(classes.get(med.get("encounter") or "", ""))
            if limit is None or view.age(med["start"]) >= float(self.p["max_age"]) or not dosage.get("amount"):
                continue
            before = [v for t, v, _ in weights if t <= med["start"]]
            if not before:
                continue
            per_kg = float(dosage["amount"]) / before[-1]
            text = f"{iso(med['start'])[:10]}: {dosage['amount']:g} mL = {per_kg:.0f} mL/kg > {float(limit):g}"
            f.add(per_kg <= float(limit), text)
        return f
