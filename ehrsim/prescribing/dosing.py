"""What an order becomes once the drug is chosen: the form for a child, the strength, the dose with its unit.

Functions of the ``Pharmacy`` (pharmacy.py) that write on the order's fields; data in
terminology/prescribing/ (paediatric.csv, strengths.csv, dosing.csv, dose_limits.csv); when a limit or a titration
target applies is ``dose_rules.py``.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from ehrsim.core.tables import rows
from ehrsim.errors import EhrsimError
from ehrsim.prescribing import courses, label_doses, older_adults
from ehrsim.prescribing import strength as strengths
from ehrsim.prescribing.dose_rules import above, limit_applies, on_target

if TYPE_CHECKING:
    from ehrsim.prescribing.patient import Patient
    from ehrsim.prescribing.pharmacy import Pharmacy
    from ehrsim.prescribing.tables import Product

DAY = 86400.0
SOLID_UNDER = 6.0  # years: tablets and capsules are unsuitable (EMA paediatric formulations, 2006)
CHEWABLE_UNDER = 2.0
WEIGHT_DOSE_UNDER = 12.0  # years: doses of the drugs in paediatric.csv are by weight
#: the delivered volume of a prefilled device, from its RxNorm name ("0.3 ML epinephrine 1 MG/ML Auto-Injector")
_DEVICE_VOLUME = re.compile(r"(?:^|\s)(\d+(?:\.\d+)?) ML ")
#: a powder vial's strength, from its RxNorm name ("ceftriaxone 1000 MG Injection")
_VIAL_MG = re.compile(r"^\S+ (\d+(?:\.\d+)?) MG Injection$")


class DrawnDose(NamedTuple):
    in_place_of_form: str
    mg_per_kg: float
    max_mg: float
    step_ml: float


@cache
def drawn_doses() -> dict[str, DrawnDose]:
    """rxcui -> the dose drawn up from it in place of a device (drawn_doses.csv)."""
    out = {
        r["rxcui"]: DrawnDose(r["in_place_of_form"], float(r["mg_per_kg"]), float(r["max_mg"]), float(r["step_ml"]))
        for r in rows("prescribing/drawn_doses.csv")
    }
    if any(d.step_ml <= 0 or d.max_mg <= 0 for d in out.values()):
        raise EhrsimError("prescribing/drawn_doses.csv: step_ml and max_mg must be positive")
    return out


@cache
def outgrown_products() -> dict[str, tuple[float, str, float]]:
    """rxcui of a young child's product -> (age from which it is not given, rxcui of the older child's product, its
    units a dose: two acetaminophen 325 mg tablets from 12 years)."""
    return {
        r["rxcui"]: (float(r["from_age"]), r["adult_rxcui"], float(r["adult_units"]))
        for r in rows("prescribing/outgrown.csv")
    }


def paediatric(
    ph: Pharmacy, fields: dict[str, Any], chosen: Product, patient: Patient, ordered: dict[str, str], t: float
) -> Product:
    """A liquid for young children when the product is a tablet or capsule; a young child's product (a 5 mg
    chewable) gives way to the older child's at its age, so a renewal does not carry it on (outgrown.csv)."""
    outgrown = outgrown_products().get(chosen.code)
    if outgrown is not None and patient.age >= outgrown[0]:
        older = ph.rx.products[outgrown[1]]
        if ph.problem(older, patient) is None:
            before = _swap(fields, older, ordered, ("substituted", "", ""), "form", "outgrown")
            if fields.get("dosage") is not None:  # the older product's units a dose, not the child's count
                fields["dosage"] = {**fields["dosage"], "amount": outgrown[2]}
            ph.log(
                t,
                "paediatric_form",
                "outgrown",
                f"{chosen.display} is for younger children",
                before,
                fields["codes"][0],
            )
            return older
    if patient.age >= SOLID_UNDER:
        return chosen
    if chosen.form not in ("oral_solid", "sublingual") and not (
        chosen.form == "chewable" and patient.age < CHEWABLE_UNDER
    ):
        return chosen
    paed = ph.rx.paediatric.get(chosen.key)
    if paed is None:
        return chosen
    liquid = ph.rx.products[paed.liquid]
    why = "liquid form under 6 years"
    if ph.problem(liquid, patient) is not None:  # not yet marketed: the era's liquid, if any
        era = _era_liquid(ph, chosen, patient)
        if era is None:
            return chosen
        liquid, why = era, f"liquid form under 6 years ({liquid.display} not yet available)"
    before = _swap(fields, liquid, ordered, ("substituted", "", ""), "form", "paediatric_liquid")
    ph.log(t, "paediatric_form", "paediatric_liquid", why, before, fields["codes"][0])
    return liquid


