"""Cardio-renal-metabolic rules: a low result of a diagnosed condition (heart failure with reduced ejection
fraction) that calls for drug classes and a repeat of the result on therapy (and the share that improves), a drug
not started at a low result, two conditions together (type 2 diabetes with chronic kidney disease) that call for a
drug class, and hypertension awareness (the share of hypertensive adults diagnosed)."""

from __future__ import annotations

from statistics import fmean

from ehrsim.record.times import DAY, iso
from ehrsim.report.clinical.base import Finding, Rule, date_time, register
from ehrsim.report.clinical.data import CodeSet
from ehrsim.report.clinical.view import Entry, PatientView


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
        unless = self.param("unless_condition_set")
        self.unless = self.data.code_set(unless) if unless else None
        low = self.param("unless_lab") or {}
        self.unless_lab = (self.data.code_set(low["set"]), float(low["below"])) if low else None

    def _exempt(self, view: PatientView, t: float) -> bool:
        """A contraindication at the result: a condition of ``unless_condition_set`` active, or the latest result of
        ``unless_lab`` up to then below its limit (an SGLT2 inhibitor in type 1 diabetes or at eGFR < 25)."""
        if self.unless is not None and any(view.active(c, t) for c in view.conditions_in(self.unless)):
            return True
        if self.unless_lab is not None:
            lab, below = self.unless_lab
            latest = [v for u, v, _ in view.values(lab) if u <= t]
            return bool(latest) and latest[-1] < below
        return False

    def check(self, view: PatientView) -> Finding:
        conds = view.conditions_in(self.conditions)
        if not conds:
            return Finding()
        within = float(self.p["days"]) * DAY
        f = Finding()
        for t, value, _ in view.values(self.lab):
            if value > float(self.p["max"]) or t < self.since or not any(view.active(c, t) for c in conds):
                continue
            if t + within > view.end or self._exempt(view, t):
                break  # not followed long enough (death or the reference date), or not indicated
            missing = [
                c
                for c in self.p["drug_classes"]
                if not any(m["start"] <= t + within and view.stop_of(m) >= t for m in view.meds_of(c))
            ]
            f.add(not missing, f"{iso(t)[:10]} result {value:g}: no {', '.join(missing)} within {self.p['days']} days")
            break
        return f


@register
class LowResultRepeated(Rule):
    """The first result at or below ``max`` while ``condition_set`` is active (since ``since``) is measured again
    ``min_days`` to ``max_days`` later: the ejection fraction of HFrEF reassessed once therapy is optimised. One event
    per patient followed to ``max_days``."""

    kind = "low_result_repeated"
    required = ("lab_set", "max", "condition_set", "min_days", "max_days")

    def setup(self) -> None:
        self.lab = self.data.code_set(self.p["lab_set"])
        self.conditions = self.data.code_set(self.p["condition_set"])
        self.since = date_time(self.param("since"))

    def check(self, view: PatientView) -> Finding:
        conds = view.conditions_in(self.conditions)
        if not conds:
            return Finding()
        low = _first_low(view, self.lab, float(self.p["max"]), conds, self.since)
        if low is None:
            return Finding()
        first = low[0]
        lo, hi = first + float(self.p["min_days"]) * DAY, first + float(self.p["max_days"]) * DAY
        if hi > view.end:
            return Finding()  # not followed long enough
        f = Finding()
        again = any(lo <= t <= hi for t, _, _ in view.values(self.lab))
        window = f"{self.p['min_days']}-{self.p['max_days']} days"
        f.add(again, f"{iso(int(first))[:10]} result at or below {self.p['max']:g}: none again in {window}")
        return f


