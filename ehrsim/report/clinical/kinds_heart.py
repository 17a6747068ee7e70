"""Cardio-renal-metabolic rules: a low result of a diagnosed condition (heart failure with reduced ejection
fraction), two conditions together (type 2 diabetes with chronic kidney disease) that call for a drug class, and
hypertension awareness (the share of hypertensive adults diagnosed)."""

from __future__ import annotations

from statistics import fmean

from ehrsim.record.times import DAY, iso
from ehrsim.report.clinical.base import Finding, Rule, date_time, register
from ehrsim.report.clinical.view import PatientView


@register
class LowResultTreated(Rule):
    """The first result at or below ``max`` while ``condition_set`` is active is treated within ``days`` with a
    drug of each of ``drug_classes``, started in the window or running at the result. One event per patient: the
    phenotype the treatment must follow."""

    kind = "low_result_treated"
    required = ("lab_set", "max", "condition_set", "drug_classes", "days")

    def setup(self) -> None:
        self.lab = self.data.code_set(self.p["lab_set"])
        self.conditions = self.data.code_set(self.p["condition_set"])
        self.since = date_time(self.param("since"))

    def check(self, view: PatientView) -> Finding:
        conds = view.conditions_in(self.conditions)
        if not conds:
            return Finding()
        within = float(self.p["days"]) * DAY
        f = Finding()
        for t, value, _ in view.values(self.lab):
            if value > float(self.p["max"]) or t < self.since or not any(view.active(c, t) for c in conds):
                continue
            if t + within > view.end:
                break  # not followed long enough (death or the reference date)
            missing = [
                c
                for c in self.p["drug_classes"]
                if not any(m["start"] <= t + within and view.stop_of(m) >= t for m in view.meds_of(c))
            ]
            f.add(not missing, f"{iso(t)[:10]} result {value:g}: no {', '.join(missing)} within {self.p['days']} days")
            break
        return f


@register
class ComorbidityTreated(Rule):
    """Once ``condition_set`` and ``with_set`` are both active (since ``since``) a drug of ``drug_class`` is started
    within ``max_days``, or is already running. One event per patient followed long enough."""

    kind = "comorbidity_treated"
    required = ("condition_set", "with_set", "drug_class", "max_days")

    def setup(self) -> None:
        self.first = self.data.code_set(self.p["condition_set"])
        self.second = self.data.code_set(self.p["with_set"])
        self.since = date_time(self.param("since"))

    def check(self, view: PatientView) -> Finding:
        firsts, seconds = view.conditions_in(self.first), view.conditions_in(self.second)
        both = sorted(
            max(a["start"], b["start"], self.since)
            for a in firsts
            for b in seconds
            if max(a["start"], b["start"], self.since) < min(view.stop_of(a), view.stop_of(b))
        )
        if not both:
            return Finding()
        t = both[0]
        limit = t + float(self.p["max_days"]) * DAY
        if limit > view.end:
            return Finding()  # not followed long enough
        treated = any(m["start"] <= limit and view.stop_of(m) >= t for m in view.meds_of(self.p["drug_class"]))
        f = Finding()
        f.add(treated, f"both from {iso(t)[:10]}, no {self.p['drug_class']} by {iso(int(limit))[:10]}")
        return f


@register
class AwareShare(Rule):
    """Share of NHANES-hypertensive adults who know it (hypertension awareness): among living adults whose survey
    exam (the record's ``latent.exam``: the state at the reference date, BP as NHANES's mean of one visit's readings)
    is at or above ``readings``' thresholds, or who are diagnosed and on a drug of ``drug_class`` (NHANES asks about
    medicine taken for high blood pressure), the share with the condition recorded. Records without an exam (another
    simulator's) are not judged."""

    kind = "aware_share"
    band = True
    required = ("condition_set", "drug_class", "readings", "min_age", "band")

    def setup(self) -> None:
        self.conditions = self.data.code_set(self.p["condition_set"])

    def check(self, view: PatientView) -> Finding:
        ref = view.reference_time
        if not view.alive or view.age(ref) < self.p["min_age"]:
            return Finding()
        exam = ((view.record.get("latent") or {}).get("exam") or {}).get("values") or {}
        if not exam:
            return Finding()
        high = any(exam.get(r["code"], -1.0) >= r["at_least"] for r in self.p["readings"])
        diagnosed = any(c["start"] <= ref for c in view.conditions_in(self.conditions))
        treated = diagnosed and any(view.active(m, ref) for m in view.meds_of(self.p["drug_class"]))
        if not (high or treated):
            return Finding()
        return Finding(events=1, values=[1.0 if diagnosed else 0.0])

    def measure(self, values: list[float]) -> float | None:
        return fmean(values) if values else None