def _era_liquid(ph: Pharmacy, chosen: Product, patient: Patient) -> Product | None:
    """The first liquid of alternatives group ``paediatric:<drug>`` that may be given now (e.g. cefaclor
    suspension before cefuroxime's suspension was marketed)."""
    for alt in ph.rx.alternatives.get(f"paediatric:{chosen.key}", ()):
        product = ph.rx.products[alt.code]
        ok = alt.min_age <= patient.age < alt.max_age and product.form == "oral_liquid"
        if ok and ph.problem(product, patient) is None:
            return product
    return None


def strength(
    ph: Pharmacy,
    fields: dict[str, Any],
    chosen: Product,
    patient: Patient,
    ordered: dict[str, str],
    t: float,
    previous: dict[str, Any] | None,
) -> Product:
    """The strength for this patient now (strength.py): start dose, titration step or dose limit."""
    plan = ph.rx.plans.get(chosen.code)
    if plan is None or (patient.age < WEIGHT_DOSE_UNDER and chosen.key in ph.rx.paediatric):
        return chosen  # no strength plan, or a child's dose by weight
    prev = None
    if previous is not None:
        prev_mg = plan.mg_of(previous["codes"][0]["code"])
        prev = (prev_mg, float(previous["start"])) if prev_mg is not None else None
    ordered_mg = plan.mg_of(ordered["code"]) or plan.mg_of(chosen.code)
    mg, why = strengths.choose(
        plan,
        patient,
        lambda lim: limit_applies(ph, lim, patient, fields.get("reason") or (), bool(fields.get("administered"))),
        lambda measure, threshold, since: above(
            ph, measure, older_adults.threshold(ph, patient, measure, threshold), since
        ),
        lambda share: bool(ph.rng().random() < share),
        ordered_mg,
        prev,
        lambda measure, threshold, since: on_target(ph, measure, threshold, since),
    )
    if prev is not None and older_adults.bp_step_down(ph, chosen, patient, prev[1], fields.get("reason")):
        lower = max((s for s, _ in plan.ladder if s < mg - 1e-9), default=None)
        if lower is not None:  # severe dementia at a systolic below 130 (STOPPFrail v2 2021)
            mg, why = lower, "stepped down: systolic below 130 in severe dementia"
    code = plan.code_for(mg)
    if code == chosen.code:
        return chosen
    product = ph.rx.products[code]
    if ph.problem(product, patient) is not None:
        return chosen
    before = _swap(fields, product, ordered, ("strength", "dose_selection", why), "strength", why)
    if previous is None or previous["codes"][0]["code"] != code:
        ph.log(t, "strength", "dose_selection", why, before, fields["codes"][0])
    return product


def _swap(
    fields: dict[str, Any],
    product: Product,
    ordered: dict[str, str],
    note_if_new: tuple[str, str, str],
    key: str,
    value: str,
) -> dict[str, Any]:
    """Put ``product`` on the order and say why in its prescribing note (a new note when the order has none).

    Returns the code the order carried before, for the prescribing log.
    """
    before: dict[str, Any] = fields["codes"][0]
    fields["codes"] = [product.as_code()]
    fields.setdefault("ordered", dict(ordered))
    action, rule, reason = note_if_new
    note = fields.get("prescribing") or {"action": action, "rule": rule, "reason": reason, "ordered": dict(ordered)}
    note[key] = value
    fields["prescribing"] = note
    return before


