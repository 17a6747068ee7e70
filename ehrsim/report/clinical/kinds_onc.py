"""Oncology rules: a chemotherapy dose within its per-m2 band for the body-surface area the chart gives."""

from __future__ import annotations

import math

from ehrsim.errors import ConfigError
from ehrsim.record.times import iso
from ehrsim.report.clinical.base import Finding, Rule, date_time, register
from ehrsim.report.clinical.data import CodeSet
from ehrsim.report.clinical.view import PatientView

DAY = 86_400

#: Calvert's GFR cap (mL/min; FDA / NCI CTEP 2010)
_GFR_CAP = 125.0


@register
class BsaDose(Rule):
    """Each order of a listed chemotherapy ingredient has a dose in mg within its band per m2 of the BSA
    (Mosteller) from the chart's latest height and weight (``bands``: ingredient -> [low, high] mg/m2), or
    for a drug dosed to a target AUC (``calvert``: ingredient -> [low, high] AUC) within the AUC band from the
    Cockcroft-Gault clearance of the latest serum creatinine (at most 125 mL/min). An order with no dose in mg, or
    no height, weight or (for AUC) creatinine charted within ``within_days``, is a breach: the dose cannot have
    been by body size or kidney function."""

    kind = "bsa_dose"
    required = ("bands", "weight_set", "height_set", "within_days")

    def setup(self) -> None:
        for key in ("bands", "calvert"):
            bands = self.p.get(key, {})
            if not isinstance(bands, dict) or not all(
                isinstance(v, list) and len(v) == 2 and 0 < v[0] <= v[1] for v in bands.values()
            ):
                raise ConfigError(f"clinical rule {self.rule.id}: {key} must map ingredients to [low, high]")
        if self.p.get("calvert") and "creatinine_set" not in self.p:
            raise ConfigError(f"clinical rule {self.rule.id}: calvert needs creatinine_set")
        self.bands = {k.lower(): (float(v[0]), float(v[1]), False) for k, v in self.p["bands"].items()}
        self.bands.update({k.lower(): (float(v[0]), float(v[1]), True) for k, v in self.p.get("calvert", {}).items()})

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        days = float(self.p["within_days"])
        for med in view.entries("medications"):
            code = (med.get("codes") or [{}])[0]
            display = str(code.get("display") or "")
            words = display.lower().replace("/", " ").split()
            hits = [w for w in words if w in self.bands]
            if len(hits) != 1:
                continue
            low, high, by_auc = self.bands[hits[0]]
            what = f"{display} {iso(med['start'])[:10]}"
            dosage = med.get("dosage") or {}
            amount = dosage.get("amount")
            if dosage.get("dose_unit") != "mg" or not isinstance(amount, int | float) or amount <= 0:
                f.add(False, f"{what}: no dose in mg")
                continue
            weight = view.last_value_before(self.data.code_set(self.p["weight_set"]), med["start"], days)
            height_days = float(self.p.get("height_within_days", days))
            height = view.last_value_before(self.data.code_set(self.p["height_set"]), med["start"], height_days)
            if not weight or not height:
                f.add(False, f"{what}: {amount:g} mg with no height or weight charted")
                continue
            bsa = math.sqrt(height * weight / 3600.0)
            if not by_auc:
                per_m2 = amount / bsa
                f.add(low * 0.98 <= per_m2 <= high * 1.02, f"{what}: {per_m2:.0f} mg/m2 (BSA {bsa:.2f})")
                continue
            creatinine = view.last_value_before(self.data.code_set(self.p["creatinine_set"]), med["start"], days)
            if not creatinine:
                f.add(False, f"{what}: {amount:g} mg with no creatinine charted")
                continue
            age = view.age(med["start"])
            clearance = (140.0 - age) * weight / (72.0 * creatinine) * (0.85 if view.sex == "F" else 1.0)
            auc = amount / (min(clearance, _GFR_CAP) + 25.0)
            f.add(low * 0.98 <= auc <= high * 1.02, f"{what}: AUC {auc:.1f} (creatinine {creatinine:g}, {weight:g} kg)")
        return f


@register
class ClassFromAge(Rule):
    """Among patients given ``among_class`` at ``min_age`` or older, those also given ``drug_class`` at that age
    (an anthracycline among older adults' chemotherapy): one breach per patient."""

    kind = "class_from_age"
    required = ("among_class", "drug_class", "min_age")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        old = float(self.p["min_age"])
        among = [m for m in view.meds_of(self.p["among_class"]) if view.age(m["start"]) >= old]
        if not among:
            return f
        hits = [m for m in view.meds_of(self.p["drug_class"]) if view.age(m["start"]) >= old]
        first = hits[0] if hits else among[0]
        name = (first.get("codes") or [{}])[0].get("display", "")
        f.add(not hits, f"{name} {iso(first['start'])[:10]} at age {view.age(first['start']):.1f}")
        return f


