"""Care of older adults: deintensified diabetes treatment, deprescribing, and AF anticoagulation withheld with a
documented reason; also (s15elder's second task) steep eGFR falls and diagnoses given below their age."""

from __future__ import annotations

import itertools
import re

from ehrsim.record.times import iso
from ehrsim.report.clinical.base import Finding, Rule, date_time, register
from ehrsim.report.clinical.view import Entry, PatientView

DAY = 86_400
_MG = re.compile(r"(\d+(?:\.\d+)?) MG\b", re.IGNORECASE)


def _name(med: Entry) -> str:
    return str((med.get("codes") or [{}])[0].get("display", ""))


def _units(med: Entry) -> float:
    """Amount a day of an order (units of insulin, tablets), 0 when the order gives none."""
    dosage = med.get("dosage") or {}
    try:
        return float(dosage.get("amount") or 0) * float(dosage.get("frequency") or 1)
    except (TypeError, ValueError):
        return 0.0


def _same_drug(a: Entry, b: Entry) -> bool:
    """The same drug by its first two words ("insulin glargine", "glipizide 5"): a strength change is the same drug
    for a sulfonylurea only when its ingredient matches, which the first word gives."""
    wa, wb = _name(a).lower().split(), _name(b).lower().split()
    if not wa or not wb:
        return False
    if wa[0] == "insulin":
        return wa[:2] == wb[:2]
    return wa[0] == wb[0]


def complex_health(view: PatientView, rule: Rule, t: float) -> bool:
    """Dementia active at ``t``, or age at least ``age_at_least`` with ``min_illnesses`` coexisting chronic illnesses
    (distinct codes of ``illness_set``; ADA Standards 2024 table 13.1: multiple = 3 or more)."""
    if any(view.active(c, t) for c in view.conditions_in(rule.data.code_set(rule.p["dementia_set"]))):
        return True
    if view.age(t) < float(rule.p["age_at_least"]):
        return False
    illnesses = view.conditions_in(rule.data.code_set(rule.p["illness_set"]))
    codes = {(c.get("codes") or [{}])[0].get("code") for c in illnesses if view.active(c, t)}
    return len(codes) >= int(rule.p["min_illnesses"])


@register
class HypoglycaemicOvertreatment(Rule):
    """An HbA1c result below ``below`` in an older adult with complex health (``complex_health``) while a
    hypoglycaemia-causing drug (``drug_class``: insulin, sulfonylureas) is taken: the drug must be stopped or
    reduced within ``grace_days`` (continued unchanged or raised is the breach). One event per such result."""

    kind = "hypoglycaemic_overtreatment"
    required = ("hba1c_set", "below", "drug_class", "dementia_set", "illness_set", "age_at_least", "min_illnesses")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        drugs = view.meds_of(self.p["drug_class"])
        if not drugs:
            return f
        grace = float(self.p.get("grace_days", 30)) * DAY
        for t, value, _ in view.values(self.data.code_set(self.p["hba1c_set"])):
            if value >= float(self.p["below"]) or t + grace > view.end:
                continue  # (a record ending within the grace period cannot show the change)
            taken = [m for m in drugs if m["start"] < t <= view.stop_of(m)]
            if not taken or not complex_health(view, self, t):
                continue
            kept = [m for m in taken if not self._reduced(view, drugs, m, t + grace)]
            f.add(not kept, f"HbA1c {value:g} % on {iso(int(t))[:10]}: {_name(kept[0]) if kept else ''} not reduced")
        return f

    @staticmethod
    def _reduced(view: PatientView, drugs: list[Entry], med: Entry, due: float) -> bool:
        """Stopped by ``due`` and not re-ordered at the same or a higher dose (a sulfonylurea not re-ordered)."""
        stop = view.stop_of(med)
        if stop > due:
            return False
        after = [m for m in drugs if m is not med and stop - DAY <= m["start"] <= due and _same_drug(m, med)]
        if not after:
            return True
        if not _name(med).lower().startswith("insulin"):
            return False
        return all(_units(m) < _units(med) for m in after)