def previous(ph: Pharmacy, chosen: Product, t: float) -> dict[str, Any] | None:
    """The running order of the same drug (another strength of it) that a new order continues."""
    plan = ph.rx.plans.get(chosen.code)
    if plan is None and chosen.code not in ph.rx.insulin:
        return None  # nothing continues from a previous order (the common case: no walk over active orders)
    for entry, product in ph._current(t):
        if product is not None and (product is chosen or (plan is not None and ph.rx.plans.get(product.code) is plan)):
            return entry
    return _just_ended(ph, chosen, plan, t)


def _just_ended(ph: Pharmacy, chosen: Product, plan: strengths.Plan | None, t: float) -> dict[str, Any] | None:
    """An order of the same drug a module ended in the last day (MedicationEnd, not a stop of the layer's): the new
    order continues that course at its dose. The chart review found donepezil 10 mg cut to the 5 mg start dose when
    the dementia module ended it to order the donepezil/memantine capsule (donepezil 10 mg alone before 2015)."""
    for entry in reversed(ph.sim.rec.lists["medications"]):  # only when a plan's drug starts with none running
        stop = entry["stop"]
        if stop is None or not t - DAY <= stop <= t or (entry.get("prescribing") or {}).get("stopped"):
            continue
        if entry.get("administered") and not entry.get("chronic"):
            continue  # a dose given at a visit is no course
        product = ph.rx.products.get(entry["codes"][0]["code"])
        if product is not None and (product is chosen or (plan is not None and ph.rx.plans.get(product.code) is plan)):
            return entry
    return None


def dose(
    ph: Pharmacy, fields: dict[str, Any], chosen: Product, patient: Patient, previous: dict[str, Any] | None = None
) -> None:
    """Give the dose a unit; a child's dose is by weight (mg/kg, capped at the adult dose)."""
    paed = ph.rx.paediatric.get(chosen.key)
    reasons = {r.get("code") for r in fields.get("reason") or ()}
    for codes, by_reason in ph.rx.paediatric_reason.get(chosen.key, ()):
        if reasons & codes:
            paed = by_reason
            break
    vial = _VIAL_MG.match(chosen.display) if paed is not None and chosen.form == "injection" else None
    per_unit = chosen.mg_per_ml or chosen.mg_per_unit or (float(vial.group(1)) if vial else None)
    if paed is not None and per_unit and patient.age < WEIGHT_DOSE_UNDER:
        weight = patient.weight()
        mg = round(min(paed.mg_per_kg * weight, paed.max_mg), 1)
        dosage = {
            "amount": mg,
            "frequency": paed.per_day,
            "period": 1.0,
            "unit": "days",
            "dose_unit": "mg",
            "mg_of": chosen.ingredients[0],
            "mg_per_kg": paed.mg_per_kg,
            "weight_kg": round(weight, 1),
        }
        if chosen.mg_per_ml:
            dosage["volume_ml"] = round(mg / chosen.mg_per_ml, 1)
        elif vial is not None:  # a part of the reconstituted vial: the dose stays in mg (a 1 g vial, 300 mg given)
            pass
        elif (low := courses.courses().min_mg_per_kg.get(chosen.key)) is not None:
            _whole_units(ph, fields, chosen, patient, dosage, paed, low)
        else:  # whole or half tablets, at least half of one
            dosage["units_per_dose"] = max(0.5, round(mg / per_unit * 2) / 2)
        fields["dosage"] = dosage
    elif chosen.code in ph.rx.insulin:
        fields["dosage"] = insulin(ph, fields.get("dosage"), ph.rx.insulin[chosen.code], patient, previous)
    elif fields.get("dosage") is not None and chosen.dose_unit:
        fields["dosage"] = {**fields["dosage"], "dose_unit": chosen.dose_unit}
        _one_unit_of_strength(ph, fields, chosen, patient)
        volume = _DEVICE_VOLUME.search(chosen.display) if chosen.form == "auto_injector" else None
        if volume is not None:  # one auto-injector dose is the device's volume (EpiPen 0.3 mL), not 1 mL
            fields["dosage"]["amount"] = float(volume.group(1))
        _drawn_dose(ph, fields, chosen, patient)
    if chosen.code in label_doses.label_doses():  # a pen ordered without a dose: the label's, in mg
        label_doses.apply(fields, chosen.code)