@register
class LowResultImprovedShare(Rule):
    """Share of patients whose first result at or below ``max`` (``condition_set`` active, since ``since``) is
    followed within ``within_days`` by one above ``max`` and at least ``rise`` higher: heart failure with improved
    ejection fraction among HFrEF measured again. Patients with no repeat in the window are not counted."""

    kind = "low_result_improved_share"
    band = True
    required = ("lab_set", "max", "rise", "condition_set", "within_days", "band")

    def setup(self) -> None:
        self.lab = self.data.code_set(self.p["lab_set"])
        self.conditions = self.data.code_set(self.p["condition_set"])
        self.since = date_time(self.param("since"))

    def check(self, view: PatientView) -> Finding:
        conds = view.conditions_in(self.conditions)
        if not conds:
            return Finding()
        top = float(self.p["max"])
        first = _first_low(view, self.lab, top, conds, self.since)
        if first is None:
            return Finding()
        t0, v0 = first
        later = [v for t, v, _ in view.values(self.lab) if t0 < t <= t0 + float(self.p["within_days"]) * DAY]
        if not later:
            return Finding()
        improved = any(v > top and v - v0 >= float(self.p["rise"]) for v in later)
        return Finding(events=1, values=[1.0 if improved else 0.0])

    def measure(self, values: list[float]) -> float | None:
        return fmean(values) if len(values) >= int(self.param("min_patients") or 1) else None


@register
class DrugStartedAtLowResult(Rule):
    """A drug of ``drug_class`` is not started (no drug of the class active the day before) when the latest result of
    ``lab_set`` of the last ``lookback_days`` is below ``below``: dapagliflozin is not initiated at eGFR < 25."""

    kind = "drug_start_lab"
    required = ("drug_class", "lab_set", "below", "lookback_days")

    def setup(self) -> None:
        self.lab = self.data.code_set(self.p["lab_set"])

    def check(self, view: PatientView) -> Finding:
        meds = view.meds_of(self.p["drug_class"])
        if not meds:
            return Finding()
        f = Finding()
        back = float(self.p["lookback_days"]) * DAY
        results = view.values(self.lab)
        for med in meds:
            t = med["start"]
            if any(other is not med and view.active(other, t - DAY) for other in meds):
                continue  # a renewal or a new strength, not a start
            latest = [v for u, v, _ in results if t - back <= u <= t]
            if latest:
                f.add(latest[-1] >= self.p["below"], f"started {iso(t)[:10]} at result {latest[-1]:g}")
            else:
                f.passed()
        return f


def _first_low(
    view: PatientView, lab: CodeSet, top: float, conds: list[Entry], since: float
) -> tuple[float, float] | None:
    """(time, value) of the first result at or below ``top`` while a condition of ``conds`` is active, from
    ``since``."""
    for t, value, _ in view.values(lab):
        if value <= top and t >= since and any(view.active(c, t) for c in conds):
            return float(t), value
    return None


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


@register
class EvidenceAfterOnset(Rule):
    """Each onset of a condition (an acute MI) at ages ``min_age``-``max_age`` (from ``since``) has at least
    ``min_count`` entries of ``evidence_set`` (procedures or results) from ``from_hours`` to ``to_hours`` after it: a
    coronary angiography in the stay of an NSTEMI, a second cardiac marker 3-6 hours after the first. Onsets whose
    record ends (or the patient dies) before ``to_hours`` are not judged."""

    kind = "evidence_after_onset"
    required = ("condition_set", "evidence_set", "min_count", "from_hours", "to_hours")

    def setup(self) -> None:
        self.conditions = self.data.code_set(self.p["condition_set"])
        self.evidence = self.data.code_set(self.p["evidence_set"])
        self.since = date_time(self.param("since"))
        self.ages = (float(self.param("min_age", 0)), float(self.param("max_age", 200)))

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        onsets = [t for t in view.onsets(self.conditions) if t >= self.since]
        if not onsets:
            return f
        times = view.events_in(self.evidence, ("procedures", "observations"))
        lo, hi = float(self.p["from_hours"]) * 3600, float(self.p["to_hours"]) * 3600
        for t in onsets:
            if not self.ages[0] <= view.age(t) < self.ages[1] or t + hi > view.end:
                continue
            found = sum(1 for e in times if t + lo <= e <= t + hi)
            if found >= int(self.p["min_count"]):
                f.passed()
            else:
                f.add(False, f"onset {iso(t)[:16]} at {view.age(t):.0f}: {found} of {self.p['min_count']} in time")
        return f