@register
class AnticoagulationReason(Rule):
    """Atrial fibrillation with a CHA2DS2-VASc of at least ``min_score_men`` / ``min_score_women`` at the end of
    the record (death or the reference date) is the denominator; without an anticoagulant then, a documented
    reason (``reason_set``: anticoagulation declined or contraindicated) must be in the record. Hospice or comfort
    care is a reason too (``comfort_set``). Judged for records ending on or after ``since``."""

    kind = "anticoagulation_reason"
    required = (
        "af_set",
        "anticoagulant_class",
        "reason_set",
        "comfort_set",
        "min_score_men",
        "min_score_women",
        "since",
        "score",
    )

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        end = view.end
        if end < date_time(self.p["since"]):
            return f
        af = [c for c in view.conditions_in(self.data.code_set(self.p["af_set"])) if view.active(c, end)]
        if not af:
            return f
        score = self._score(view, end)
        female = view.record["patient"].get("gender") == "F"
        if score < float(self.p["min_score_women" if female else "min_score_men"]):
            return f
        # taken up to the end: a course the death (or the reference date) closes counts, so look just before it
        anticoagulated = any(view.active(m, end - 1.0) for m in view.meds_of(self.p["anticoagulant_class"]))
        comfort = self.data.code_set(self.p["comfort_set"])
        in_hospice = any(comfort.any(c.get("codes")) for c in view.entries("careplans")) or any(
            e.get("class") == "hospice" for e in view.entries("encounters")
        )
        reasons = self.data.code_set(self.p["reason_set"])
        documented = (
            anticoagulated
            or in_hospice
            or any(reasons.any(c.get("codes")) for c in view.entries("conditions"))
            or bool(view.events_in(reasons, ("procedures", "observations")))
        )
        f.add(documented, f"CHA2DS2-VASc {score} with atrial fibrillation, no anticoagulant and no documented reason")
        return f

    def setup(self) -> None:
        for set_name in self.p["score"]:
            self.data.code_set(set_name)

    def _score(self, view: PatientView, t: float) -> int:
        """CHA2DS2-VASc from the record at ``t`` (``score``: code set -> points; age and sex from the patient)."""
        age = view.age(t)
        points = 2 if age >= 75 else 1 if age >= 65 else 0
        points += 1 if view.record["patient"].get("gender") == "F" else 0
        for set_name, weight in self.p["score"].items():
            if any(c["start"] <= t for c in view.conditions_in(self.data.code_set(set_name))):
                points += int(weight)
        return points


@register
class PrimaryPreventionPastAge(Rule):
    """A preventive drug (``drug_set``, e.g. low-dose aspirin) taken from ``age`` on, from ``since``, while no
    condition of ``unless_set`` (ASCVD) was ever recorded: it must end within ``grace_days`` (a yearly review).
    One event per such order."""

    kind = "primary_prevention_past_age"
    required = ("drug_set", "unless_set", "age", "since", "grace_days")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        drugs = self.data.code_set(self.p["drug_set"])
        from_age = max(view.at_age(float(self.p["age"])), date_time(self.p["since"]))
        grace = float(self.p["grace_days"]) * DAY
        secondary = view.onsets(self.data.code_set(self.p["unless_set"]))
        for med in view.entries("medications"):
            if med.get("administered") or not drugs.any(med.get("codes")):
                continue
            start = max(float(med["start"]), from_age)
            stop = view.stop_of(med)
            if start >= stop or start + grace > view.end or any(t <= start + grace for t in secondary):
                continue
            f.add(stop <= start + grace, f"{_name(med)} still taken {iso(int(start + grace))[:10]}, no ASCVD")
        return f


def _mg(med: Entry) -> float | None:
    found = _MG.search(_name(med))
    return float(found.group(1)) if found else None


@register
class IntensifiedInSevereDementia(Rule):
    """An order of ``drug_class`` (antihypertensives; glucose-lowering drugs with an HbA1c as ``sbp_set``, named by
    ``reading_name``) in severe dementia (``dementia_set`` active and the latest ``mmse_set`` result below
    ``mmse_below``) while the latest ``sbp_set`` reading (within ``recent_days``) is below ``sbp_below``: it must not
    intensify treatment (a drug not taken just before, or a higher strength of one that
    was; a drug taking the place of one of its class that stops then, e.g. an era substitute giving way to the
    ordered drug, is not). One event per order."""

    kind = "intensified_in_severe_dementia"
    required = ("drug_class", "dementia_set", "mmse_set", "mmse_below", "sbp_set", "sbp_below", "recent_days")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        drugs = view.meds_of(self.p["drug_class"])
        dementia = view.conditions_in(self.data.code_set(self.p["dementia_set"]))
        if not drugs or not dementia:
            return f
        mmse = self.data.code_set(self.p["mmse_set"])
        sbp = self.data.code_set(self.p["sbp_set"])
        label = self.p.get("reading_name", "systolic")
        for med in drugs:
            t = med["start"]
            if not any(view.active(c, t) for c in dementia):
                continue
            score = view.last_value_before(mmse, t, 36_500)
            reading = view.last_value_before(sbp, t, float(self.p["recent_days"]))
            if score is None or score >= float(self.p["mmse_below"]) or reading is None:
                continue
            if reading >= float(self.p["sbp_below"]):
                continue
            running = [m for m in drugs if m is not med and m["start"] < t <= view.stop_of(m)]
            before = [m for m in running if _same_drug(m, med)]
            mg, was = _mg(med), max((_mg(m) or 0.0 for m in before), default=None)
            own = view.med_classes(med) - {self.p["drug_class"]}
            swapped = not before and any(view.med_classes(m) & own for m in running if view.stop_of(m) <= t)
            intensified = not swapped and (not before or (mg is not None and was is not None and mg > was + 1e-9))
            f.add(not intensified, f"{_name(med)} started {iso(int(t))[:10]} at {label} {reading:g}, MMSE {score:g}")
        return f


