"""Adult chart-review rules (s15adult): how long an emergency visit lasts, how it ends (not discharged home when
admitted, s19review), a lung-function trait that does not swing from year to year, and causes of death in the era
they belong to."""

from __future__ import annotations

from itertools import pairwise
from statistics import fmean, median

from ehrsim.record.times import DAY, iso, to_date
from ehrsim.report.clinical.base import HOUR, Finding, Rule, register
from ehrsim.report.clinical.view import PatientView

MINUTE = 60


@register
class EncounterLengthMedian(Rule):
    """The median length (minutes) of encounters of ``classes`` lies in ``band``. Death certifications and visits
    still in progress at the end of the record are left out (their length is not a visit's)."""

    kind = "encounter_length_median"
    band = True
    required = ("classes", "band")

    def check(self, view: PatientView) -> Finding:
        classes = self.p["classes"]
        lengths = [
            (e["stop"] - e["start"]) / MINUTE
            for e in view.entries("encounters")
            if e.get("class") in classes and e.get("module") != "death" and not e.get("in_progress")
        ]
        return Finding(events=len(lengths), values=lengths)

    def measure(self, values: list[float]) -> float | None:
        return median(values) if values else None


@register
class EncounterDisposition(Rule):
    """An encounter of ``classes`` that does not continue into an inpatient stay within ``continued_hours`` of its end
    records how it ended (a discharge disposition). One event per such encounter; death certifications left out."""

    kind = "encounter_disposition"
    required = ("classes", "continued_hours")

    def check(self, view: PatientView) -> Finding:
        classes = self.p["classes"]
        within = float(self.p["continued_hours"]) * HOUR
        encounters = view.entries("encounters")
        admissions = sorted(e["start"] for e in encounters if e.get("class") == "inpatient")
        f = Finding()
        for e in encounters:
            if e.get("class") not in classes or e.get("module") == "death" or e.get("in_progress"):
                continue
            if any(e["stop"] - HOUR <= a <= e["stop"] + within for a in admissions):
                continue  # admitted: the stay records the disposition
            if e.get("discharge"):
                f.passed()
            else:
                day = iso(e["start"])[:10]
                f.add(False, f"{e['class']} encounter {e['n']} ({e.get('module')}) on {day} ends with no disposition")
        return f


@register
class ContinuedDisposition(Rule):
    """An encounter of ``classes`` that continues into an inpatient stay beginning within ``continued_hours`` of its
    end does not record a disposition of ``disposition_set`` (discharged home): the patient was admitted. One event
    per such encounter; death certifications left out."""

    kind = "continued_disposition"
    required = ("classes", "continued_hours", "disposition_set")

    def setup(self) -> None:
        self.dispositions = self.data.code_set(self.p["disposition_set"])

    def check(self, view: PatientView) -> Finding:
        classes = self.p["classes"]
        within = float(self.p["continued_hours"]) * HOUR
        encounters = view.entries("encounters")
        admissions = sorted(e["start"] for e in encounters if e.get("class") == "inpatient")
        f = Finding()
        for e in encounters:
            if e.get("class") not in classes or e.get("module") == "death":
                continue
            if not any(e["stop"] - HOUR <= a <= e["stop"] + within for a in admissions):
                continue  # not admitted
            disposition = e.get("discharge")
            home = disposition is not None and self.dispositions.match(disposition)
            day = iso(e["start"])[:10]
            f.add(not home, f"{e['class']} encounter {e['n']} ({e.get('module')}) on {day} admitted, discharge home")
        return f


@register
class ProcedureAfterVisit(Rule):
    """A procedure of ``procedure_set`` that needs preparing (a colonoscopy: a bowel preparation the day before) does
    not begin within ``min_hours`` of the end of an encounter of ``classes`` (the wellness visit that ordered it).
    One event per procedure."""

    kind = "procedure_after_visit"
    required = ("procedure_set", "classes", "min_hours")

    def setup(self) -> None:
        self.procedures = self.data.code_set(self.p["procedure_set"])

    def check(self, view: PatientView) -> Finding:
        classes = self.p["classes"]
        gap = float(self.p["min_hours"]) * HOUR
        ends = sorted(e["stop"] for e in view.entries("encounters") if e.get("class") in classes)
        f = Finding()
        if not ends:
            return f
        for proc in view.entries("procedures"):
            if not self.procedures.any(proc.get("codes")):
                continue
            start = proc["start"]
            soon = [end for end in ends if end <= start < end + gap]
            hours = (start - soon[-1]) / HOUR if soon else 0.0
            f.add(not soon, f"{proc['codes'][0].get('display')} {iso(start)[:16]}, {hours:.1f} h after a visit")
        return f


