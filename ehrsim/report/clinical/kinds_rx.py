"""Prescribing rules: allergies, interacting drugs, renal limits, approval dates, children, lifecycle."""

from __future__ import annotations

from typing import Any

from ehrsim.record.times import DAY, iso
from ehrsim.report.clinical.base import HOUR, Finding, Rule, date_time, register
from ehrsim.report.clinical.view import Entry, PatientView


def _name(med: Entry) -> str:
    code = (med.get("codes") or [{}])[0]
    return f"{code.get('display', '?')} ({code.get('code', '')}) {iso(med['start'])}"


@register
class AllergyDrug(Rule):
    """A drug of a class the patient is allergic to, ordered after the allergy was recorded."""

    kind = "allergy_drug"
    required = ("allergy_set", "drug_class")

    def setup(self) -> None:
        self.allergy = self.data.code_set(self.p["allergy_set"])
        self.data.drug_class(self.p["drug_class"])

    def check(self, view: PatientView) -> Finding:
        recorded = [
            a["start"]
            for a in (*view.entries("allergies"), *view.entries("conditions"))
            if self.allergy.any(a.get("codes"))
        ]
        if not recorded:
            return Finding()
        since = min(recorded)
        f = Finding(applicable=True)
        for med in view.meds_of(self.p["drug_class"]):
            if med["start"] >= since:
                f.add(False, f"{_name(med)} after allergy recorded {iso(since)}")
        return f


@register
class DrugPair(Rule):
    """Two drug classes that must not overlap (with a washout between them); with ``class_c``, three that must not
    all overlap at once (an NSAID with an ACE inhibitor or ARB and a diuretic: pairwise-overlapping spans share a
    moment)."""

    kind = "drug_pair"
    required = ("class_a", "class_b")

    def check(self, view: PatientView) -> Finding:
        washout = float(self.param("washout_hours", 0)) * HOUR
        a_meds = view.meds_of(self.p["class_a"])
        if self.param("running_only", False):  # concomitant therapy only: a one-off dose given at a visit aside
            a_meds = [m for m in a_meds if m.get("chronic") or not m.get("administered")]
        if not a_meds:
            return Finding()
        b_meds = view.meds_of(self.p["class_b"])
        c_meds = view.meds_of(self.p["class_c"]) if "class_c" in self.p else None
        f = Finding()

        def overlap(x: dict[str, Any], y: dict[str, Any]) -> bool:
            return x is not y and y["start"] < view.stop_of(x) + washout and x["start"] < view.stop_of(y) + washout

        for a in a_meds:
            clash = next(
                (
                    b
                    for b in b_meds
                    if overlap(a, b)
                    and (c_meds is None or any(overlap(a, c) and (c is b or overlap(b, c)) for c in c_meds))
                ),
                None,
            )
            f.add(clash is None, f"{_name(a)} overlaps {_name(clash)}" if clash else "")
        return f


@register
class DrugWithCondition(Rule):
    """A drug class active while a condition that contraindicates it is active."""

    kind = "drug_condition"
    required = ("drug_class", "condition_set")

    def setup(self) -> None:
        self.conditions = self.data.code_set(self.p["condition_set"])

    def check(self, view: PatientView) -> Finding:
        conds = view.conditions_in(self.conditions)
        if not conds:
            return Finding()
        f = Finding(applicable=True)
        for med in view.meds_of(self.p["drug_class"]):
            hit = next((c for c in conds if c["start"] < view.stop_of(med) and med["start"] < view.stop_of(c)), None)
            f.add(hit is None, f"{_name(med)} while {(hit or {}).get('codes', [{}])[0].get('display', '')} active")
        return f


@register
class DrugWithLab(Rule):
    """A drug class active when a result falls below a limit (metformin at eGFR < 30)."""

    kind = "drug_lab"
    required = ("drug_class", "lab_set", "below")

    def setup(self) -> None:
        self.lab = self.data.code_set(self.p["lab_set"])

    def check(self, view: PatientView) -> Finding:
        meds = view.meds_of(self.p["drug_class"])
        if not meds:
            return Finding()
        f = Finding(applicable=True)
        for t, value, _ in view.values(self.lab):
            med = next((m for m in meds if view.active(m, t)), None)
            if med is not None:
                f.add(value >= self.p["below"], f"{_name(med)} active at result {value:g} on {iso(t)}")
        return f


@register
class DrugBeforeApproval(Rule):
    """An order dated before the product's first US approval (Drugs@FDA)."""

    kind = "drug_approval"

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        for med in view.entries("medications"):
            display = " ".join(c.get("display") or "" for c in med.get("codes") or ())
            ap = self.data.approval_of(display)
            if ap is not None:
                f.add(med["start"] >= ap.time, f"{_name(med)} before {ap.product} approval {ap.date}")
        return f


