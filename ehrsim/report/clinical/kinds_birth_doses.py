"""Doses due in the birth stay (s15preg): nirsevimab for a baby born in the RSV season is given before discharge."""

from __future__ import annotations

from ehrsim.record.times import DAY, iso, to_date
from ehrsim.report.clinical.base import Finding, Rule, date_time, register
from ehrsim.report.clinical.view import PatientView


@register
class DoseInBirthStay(Rule):
    """A dose of ``vaccine_set`` given to a baby born in ``birth_months`` (from ``since``) falls in the birth stay (the
    inpatient encounter that starts at birth), or within ``days_without_stay`` of birth for a baby born outside
    hospital. Babies born in other months are not judged (they get it at the season's start)."""

    kind = "dose_in_birth_stay"
    required = ("vaccine_set", "birth_months", "days_without_stay")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        if view.birth < date_time(self.param("since")) or to_date(view.birth).month not in self.p["birth_months"]:
            return f
        vset = self.data.code_set(self.p["vaccine_set"])
        doses = [i for i in view.entries("immunizations") if vset.any(i.get("codes"))]
        stay = next(
            (e for e in view.entries("encounters") if e.get("class") == "inpatient" and e["start"] == view.birth), None
        )
        for dose in doses:
            days = (dose["time"] - view.birth) / DAY
            if stay is not None:
                ok = dose.get("encounter") == stay["id"] or stay["start"] <= dose["time"] <= stay["stop"]
                where = f"after the birth stay ended {iso(stay['stop'])}"
            else:
                ok = days <= self.p["days_without_stay"]
                where = "(no birth stay)"
            f.add(ok, f"{iso(dose['time'])} at {days:.1f} days {where}")
        return f


@register
class SmallNewbornDoseDeferred(Rule):
    """A newborn whose first weight (at birth) of ``weight_set`` is under ``below_kg`` gets no dose of
    ``vaccine_set`` before ``min_days`` of age or the discharge of the birth stay, whichever comes first. One event
    per such newborn with a dose."""

    kind = "small_newborn_dose_deferred"
    required = ("vaccine_set", "weight_set", "below_kg", "min_days")

    def check(self, view: PatientView) -> Finding:
        weights = [(t, v) for t, v, _ in view.values(self.data.code_set(self.p["weight_set"])) if t <= view.birth + DAY]
        if not weights or weights[0][1] >= self.p["below_kg"]:
            return Finding()
        vset = self.data.code_set(self.p["vaccine_set"])
        doses = sorted(i["time"] for i in view.entries("immunizations") if vset.any(i.get("codes")))
        if not doses:
            return Finding()
        stay = next(
            (e for e in view.entries("encounters") if e.get("class") == "inpatient" and e["start"] == view.birth), None
        )
        due = view.birth + self.p["min_days"] * DAY
        if stay is not None and stay.get("stop") is not None:
            due = min(due, stay["stop"])
        f = Finding()
        first = doses[0]
        f.add(first >= due, f"dose 1 {iso(first)} at {(first - view.birth) / 3600:.0f} h of age, {weights[0][1]:g} kg")
        return f