@register
class ObservationSwing(Rule):
    """In patients with a condition of ``condition_set``, consecutive results of ``lab_set`` taken after its onset and
    within ``within_days`` of each other differ by at most ``max_change``. One event per consecutive pair."""

    kind = "observation_swing"
    required = ("condition_set", "lab_set", "max_change", "within_days")

    def setup(self) -> None:
        self.conditions = self.data.code_set(self.p["condition_set"])
        self.lab = self.data.code_set(self.p["lab_set"])

    def check(self, view: PatientView) -> Finding:
        onsets = view.onsets(self.conditions)
        if not onsets:
            return Finding()
        series = [(t, v) for t, v, _ in view.values(self.lab) if t >= onsets[0]]
        limit, within = float(self.p["max_change"]), float(self.p["within_days"]) * DAY
        f = Finding()
        for (t0, v0), (t1, v1) in pairwise(series):
            if t1 - t0 > within:
                continue
            if abs(v1 - v0) <= limit:
                f.passed()
            else:
                f.add(False, f"{v0:g} on {iso(t0)[:10]} -> {v1:g} on {iso(t1)[:10]}")
        return f


@register
class DeathCauseShareInYears(Rule):
    """Share of deaths at ``min_age``-``max_age`` in the calendar years ``from_year``-``to_year`` (to excluded) with a
    cause of ``cause_set``, against ``band``; no figure under ``min_deaths`` deaths (a cause whose rate changed over
    the decades, such as drug overdose, judged in the era it belongs to)."""

    kind = "death_cause_share_in_years"
    band = True
    required = ("cause_set", "min_age", "max_age", "from_year", "to_year", "band")

    def setup(self) -> None:
        self.causes = self.data.code_set(self.p["cause_set"])

    def check(self, view: PatientView) -> Finding:
        if view.death is None:
            return Finding()
        age, year = view.age(view.death), to_date(view.death).year
        if not (self.p["min_age"] <= age < self.p["max_age"] and self.p["from_year"] <= year < self.p["to_year"]):
            return Finding()
        codes = (view.record.get("death") or {}).get("codes") or []
        return Finding(events=1, values=[1.0 if self.causes.any(codes) else 0.0])

    def measure(self, values: list[float]) -> float | None:
        return fmean(values) if len(values) >= int(self.param("min_deaths", 1)) else None


@register
class NoteChiefComplaint(Rule):
    """A note of a visit that had no recorded reason but diagnosed something does not give the encounter's type as
    the chief complaint ("Emergency room admission (procedure)."). One event per such note (runs with ``--notes``);
    classes in ``skip_classes`` (wellness visits, with their own template) are left out."""

    kind = "note_chief_complaint"
    required = ("skip_classes",)

    def check(self, view: PatientView) -> Finding:
        notes = view.record.get("notes") or []
        if not notes:
            return Finding()
        skip = set(self.p["skip_classes"])
        diagnosed = {c.get("encounter") for c in view.entries("conditions")}
        f = Finding()
        for note in notes:
            enc = view.encounters_by_id.get(note.get("encounter") or "")
            if enc is None or enc.get("class") in skip or enc.get("reason") or enc["id"] not in diagnosed:
                continue
            text = note.get("text") or ""
            _, _, rest = text.partition("CHIEF COMPLAINT\n")
            complaint = rest.split("\n", 1)[0].strip() if rest else ""
            shown = (enc.get("codes") or [{}])[0].get("display", "")
            if complaint == f"{shown}.":
                f.add(False, f"{note.get('title', 'note')} of {iso(enc['start'])[:10]}: chief complaint '{complaint}'")
            else:
                f.passed()
        return f


@register
class DrugReasonNotIn(Rule):
    """A drug of ``drug_class`` is not ordered for a condition of ``reason_set`` (a disease the drug does not treat:
    an analgesic 'for diabetes'). One event per order of the class that gives a reason."""

    kind = "drug_reason_not_in"
    required = ("drug_class", "reason_set")

    def setup(self) -> None:
        self.reasons = self.data.code_set(self.p["reason_set"])

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        for med in view.meds_of(self.p["drug_class"]):
            if not med.get("reason"):
                continue
            if not self.reasons.any(med["reason"]):
                f.passed()
                continue
            drug, why = med["codes"][0].get("display", "")[:40], med["reason"][0].get("display", "")
            f.add(False, f"{drug} on {iso(med['start'])[:10]} for {why}")
        return f


@register
class DeathAfterProgression(Rule):
    """A death certified as a cause of ``cause_set`` (a cancer) follows a recorded condition of ``progression_set``
    (distant metastasis, stage IV, recurrence) diagnosed before it. One event per such death."""

    kind = "death_after_progression"
    required = ("cause_set", "progression_set")

    def setup(self) -> None:
        self.causes = self.data.code_set(self.p["cause_set"])
        self.progression = self.data.code_set(self.p["progression_set"])

    def check(self, view: PatientView) -> Finding:
        death = view.record.get("death") or {}
        if view.death is None or not self.causes.any(death.get("codes")):
            return Finding()
        shown = any(c["start"] <= view.death for c in view.conditions_in(self.progression))
        f = Finding()
        f.add(shown, f"{death['codes'][0].get('display', '')} on {iso(view.death)[:10]} with no progression recorded")
        return f