@register
class DrugMinWeight(Rule):
    """A fixed-dose product below the body weight it is labelled for (adult epinephrine auto-injector)."""

    kind = "drug_min_weight"
    required = ("drug_class", "min_weight_kg", "weight_set")

    def setup(self) -> None:
        self.weight = self.data.code_set(self.p["weight_set"])

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        for med in view.meds_of(self.p["drug_class"]):
            kg = view.last_value_before(self.weight, med["start"] + DAY, 365)
            if kg is None:  # no weight: judge by age (the label's weight is reached at about this age)
                ok = view.age(med["start"]) >= float(self.param("fallback_min_age", 0))
                f.add(ok, f"{_name(med)} at age {view.age(med['start']):.1f}, no weight recorded")
            else:
                f.add(kg >= self.p["min_weight_kg"], f"{_name(med)} at {kg:g} kg, age {view.age(med['start']):.1f}")
        return f


@register
class DrugFormAge(Rule):
    """A dose form children of that age cannot take (tablets and capsules under 6), or a young child's product at an
    age it is not for (optional ``min_age``: orders from that age to ``max_age`` are judged; optional ``max_units``:
    only a dose of at most that many units breaks, e.g. one 5 mg chewable where the age takes two)."""

    kind = "drug_form_age"
    required = ("form_class", "max_age")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        forms = {m["id"] for m in view.meds_of(self.p["form_class"])}
        low, units = self.p.get("min_age", 0), self.p.get("max_units")
        for med in view.entries("medications"):
            if low <= view.age(med["start"]) < self.p["max_age"]:
                amount = (med.get("dosage") or {}).get("amount")
                too_little = units is None or (amount is not None and amount <= units)
                f.add(med["id"] not in forms or not too_little, f"{_name(med)} at age {view.age(med['start']):.1f}")
        return f


@register
class DoseUnit(Rule):
    """A dosage states its dose quantity with a unit (``params.fields`` names the dosage keys accepted)."""

    kind = "dose_unit"
    required = ("fields",)

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        for med in view.entries("medications"):
            dosage = med.get("dosage")
            if dosage:
                f.add(any(dosage.get(k) for k in self.p["fields"]), f"{_name(med)} dose {dosage.get('amount')} no unit")
        return f


@register
class DoseUnitForm(Rule):
    """A unit-dose unit names the product's form: "1 {capsule}" of a tablet is a copied unit (``forms``: unit ->
    the word of its form in the RxNorm name); a product naming neither form (an inhalation powder in capsules) is
    not judged."""

    kind = "dose_unit_form"
    required = ("forms",)

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        forms: dict[str, str] = self.p["forms"]
        for med in view.entries("medications"):
            unit = (med.get("dosage") or {}).get("dose_unit")
            if unit not in forms:
                continue
            words = set(str((med.get("codes") or [{}])[0].get("display", "")).split())
            if not words & set(forms.values()):
                continue
            f.add(forms[unit] in words, f"{_name(med)} dosed in {unit}")
        return f


@register
class OneOffEnds(Rule):
    """A one-off administration (given in an encounter, not prescribed to take home) ends with its encounter.

    It may last as long as the stay (an intravenous course in hospital) plus ``max_days``; without an
    encounter, ``max_days`` from its start. A device of ``except_set`` (an IUS, an implant) stays in place.
    """

    kind = "one_off_ends"
    required = ("max_days",)

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        slack = self.p["max_days"] * DAY
        devices = self.data.code_set(self.p["except_set"]) if "except_set" in self.p else None
        for med in view.entries("medications"):
            if not med.get("administered") or med.get("chronic"):
                continue
            if devices is not None and devices.any(med.get("codes")):
                continue
            enc = view.encounters_by_id.get(med.get("encounter") or "")
            limit = max(med["start"], enc["stop"] if enc else med["start"]) + slack
            stop = med.get("stop")
            length = (view.stop_of(med) - med["start"]) / DAY
            where = f" (encounter ends {iso(enc['stop'])})" if enc else ""
            f.add(
                stop is not None and stop <= limit,
                f"{_name(med)} {'never ends' if stop is None else f'lasts {length:.0f} days'}{where}",
            )
        return f