@register
class SteepLabFall(Rule):
    """A result falls to at most ``(1 - fall) x`` a result no more than ``within_days`` earlier, with nothing acute
    around it: no stay or emergency visit (``acute_classes``) and no condition of ``acute_set`` (acute kidney injury,
    sepsis) starting from ``around_days`` before the earlier result to ``around_days`` after the later one. One event
    per patient with a qualifying pair (``baseline_min``: the earlier result at least this); a breach is such a
    fall with nothing acute around it (CKD progresses slowly: KDIGO 2012 defines rapid progression as > 5 a year)."""

    kind = "steep_lab_fall"
    required = ("lab_set", "fall", "within_days", "around_days", "acute_classes", "acute_set")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        values = view.values(self.data.code_set(self.p["lab_set"]))
        if len(values) < 2:
            return f
        floor, ratio = float(self.param("baseline_min", 0)), 1.0 - float(self.p["fall"])
        window, around = float(self.p["within_days"]) * DAY, float(self.p["around_days"]) * DAY
        pairs = [
            (t0, v0, t1, v1)
            for i, (t0, v0, _) in enumerate(values)
            if v0 >= floor
            for t1, v1, _ in values[i + 1 :]
            if t1 - t0 <= window and v1 <= ratio * v0
        ]
        if not pairs:
            return f
        stays = [
            (e["start"], view.stop_of(e))
            for e in view.entries("encounters")
            if e.get("class") in self.p["acute_classes"]
        ]
        acute = view.onsets(self.data.code_set(self.p["acute_set"]))

        def explained(t0: float, t1: float) -> bool:
            lo, hi = t0 - around, t1 + around
            return any(s <= hi and e >= lo for s, e in stays) or any(lo <= t <= hi for t in acute)

        unexplained = [p for p in pairs if not explained(p[0], p[2])]
        t0, v0, t1, v1 = (unexplained or pairs)[0]
        f.add(not unexplained, f"{v0:g} on {iso(t0)[:10]} -> {v1:g} on {iso(t1)[:10]}, nothing acute around it")
        return f


@register
class DiagnosisUnderAge(Rule):
    """No condition of ``condition_set`` is diagnosed before ``min_age`` years (a diagnosis that at that age goes by
    another name: acute bronchitis under 2 is bronchiolitis, AAP 2014). One event per diagnosis of the set.
    ``kind`` (default conditions) judges procedures instead (a tooth filling under 2)."""

    kind = "diagnosis_under_age"
    required = ("condition_set", "min_age")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        code_set = self.data.code_set(self.p["condition_set"])
        kind = self.param("kind", "conditions")
        found = (
            view.conditions_in(code_set)
            if kind == "conditions"
            else [e for e in view.entries(kind) if code_set.any(e.get("codes"))]
        )
        for c in found:
            age = view.age(c["start"])
            f.add(age >= float(self.p["min_age"]), f"{_name(c)} at {age:.1f} years on {iso(c['start'])[:10]}")
        return f


@register
class ConsecutiveDoses(Rule):
    """A drug given at long intervals (yearly zoledronic acid) runs at most ``max_doses`` doses in a row, a row
    being doses less than ``holiday_days`` apart (a drug holiday breaks it); one event per patient given it."""

    kind = "consecutive_doses"
    required = ("drug_class", "max_doses", "holiday_days")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        cls = self.p["drug_class"]
        starts = sorted(med["start"] for med in view.entries("medications") if cls in view.med_classes(med))
        if not starts:
            return f
        holiday = float(self.p["holiday_days"]) * DAY
        run, longest, last = 1, 1, starts[0]
        for before, start in itertools.pairwise(starts):
            run = run + 1 if start - before < holiday else 1
            if run > longest:
                longest, last = run, start
        f.add(longest <= int(self.p["max_doses"]), f"{longest} doses of {cls} in a row, the last {iso(int(last))[:10]}")
        return f
