"""Vital-sign rules: acute signs that move together (a fever raises the heart rate), and an acute visit's set."""

from __future__ import annotations

from statistics import median
from typing import Any

from ehrsim.gmf.values import SECONDS
from ehrsim.record.times import iso
from ehrsim.report.clinical.base import Finding, Rule, date_time, register
from ehrsim.report.clinical.view import PatientView

#: a month as GMF modules count it (30 days): the rule judges the ages a module's Age condition sees
GMF_MONTH = SECONDS["months"]


@register
class RateRisesWithFever(Rule):
    """Febrile visits whose rate (heart rate) is not above the person's own resting median: fever raises the heart
    rate about 8.5 /min per 1 °C in adults, so a febrile rate at or below the resting one is rare (relative
    bradycardia, a sign of a few specific infections)."""

    kind = "rate_rises_with_fever"
    required = ("temperature_set", "rate_set", "resting_classes", "min_age", "at_or_above")

    def check(self, view: PatientView) -> Finding:
        encounters = view.encounters_by_id
        resting_classes = set(self.p["resting_classes"])
        rates: dict[str, float] = {}
        resting = []
        for t, value, obs in view.values(self.data.code_set(self.p["rate_set"])):
            enc_id = obs.get("encounter") or ""
            rates.setdefault(enc_id, value)
            encounter = encounters.get(enc_id)
            if encounter is not None and encounter.get("class") in resting_classes and view.age(t) >= self.p["min_age"]:
                resting.append(value)
        f = Finding()
        if not resting:
            return f
        usual = median(resting)
        for t, temperature, obs in view.values(self.data.code_set(self.p["temperature_set"])):
            rate = rates.get(obs.get("encounter") or "")
            if rate is None or temperature < self.p["at_or_above"] or view.age(t) < self.p["min_age"]:
                continue
            if rate > usual:
                f.passed()
            else:
                f.add(False, f"{iso(t)}: {temperature:g} °C, heart rate {rate:g} (resting median {usual:g})")
        return f


def _acute_visits(rule: Rule, view: PatientView) -> dict[str, dict[str, Any]]:
    """The visits of ``encounter_classes`` for a condition of ``condition_set``, by id."""
    reasons = rule.data.code_set(rule.p["condition_set"])
    classes = set(rule.p["encounter_classes"])
    return {
        e["id"]: e
        for e in view.entries("encounters")
        if e.get("class") in classes and any(reasons.match(r) for r in e.get("reason") or ())
    }


def _admitted(rule: Rule, view: PatientView, start: float) -> bool:
    """A hospital stay starts within the rule's ``within_hours`` of ``start``."""
    window = rule.p["within_hours"] * 3600
    return any(0 <= e["start"] - start <= window for e in view.entries("encounters") if e.get("class") == "inpatient")


@register
class AdmittedAfterResult(Rule):
    """Visits for a condition (pneumonia) at given classes whose result (a saturation) is below a threshold are
    followed by a hospital stay starting within ``within_hours`` (hypoxaemia is treated in hospital)."""

    kind = "admitted_after_result"
    required = ("condition_set", "value_set", "below", "encounter_classes", "within_hours")

    def check(self, view: PatientView) -> Finding:
        visits = _acute_visits(self, view)
        f = Finding()
        seen: set[str] = set()
        for t, value, obs in view.values(self.data.code_set(self.p["value_set"])):
            enc_id = obs.get("encounter") or ""
            if enc_id not in visits or enc_id in seen or value >= self.p["below"]:
                continue
            seen.add(enc_id)
            if _admitted(self, view, visits[enc_id]["start"]):
                f.passed()
            else:
                f.add(False, f"{iso(t)}: {value:g} ({visits[enc_id]['class']} visit), not admitted")
        return f


@register
class AdmittedUnderAge(Rule):
    """Visits for a condition (pneumonia) at given classes by a patient younger than ``under_months`` are followed
    by a hospital stay starting within ``within_hours`` (young infants with pneumonia are treated in hospital)."""

    kind = "admitted_under_age"
    required = ("condition_set", "under_months", "encounter_classes", "within_hours")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        for _, visit in sorted(_acute_visits(self, view).items()):
            age_months = (visit["start"] - view.birth) / GMF_MONTH
            if age_months >= self.p["under_months"]:
                continue
            if _admitted(self, view, visit["start"]):
                f.passed()
            else:
                f.add(False, f"{iso(visit['start'])}: {visit['class']} visit at {age_months:.1f} months, not admitted")
        return f


@register
class AcuteVisitVitals(Rule):
    """Encounters of ``classes`` at which a condition of ``condition_set`` is diagnosed (or that are for one) record
    every vital sign of ``vitals`` (name -> {set, min_age, max_age, since}), except encounters coded in
    ``except_set`` (a death certification): an acute infection is judged on
    temperature, heart and respiratory rate, blood pressure and saturation, and a child is weighed for the dose."""

    kind = "acute_visit_vitals"
    required = ("condition_set", "classes", "vitals")

    def setup(self) -> None:
        self.reasons = self.data.code_set(self.p["condition_set"])
        self.skip = self.data.code_set(self.p["except_set"]) if "except_set" in self.p else None
        self.needs = [
            (
                name,
                self.data.code_set(v["set"]),
                float(v.get("min_age", 0)),
                float(v.get("max_age", 200)),
                date_time(v.get("since")),
            )
            for name, v in self.p["vitals"].items()
        ]

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        classes = set(self.p["classes"])
        encounters = view.encounters_by_id
        visits = {
            e["id"]
            for e in view.entries("encounters")
            if e.get("class") in classes and self.reasons.any(e.get("reason"))
        }
        visits.update(
            c["encounter"]
            for c in view.entries("conditions")
            if c.get("encounter") in encounters
            and encounters[c["encounter"]].get("class") in classes
            and self.reasons.any(c.get("codes"))
        )
        if self.skip is not None:  # a death certification names the infection as its reason: not a visit
            visits = {v for v in visits if not self.skip.any(encounters[v].get("codes"))}
        if not visits:
            return f
        recorded: dict[str, list[Any]] = {}
        for o in view.entries("observations"):
            if o.get("encounter") in visits:
                recorded.setdefault(o["encounter"], []).append(o.get("codes"))
                recorded[o["encounter"]].extend(c.get("codes") for c in o.get("components") or ())
        for enc_id in sorted(visits):
            enc = encounters[enc_id]
            age, codes = view.age(enc["start"]), recorded.get(enc_id, [])
            lacking = [
                name
                for name, wanted, low, high, since in self.needs
                if low <= age < high and enc["start"] >= since and not any(wanted.any(c) for c in codes)
            ]
            if not lacking:
                f.passed()
            else:
                f.add(False, f"{enc['class']} {iso(enc['start'])[:10]} at {age:.1f} y: no {', '.join(lacking)}")
        return f