@register
class DuplicateTherapy(Rule):
    """Two different orders of the same class active together for longer than a switch-over."""

    kind = "duplicate_therapy"
    required = ("drug_classes", "min_overlap_days")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        for cls in self.p["drug_classes"]:
            meds = sorted(view.meds_of(cls), key=lambda m: m["start"])
            for i, med in enumerate(meds):
                dup = next(
                    (
                        o
                        for o in meds[:i]
                        if min(view.stop_of(o), view.stop_of(med)) - med["start"] > self.p["min_overlap_days"] * DAY
                    ),
                    None,
                )
                f.add(dup is None, f"{cls}: {_name(med)} while {_name(dup)} active" if dup else "")
        return f


@register
class DrugForCondition(Rule):
    """A drug class the guidelines advise against for a condition (antibiotics for acute bronchitis)."""

    kind = "drug_for_condition"
    required = ("drug_class", "condition_set")

    def setup(self) -> None:
        self.conditions = self.data.code_set(self.p["condition_set"])

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        window = float(self.param("window_days", 3)) * DAY
        meds = view.meds_of(self.p["drug_class"])
        for cond in view.conditions_in(self.conditions):
            hit = next(
                (
                    m
                    for m in meds
                    if self.conditions.any(m.get("reason"))
                    and cond["start"] - DAY <= m["start"] <= cond["start"] + window
                ),
                None,
            )
            f.add(hit is None, f"{_name(hit)} for {iso(cond['start'])} episode" if hit else "")
        return f


@register
class TreatmentWithin(Rule):
    """A condition that needs treatment gets a drug of the class within a delay (HIV and antiretrovirals)."""

    kind = "treatment_within"
    required = ("condition_set", "drug_class", "max_days")

    def setup(self) -> None:
        self.conditions = self.data.code_set(self.p["condition_set"])
        self.since = date_time(self.param("since"))

    def check(self, view: PatientView) -> Finding:
        onsets = view.onsets(self.conditions)
        if not onsets:
            return Finding()
        onset = max(onsets[0], self.since)
        limit = onset + self.p["max_days"] * DAY
        if limit > view.end:
            return Finding()
        treated = any(m["start"] <= limit and view.stop_of(m) >= onset for m in view.meds_of(self.p["drug_class"]))
        f = Finding()
        f.add(treated, f"diagnosed {iso(onsets[0])}, no {self.p['drug_class']} by {iso(int(limit))}")
        return f


_UNITS = frozenset({"MG", "ML", "HR", "ACTUAT", "UNT", "MCG", "MEQ", "%"})


def drug_form_key(display: str) -> str:
    """The drug and form without strength or pack size: "24 HR metformin ... 500 MG Extended Release Oral Tablet"
    gives "metformin hydrochloride extended release oral tablet"."""
    words = [w for w in display.split() if not any(ch.isdigit() for ch in w) and w.upper().split("/")[0] not in _UNITS]
    return " ".join(w for w in words if not w.startswith("[")).lower()


@register
class StrengthVariety(Rule):
    """Among drugs ordered often, the share ordered in more than one strength (doses follow the patient)."""

    kind = "strength_variety"
    band = True
    required = ("min_orders", "band")

    def check(self, view: PatientView) -> Finding:
        values = []
        for med in view.entries("medications"):
            code = (med.get("codes") or [{}])[0]
            values.append((drug_form_key(code.get("display") or ""), code.get("code")))
        return Finding(events=len(values), values=values)

    def measure(self, values: list[Any]) -> float | None:
        orders: dict[str, int] = {}
        codes: dict[str, set[str]] = {}
        for key, code in values:
            orders[key] = orders.get(key, 0) + 1
            codes.setdefault(key, set()).add(code)
        often = [k for k, n in orders.items() if n >= self.p["min_orders"]]
        return sum(len(codes[k]) > 1 for k in often) / len(often) if often else None

    def detail(self, values: list[Any]) -> str:
        orders: dict[str, set[str]] = {}
        for key, code in values:
            orders.setdefault(key, set()).add(code)
        return f"{len(orders)} drug forms ordered; {sum(len(c) > 1 for c in orders.values())} in several strengths"


@register
class WeightBasedDose(Rule):
    """Children's doses of weight-dosed drugs (antibiotics, analgesics) are per kilogram of body weight."""

    kind = "weight_based_dose"
    required = ("drug_class", "max_age", "fields")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        for med in view.meds_of(self.p["drug_class"]):
            dosage = med.get("dosage")
            if not dosage or view.age(med["start"]) >= self.p["max_age"]:
                continue
            units = " ".join(str(dosage.get(k) or "") for k in ("dose_unit", "amount_unit", "unit"))
            ok = "/kg" in units or any(dosage.get(k) for k in self.p["fields"])
            f.add(ok, f"{_name(med)} at age {view.age(med['start']):.1f}: dose {dosage.get('amount')} not per kg")
        return f
