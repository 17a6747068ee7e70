"""Dose rules: a daily dose above the labelled maximum."""

from __future__ import annotations

import re

from ehrsim.errors import ConfigError
from ehrsim.record.times import DAY, iso
from ehrsim.report.clinical.base import Finding, Rule, register
from ehrsim.report.clinical.view import PatientView

#: ``fluoxetine 40 MG Oral Capsule``, ``24 HR metformin hydrochloride 500 MG ...``: ingredient words, then the strength
_SINGLE = re.compile(r"^(?:\d+ HR )?([a-z][a-z ]*?) ([\d.]+) MG (?!/)")
_PERIOD_SECONDS = {"s": 1, "min": 60, "h": 3600, "hours": 3600, "d": DAY, "days": DAY, "wk": 7 * DAY, "mo": 30 * DAY}


@register
class MaxDailyDose(Rule):
    """A single-ingredient tablet or capsule above its labelled maximum daily dose (``limits``: ingredient -> mg)."""

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
            match = _SINGLE.match(code.get("display") or "")
            if not dosage or not match or dosage.get("dose_unit") not in self.p["dose_units"]:
                continue
            ingredient = match.group(1).split(" ")[0]
            limit = self.limits.get(ingredient)
            period = float(dosage.get("period") or 0) * _PERIOD_SECONDS.get(dosage.get("unit", ""), 0)
            if limit is None or period <= 0:
                continue
            units_a_day = float(dosage["amount"]) * float(dosage.get("frequency") or 1) * DAY / period
            per_day = units_a_day * float(match.group(2))
            if per_day <= limit * 1.001:
                f.passed()
            else:
                f.add(False, f"{code.get('display')} {iso(med['start'])[:10]}: {per_day:g} mg/day > {limit:g}")
        return f
