"""Children's and everyday-visit findings a clinician acts on: a low infant haemoglobin, a severe pain score."""

from __future__ import annotations

from ehrsim.record.times import DAY, iso
from ehrsim.report.clinical.base import Finding, Rule, register
from ehrsim.report.clinical.view import PatientView


@register
class LowResultRechecked(Rule):
    """A result below ``max`` at ages ``min_age``-``max_age`` (years) is acted on within ``days``: a repeat of the
    same test, or a drug of ``drug_class`` started or running (an infant haemoglobin under 11 g/dL: iron or a
    recheck, AAP 2010). A result too close to the end of the record to be followed is not judged."""

    kind = "low_result_rechecked"
    required = ("lab_set", "max", "min_age", "max_age", "days")

    def setup(self) -> None:
        self.lab = self.data.code_set(self.p["lab_set"])

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        within = float(self.p["days"]) * DAY
        results = view.values(self.lab)
        meds = view.meds_of(self.p["drug_class"]) if self.param("drug_class") else []
        for t, value, obs in results:
            age = view.age(t)
            if value >= float(self.p["max"]) or not self.p["min_age"] <= age < self.p["max_age"]:
                continue
            if t + within > view.end:
                continue
            rechecked = any(t < u <= t + within and o["id"] != obs["id"] for u, _, o in results)
            treated = any(m["start"] <= t + within and view.stop_of(m) >= t for m in meds)
            f.add(rechecked or treated, f"{iso(t)[:10]} at {age * 12:.0f} months: {value:g}, no recheck or treatment")
        return f


@register
class PainScoreExplained(Rule):
    """A pain score of ``min`` or more at an encounter of ``classes`` has a cause and is addressed.

    ``need: cause``: the patient has an active condition of ``condition_set`` (a severe score in a healthy person
    is a wrong score). ``need: treatment``: judged only when such a condition is active; a drug of ``drug_class``
    is running at the visit or started within ``days`` after it, or a condition of the set is diagnosed then."""

    kind = "pain_score_explained"
    required = ("score_set", "min", "classes", "condition_set", "need")

    def setup(self) -> None:
        self.score = self.data.code_set(self.p["score_set"])
        self.painful = self.data.code_set(self.p["condition_set"])

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        need = self.p["need"]
        within = float(self.param("days", 2)) * DAY
        for t, value, obs in view.values(self.score):
            enc = view.encounters_by_id.get(obs.get("encounter") or "")
            if value < float(self.p["min"]) or enc is None or enc["class"] not in self.p["classes"]:
                continue
            causes = [c for c in view.conditions_in(self.painful) if view.active(c, t)]
            what = f"{iso(t)[:10]} at {view.age(t):.0f} y: pain {value:g}"
            if need == "cause":
                f.add(bool(causes), f"{what} with no painful condition")
                continue
            if not causes:
                continue
            new = any(t - DAY <= c["start"] <= t + within for c in causes)
            drug = any(m["start"] <= t + within and view.stop_of(m) >= t for m in view.meds_of(self.p["drug_class"]))
            f.add(new or drug, f"{what} ({causes[0]['codes'][0].get('display')}): no analgesic or diagnosis")
        return f