def _drawn_dose(ph: Pharmacy, fields: dict[str, Any], chosen: Product, patient: Patient) -> None:
    """An ampoule given in place of a device (before the auto-injector) is drawn up by weight, not as "1 mL"."""
    drawn = drawn_doses().get(chosen.code)
    ordered = ph.rx.products.get((fields.get("ordered") or {}).get("code", ""))
    if drawn is None or ordered is None or ordered.form != drawn.in_place_of_form or not chosen.mg_per_ml:
        return
    weight = patient.weight()
    mg = min(drawn.mg_per_kg * weight, drawn.max_mg)
    ml = max(drawn.step_ml, round(mg / chosen.mg_per_ml / drawn.step_ml) * drawn.step_ml)
    fields["dosage"]["amount"] = round(ml, 2)
    fields["dosage"]["weight_kg"] = round(weight, 1)


def _in_units(
    ph: Pharmacy,
    fields: dict[str, Any],
    patient: Patient,
    dosage: dict[str, Any],
    product: Product,
    n: int,
    why: str | None,
) -> None:
    """Give ``n`` whole units of ``product``; ``why`` (None when the product is already the order's) is the
    strength change logged when another product is swapped in."""
    if why is not None:
        ordered = fields.get("ordered") or fields["codes"][0]
        before = _swap(fields, product, ordered, ("strength", "dose_selection", why), "strength", why)
        ph.log(patient.t, "strength", "dose_selection", why, before, fields["codes"][0])
    dosage["amount"] = round(n * float(product.mg_per_unit or 0), 1)
    dosage["units_per_dose"] = float(n)


def _whole_units(
    ph: Pharmacy,
    fields: dict[str, Any],
    chosen: Product,
    patient: Patient,
    dosage: dict[str, Any],
    paed: Any,
    low: float,
) -> None:
    """A child's tablets or chewables in whole units of a strength that fits the weight (amount = what is
    given), else the liquid (a dose between whole tablets is not measurable: s5review chart review)."""
    weight, mg = float(dosage["weight_kg"]), float(dosage["amount"])
    fit = courses.whole_units(ph, chosen, weight, mg, low)
    if fit is not None:
        product, n = fit
        why = "whole tablets for the weight-based dose"
        _in_units(ph, fields, patient, dosage, product, n, why if product is not chosen else None)
        return
    adult = _adult_tablets(ph, chosen, patient, mg) if patient.age >= SOLID_UNDER and mg >= paed.max_mg else None
    if adult is not None:  # a school-age child at the adult dose takes adult tablets, not 31 mL of syrup
        product, n = adult
        _in_units(ph, fields, patient, dosage, product, n, "adult tablets: the weight-based dose is the adult dose")
        return
    liquid = ph.rx.products[paed.liquid]
    if ph.problem(liquid, patient) is None and liquid.mg_per_ml:
        ordered = fields.get("ordered") or fields["codes"][0]
        why = "liquid: no whole-tablet dose fits the weight"
        before = _swap(fields, liquid, ordered, ("substituted", "", ""), "form", "paediatric_liquid")
        ph.log(patient.t, "paediatric_form", "paediatric_liquid", why, before, fields["codes"][0])
        dosage["mg_of"] = liquid.ingredients[0]
        dosage["volume_ml"] = round(mg / liquid.mg_per_ml, 1)
        return
    per_unit = float(chosen.mg_per_unit or 1.0)
    dosage["units_per_dose"] = max(0.5, round(mg / per_unit * 2) / 2)


def _adult_tablets(ph: Pharmacy, chosen: Product, patient: Patient, mg: float) -> tuple[Product, int] | None:
    """One or two generic adult tablets of the same drug giving the capped (adult) dose ``mg`` exactly: the s10review
    chart review found 31 mL of acetaminophen syrup a dose for an 11-year-old of 110 kg (no whole chewable fitted)."""
    found = []
    for product in ph.rx.products.values():
        per_unit = product.mg_per_unit
        if product.form != "oral_solid" or product.ingredients != chosen.ingredients or not per_unit:
            continue
        n = round(mg / per_unit)
        exact = n in (1, 2) and abs(n * per_unit - mg) < 1e-6 and "[" not in product.display  # generic, 1-2 tablets
        if exact and ph.problem(product, patient) is None:
            found.append((n, product.code, product))
    return (min(found)[2], min(found)[0]) if found else None