@register
class TreatedAfterCodedResults(Rule):
    """A drug class started within ``max_days`` of coded results that together define a disease state (stage 4 with
    ER positive and HER2 negative results: hormone-receptor-positive metastatic breast cancer gets endocrine therapy).

    ``results``: [{"set": observation code set, "value_set": coded value set}, ...]; the state holds from the first
    result of the first entry with a match of every other entry within ``within_days``. Patients whose record ends
    within ``max_days`` of it, or before ``since``, are not judged.
    """

    kind = "treated_after_coded_results"
    required = ("results", "drug_class", "max_days", "within_days")

    def setup(self) -> None:
        self.results = [(self.data.code_set(r["set"]), self.data.code_set(r["value_set"])) for r in self.p["results"]]
        self.since = date_time(self.param("since"))

    def _times(self, view: PatientView, codes: CodeSet, values: CodeSet) -> list[int]:
        return [
            int(o["time"])
            for o in view.entries("observations")
            if codes.any(o.get("codes")) and isinstance(o.get("value"), dict) and values.match(o["value"])
        ]

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        near = float(self.p["within_days"]) * DAY
        found = [self._times(view, codes, values) for codes, values in self.results]
        start = next((t for t in found[0] if all(any(abs(u - t) <= near for u in times) for times in found[1:])), None)
        days = float(self.p["max_days"])
        if start is None or start < self.since or view.end < start + days * DAY:
            return f
        f.applicable = True
        given = [m for m in view.meds_of(self.p["drug_class"]) if start - near <= m["start"] <= start + days * DAY]
        f.add(bool(given), f"no {self.p['drug_class'].replace('_', ' ')} within {days:g} days of {iso(start)[:10]}")
        return f


@register
class ReportNamesKnownCondition(Rule):
    """An imaging report of ``study_set`` written while a condition of ``condition_set`` (a known cancer of the
    region the study shows) is active names one of them among its conclusion codes: a report that concludes
    normal, or on something else, while the chart carries a malignancy of that region contradicts the chart.
    Conditions diagnosed after the study (the report that found them) are not judged."""

    kind = "report_names_condition"
    required = ("study_set", "condition_set")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        known = view.conditions_in(self.data.code_set(self.p["condition_set"]))
        if not known:
            return f
        studies = self.data.code_set(self.p["study_set"])
        for report in view.entries("reports"):
            if not studies.any(report.get("codes")):
                continue
            t = report["time"]
            active = [c for c in known if view.active(c, t)]
            if not active:
                continue
            named = {c.get("code") for c in report.get("conclusion_codes") or ()}
            if any(c["codes"][0].get("code") in named for c in active):
                f.passed()
                continue
            study = (report.get("codes") or [{}])[0].get("display", "")
            cancer = active[0]["codes"][0].get("display", "")
            f.add(False, f"{iso(int(t))[:10]} {study}: '{report.get('conclusion', '')}' with {cancer} on the record")
        return f


@register
class ProcedureWhenEligible(Rule):
    """Each procedure of ``procedure_set`` (a screening low-dose CT) is done at ``min_age``-``max_age`` with the
    latest result of ``value_set`` charted before it (pack-years) at ``min_value`` or more; ``min_age_before`` and
    ``min_value_before`` ({"date": D, ...}) give the older criteria that held before D (USPSTF 2013 until March
    2021). A procedure with no result charted is a breach: eligibility must be documented (CMS NCD 210.14)."""

    kind = "procedure_when_eligible"
    required = ("procedure_set", "value_set", "min_value", "min_age", "max_age")

    def setup(self) -> None:
        self.since = date_time(self.param("since"))
        self.age_before = self.param("min_age_before") or {}
        self.value_before = self.param("min_value_before") or {}
        self.age_until = date_time(self.age_before.get("date"))
        self.value_until = date_time(self.value_before.get("date"))

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        screens = self.data.code_set(self.p["procedure_set"])
        charted = view.values(self.data.code_set(self.p["value_set"]))
        for proc in view.entries("procedures"):
            t = proc["start"]
            if t < self.since or not screens.any(proc.get("codes")):
                continue
            min_age = float(self.age_before["min_age"] if t < self.age_until else self.p["min_age"])
            minimum = float(self.value_before["min"] if t < self.value_until else self.p["min_value"])
            age = view.age(t)
            before = [v for when, v, _ in charted if when <= t]
            what = f"{iso(int(t))[:10]} at {age:.1f}"
            if not min_age <= age < float(self.p["max_age"]) + 1:
                f.add(False, f"{what}: outside ages {min_age:g}-{self.p['max_age']:g}")
            elif not before:
                f.add(False, f"{what}: no {self.p['value_set'].replace('_', ' ')} charted")
            elif before[-1] < minimum:
                f.add(False, f"{what}: {before[-1]:g} {self.p['value_set'].replace('_', ' ')} (below {minimum:g})")
            else:
                f.passed()
        return f
