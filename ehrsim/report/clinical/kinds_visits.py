"""Visit rules: what happens in a visit fits its class (no examination or specimen at a telehealth visit) and the
patient's age (no strep test in a toddler with a viral sore throat)."""

from __future__ import annotations

from ehrsim.record.times import DAY, iso
from ehrsim.report.clinical.base import Finding, Rule, register
from ehrsim.report.clinical.view import PatientView


@register
class VirtualVisitInPerson(Rule):
    """A virtual (telehealth) visit holds no procedure of ``procedure_set``, no observation of ``categories``
    (a specimen or an instrument), no immunization and no administered drug. One event per virtual visit."""

    kind = "virtual_visit_in_person"
    required = ("procedure_set", "categories")

    def setup(self) -> None:
        self.procedures = self.data.code_set(self.p["procedure_set"])
        self.categories = frozenset(self.p["categories"])

    def check(self, view: PatientView) -> Finding:
        virtual = {e["id"]: e for e in view.entries("encounters") if e.get("class") == "virtual"}
        if not virtual:
            return Finding()
        found: dict[str, str] = {}
        for p in view.entries("procedures"):
            if p.get("encounter") in virtual and self.procedures.any(p.get("codes")):
                found.setdefault(p["encounter"], p["codes"][0].get("display", ""))
        for o in view.entries("observations"):
            if o.get("encounter") in virtual and o.get("category") in self.categories:
                found.setdefault(o["encounter"], o["codes"][0].get("display", ""))
        for v in view.entries("immunizations"):
            if v.get("encounter") in virtual:
                found.setdefault(v["encounter"], v["codes"][0].get("display", ""))
        for m in view.entries("medications"):
            if m.get("administered") and m.get("encounter") in virtual:
                found.setdefault(m["encounter"], m["codes"][0].get("display", ""))
        f = Finding()
        for enc_id in virtual:
            what = found.get(enc_id)
            f.add(what is None, f"virtual visit with {what}")
        return f


@register
class TestMinAge(Rule):
    """A test of ``lab_set`` is done from ``min_age`` years, unless it found what it looks for: a condition of
    ``found_set`` diagnosed within a day of it. One event per test."""

    kind = "test_min_age"
    required = ("lab_set", "min_age", "found_set")

    def setup(self) -> None:
        self.lab = self.data.code_set(self.p["lab_set"])
        self.found = self.data.code_set(self.p["found_set"])

    def check(self, view: PatientView) -> Finding:
        tests = [o for o in view.entries("observations") if self.lab.any(o.get("codes"))]
        if not tests:
            return Finding()
        young = view.at_age(self.p["min_age"])
        found = [c["start"] for c in view.conditions_in(self.found)]
        f = Finding()
        for o in tests:
            t = o["time"]
            ok = t >= young or any(abs(c - t) <= DAY for c in found)
            f.add(ok, f"{o['codes'][0].get('display', '')[:40]} on {iso(t)[:10]} before age {self.p['min_age']}")
        return f


@register
class VisitDiagnosisReason(Rule):
    """An encounter of ``classes`` in which a condition is diagnosed states a reason (the visit diagnosis every
    EHR lists for a sick visit: FHIR Encounter.reasonCode). One event per such encounter."""

    kind = "visit_diagnosis_reason"
    required = ("classes",)

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        classes = self.p["classes"]
        diagnosed = {c.get("encounter") for c in view.entries("conditions")}
        for enc in view.entries("encounters"):
            if enc["class"] in classes and enc["id"] in diagnosed:
                f.add(bool(enc.get("reason")), f"{enc['class']} encounter {enc['n']} on {iso(enc['start'])[:10]}")
        return f


@register
class FirstVisitAfterBirthStay(Rule):
    """The first wellness visit after a birth stay (an inpatient stay that starts at birth) starts at least
    ``min_hours`` after its discharge. One event per newborn with a stay and a later wellness visit."""

    kind = "first_visit_after_birth_stay"
    required = ("min_hours",)

    def check(self, view: PatientView) -> Finding:
        born = view.birth
        stays = [e for e in view.entries("encounters") if e["class"] == "inpatient" and e["start"] == born]
        if not stays or stays[0].get("stop") is None:
            return Finding()
        stop = stays[0]["stop"]
        visits = [e["start"] for e in view.entries("encounters") if e["class"] == "wellness" and e["start"] >= born]
        if not visits:
            return Finding()
        first = min(visits)
        f = Finding()
        hours = (first - stop) / 3600.0
        f.add(hours >= self.p["min_hours"], f"first well visit {iso(first)} {hours:.1f} h after discharge {iso(stop)}")
        return f
