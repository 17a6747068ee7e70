"""Vital-sign rules: acute signs that move together (a fever raises the heart rate)."""

from __future__ import annotations

from statistics import median

from ehrsim.record.times import iso
from ehrsim.report.clinical.base import Finding, Rule, register
from ehrsim.report.clinical.view import PatientView


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


@register
class AdmittedAfterResult(Rule):
    """Visits for a condition (pneumonia) at given classes whose result (a saturation) is below a threshold are
    followed by a hospital stay starting within ``within_hours`` (hypoxaemia is treated in hospital)."""

    kind = "admitted_after_result"
    required = ("condition_set", "value_set", "below", "encounter_classes", "within_hours")

    def check(self, view: PatientView) -> Finding:
        reasons = self.data.code_set(self.p["condition_set"])
        classes = set(self.p["encounter_classes"])
        visits = {
            e["id"]: e
            for e in view.entries("encounters")
            if e.get("class") in classes and any(reasons.match(r) for r in e.get("reason") or ())
        }
        stays = [e["start"] for e in view.entries("encounters") if e.get("class") == "inpatient"]
        f = Finding()
        seen: set[str] = set()
        for t, value, obs in view.values(self.data.code_set(self.p["value_set"])):
            enc_id = obs.get("encounter") or ""
            if enc_id not in visits or enc_id in seen or value >= self.p["below"]:
                continue
            seen.add(enc_id)
            start = visits[enc_id]["start"]
            if any(0 <= s - start <= self.p["within_hours"] * 3600 for s in stays):
                f.passed()
            else:
                f.add(False, f"{iso(t)}: {value:g} ({visits[enc_id]['class']} visit), not admitted")
        return f
