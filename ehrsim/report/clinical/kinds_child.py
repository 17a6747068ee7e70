"""Children's and everyday-visit findings a clinician acts on: a low infant haemoglobin, a severe pain score, a
child's blood pressure at or above the 95th percentile."""

from __future__ import annotations

import csv
from statistics import fmean
from typing import ClassVar

from ehrsim.errors import ConfigError
from ehrsim.record.times import DAY, iso
from ehrsim.report.clinical.base import Finding, Rule, register
from ehrsim.report.clinical.view import PatientView


@register
class LowResultRechecked(Rule):
    """A result below ``max`` at ages ``min_age``-``max_age`` (years) is acted on within ``days``: a repeat of the
    same test, a drug of ``drug_class`` or a diagnosis of ``condition_set`` begun then or running (an infant
    haemoglobin under 11 g/dL: iron, a recheck, or known anaemia, AAP 2010). A result too close to the end of the
    record to be followed is not judged."""

    kind = "low_result_rechecked"
    required = ("lab_set", "max", "min_age", "max_age", "days")

    def setup(self) -> None:
        self.lab = self.data.code_set(self.p["lab_set"])

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        within = float(self.p["days"]) * DAY
        results = view.values(self.lab)
        spans = (
            [(m["start"], view.stop_of(m)) for m in view.meds_of(self.p["drug_class"])]
            if self.param("drug_class")
            else []
        )
        if self.param("condition_set"):
            spans += [
                (c["start"], view.stop_of(c)) for c in view.conditions_in(self.data.code_set(self.p["condition_set"]))
            ]
        for t, value, obs in results:
            age = view.age(t)
            if value >= float(self.p["max"]) or not self.p["min_age"] <= age < self.p["max_age"]:
                continue
            if t + within > view.end:
                continue
            rechecked = any(t < u <= t + within and o["id"] != obs["id"] for u, _, o in results)
            treated = any(a <= t + within and b >= t for a, b in spans)
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


@register
class ChildBpRechecked(Rule):
    """A child's blood pressure at or above the 95th percentile for age and sex (``threshold_file``: age, sex,
    sbp_95, dbp_95; the last age row holds to 18) at an encounter of ``classes`` is measured again within ``days``
    (AAP 2017: a stage 1 reading is rechecked in 1-2 weeks)."""

    kind = "child_bp_rechecked"
    required: ClassVar[tuple[str, ...]] = ("threshold_file", "sbp_set", "dbp_set", "classes", "days")

    def setup(self) -> None:
        path = self.data.folder.parent / self.p["threshold_file"]
        if not path.is_file():
            raise ConfigError(f"clinical rule {self.rule.id}: threshold file {path} not found")
        with open(path, newline="", encoding="utf-8") as fh:
            self.limits = {
                (int(r["age"]), r["sex"]): (float(r["sbp_95"]), float(r["dbp_95"])) for r in csv.DictReader(fh)
            }
        self.first = min(a for a, _ in self.limits)
        self.last = max(a for a, _ in self.limits)
        self.sbp = self.data.code_set(self.p["sbp_set"])
        self.dbp = self.data.code_set(self.p["dbp_set"])

    def high(self, view: PatientView, age: float, sbp: float, dbp: float | None) -> bool | None:
        """Whether a reading is at or above the 95th percentile (None: no threshold for this age and sex)."""
        limit = self.limits.get((min(int(age), self.last), view.sex))
        if limit is None:
            return None
        return sbp >= limit[0] or (dbp is not None and dbp >= limit[1])

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        within = float(self.p["days"]) * DAY
        dbp = {obs["id"]: v for _, v, obs in view.values(self.dbp)}
        readings = view.values(self.sbp)
        for t, sbp, obs in readings:
            age = view.age(t)
            if not self.first <= age < 18 or t + within > view.end:
                continue
            enc = view.encounters_by_id.get(obs.get("encounter") or "")
            d = dbp.get(obs["id"])
            if enc is None or enc["class"] not in self.p["classes"] or not self.high(view, age, sbp, d):
                continue
            again = any(t < u <= t + within for u, _, _ in readings)
            f.add(again, f"{iso(t)[:10]} at {age:.0f} y: {sbp:g}/{d if d is None else f'{d:g}'}, not rechecked")
        return f


@register
class ChildBpHighShare(ChildBpRechecked):
    """The share of children's single readings at encounters of ``classes`` and ages ``min_age``-``max_age`` that
    are at or above the 95th percentile of ``threshold_file`` lies within ``band``: by construction 5 % of the
    reference population's single readings are (the Fourth Report's tables), so a share far above it means the
    children's BP model is too high or too spread."""

    kind = "child_bp_high_share"
    band = True
    required = ("threshold_file", "sbp_set", "dbp_set", "classes", "min_age", "max_age", "band")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        dbp = {obs["id"]: v for _, v, obs in view.values(self.dbp)}
        for t, sbp, obs in view.values(self.sbp):
            age = view.age(t)
            if not self.p["min_age"] <= age < self.p["max_age"]:
                continue
            enc = view.encounters_by_id.get(obs.get("encounter") or "")
            high = self.high(view, age, sbp, dbp.get(obs["id"]))
            if high is None or enc is None or enc["class"] not in self.p["classes"]:
                continue
            f.passed()
            f.values.append(1.0 if high else 0.0)
        return f

    def measure(self, values: list[float]) -> float | None:
        return fmean(values) if len(values) >= self.param("min_readings", 200) else None


@register
class ResultAboveShare(Rule):
    """The share of results of ``lab_set`` at ages ``min_age``-``max_age`` at or above ``threshold`` lies within
    ``band`` (a BMI over 40 at 10-13 years is beyond the 99.9th percentile of CDC's extended BMI-for-age charts)."""

    kind = "result_above_share"
    band = True
    required = ("lab_set", "min_age", "max_age", "threshold", "band")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        for t, value, _ in view.values(self.data.code_set(self.p["lab_set"])):
            if self.p["min_age"] <= view.age(t) < self.p["max_age"]:
                f.passed()
                f.values.append(1.0 if value >= self.p["threshold"] else 0.0)
        return f

    def measure(self, values: list[float]) -> float | None:
        return fmean(values) if len(values) >= self.param("min_results", 100) else None
