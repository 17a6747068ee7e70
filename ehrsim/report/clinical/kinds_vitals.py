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