def _one_unit_of_strength(ph: Pharmacy, fields: dict[str, Any], chosen: Product, patient: Patient) -> None:
    """A titrated drug is one unit of the chosen strength per dose when the module's unit count no longer fits, and
    no more units than a dose limit allows (metformin 2,000 mg once daily is two tablets at eGFR 30-44).

    The module's count (e.g. three 20 mg duloxetine capsules) belongs to the drug it ordered: it is
    reset when another drug was substituted, or when the count times the strength is above the
    strength ladder's maximum (a fluoxetine 40 mg capsule three times a day would be 120 mg).
    """
    plan = ph.rx.plans.get(chosen.code)
    dosage = fields["dosage"]
    mg = plan.mg_of(chosen.code) if plan is not None else None
    amount = dosage.get("amount")
    if plan is None or not mg or not isinstance(amount, int | float) or amount <= 1 or chosen.form != "oral_solid":
        return  # (an inhaler's two puffs are the dose, not a tablet count)
    ordered = ph.rx.products.get((fields.get("ordered") or fields["codes"][0])["code"])
    other_drug = ordered is not None and set(ordered.ingredients) != set(chosen.ingredients)
    if other_drug or amount * mg > plan.max + 1e-9:
        dosage["amount"] = 1.0
        return
    reasons, given = fields.get("reason") or (), bool(fields.get("administered"))
    cap = min(
        (lim.max for lim in plan.limits if lim.max is not None and limit_applies(ph, lim, patient, reasons, given)),
        default=None,
    )
    if cap is not None and amount * mg > cap + 1e-9:  # a limit is per dose: four 500 mg metformin tablets in CKD
        dosage["amount"] = float(max(1, int((cap + 1e-9) // mg)))


def insulin(
    ph: Pharmacy,
    dosage: dict[str, Any] | None,
    plan: strengths.InsulinPlan,
    patient: Patient,
    previous: dict[str, Any] | None,
) -> dict[str, Any]:
    """Basal insulin in units a day by body weight: the start dose, or one step up from the running
    dose while HbA1c is above the patient's goal (insulin.csv; older_adults.py), or one step down (not below one
    step, 0.1 units/kg: the low end of ADA's 0.1-0.2 units/kg start) in an older adult whose HbA1c result since
    the last order is below the deintensification threshold (ADA Standards of Care 2024 section 13)."""
    weight = patient.weight()
    before = (previous or {}).get("dosage") or {}
    per_kg = before.get("units_per_kg") if before.get("dose_unit") == "[iU]" else None
    since = float(previous["start"]) if previous else 0.0
    if per_kg is None:
        per_kg = plan.start
    elif older_adults.below_goal(ph, patient.age, patient.t, since) is not None:
        per_kg = max(plan.step, round(per_kg - plan.step, 2))
    elif per_kg < plan.max and above(
        ph, plan.titrate, older_adults.threshold(ph, patient, plan.titrate, plan.above), since
    ):
        per_kg = min(plan.max, round(per_kg + plan.step, 2))
    base = dosage or {"frequency": plan.doses, "period": 1.0, "unit": "days"}
    frequency = base.get("frequency", 1)
    if base.get("unit", "days") == "days" and float(base.get("period", 1.0)) == 1.0:
        frequency = max(int(frequency), plan.doses)  # regular insulin before each meal, never once a day
    out = {
        "amount": float(max(1, round(per_kg * weight))),
        "frequency": frequency,
        "period": base.get("period", 1.0),
        "unit": base.get("unit", "days"),
        "dose_unit": "[iU]",
        "units_per_kg": per_kg,
        "weight_kg": round(weight, 1),
    }
    # a course stepped down keeps its highest dose: the physiology scales insulin's effect by the share still given
    peak = before.get("peak_units_per_kg", before.get("units_per_kg")) if per_kg is not None and before else None
    if isinstance(peak, int | float) and peak > per_kg + 1e-9:
        out["peak_units_per_kg"] = float(peak)
    return out
