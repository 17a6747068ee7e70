"""Deaths read against the rest of the chart: the known disease certified, the injury of a fall, a resident's return."""

from __future__ import annotations

from ehrsim.report.clinical.base import HOUR, Finding, Rule, register
from ehrsim.report.clinical.view import PatientView
from ehrsim.report.source import YEAR


@register
class DeathCauseWithCondition(Rule):
    """No death certified with a cause of ``cause_set`` (an unknown cause) in a person whose record holds a condition of
    ``condition_set`` (a heart disease) recorded before the death: the certifier writes the known disease. Judged on
    the deaths at ``min_age`` or over with such a condition."""

    kind = "death_cause_with_condition"
    required = ("cause_set", "condition_set")

    def setup(self) -> None:
        self.causes = self.data.code_set(self.p["cause_set"])
        self.conditions = self.data.code_set(self.p["condition_set"])

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        codes = (view.record.get("death") or {}).get("codes") or []
        if view.death is None or not codes or view.age(view.death) < float(self.param("min_age", 0)):
            return f
        known = [c for c in view.conditions_in(self.conditions) if (c.get("onset") or c["start"]) < view.death]
        if not known:
            return f
        ok = not self.causes.match(codes[0])
        f.add(
            ok,
            f"{codes[0].get('display')} certified at {view.age(view.death):.1f} "
            f"with {known[0]['codes'][0]['display']} recorded",
        )
        return f


@register
class DeathCauseWithInjury(Rule):
    """A death certified as an injury event of ``cause_set`` (a fall) at ``min_age`` or over names the injury it
    caused (``injury_set``) on the certificate, and the chart records that injury by the death."""

    kind = "death_cause_with_injury"
    required = ("cause_set", "injury_set")

    def setup(self) -> None:
        self.causes = self.data.code_set(self.p["cause_set"])
        self.injuries = self.data.code_set(self.p["injury_set"])

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        codes = (view.record.get("death") or {}).get("codes") or []
        if view.death is None or not codes or not self.causes.match(codes[0]):
            return f
        if view.age(view.death) < float(self.param("min_age", 0)):
            return f
        certified = self.injuries.any(codes[1:])
        recorded = any((c.get("onset") or c["start"]) <= view.death for c in view.conditions_in(self.injuries))
        what = f"{codes[0].get('display')} certified at {view.age(view.death):.1f}"
        if not certified:
            f.add(False, f"{what}: no injury on the certificate")
        elif not recorded:
            f.add(False, f"{what}: the injury is not in the chart")
        else:
            f.passed()
        return f


@register
class ResidentDischarge(Rule):
    """A hospital stay (``stay_encounter``) between two nursing-facility stays (``facility_encounter``, each within
    ``gap_days``: a resident admitted from the facility and back to it) does not end with a discharge of
    ``home_codes`` (NUBC 01, home or self care)."""

    kind = "resident_discharge"
    required = ("stay_encounter", "facility_encounter", "gap_days", "home_codes")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        encounters = view.entries("encounters")
        facility = [e for e in encounters if e["class"] == self.p["facility_encounter"]]
        if not facility:
            return f
        gap = float(self.p["gap_days"]) * 24 * HOUR
        home = set(self.p["home_codes"])
        for stay in encounters:
            if stay["class"] != self.p["stay_encounter"] or not stay.get("discharge") or stay.get("stop") is None:
                continue
            came = any(0 <= stay["start"] - e["stop"] <= gap for e in facility if e.get("stop") is not None)
            back = any(0 <= e["start"] - stay["stop"] <= gap for e in facility)
            if not (came and back):
                continue
            code = stay["discharge"].get("code")
            f.add(
                code not in home,
                f"stay at {(stay['start'] - view.birth) / YEAR:.1f} ended '{stay['discharge'].get('display')}' "
                "between nursing-facility stays",
            )
        return f
