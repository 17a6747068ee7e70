"""Courses as the label gives them: titration steps, a substitute's own regimen, continuation after the
reason ends, and a child's dose in whole tablets. Functions of the ``Pharmacy`` (pharmacy.py).

Data (terminology/prescribing/, with sources): steps.csv (varenicline's first week at 0.5 mg, the
nicotine patch stepped down 21 -> 14 -> 7 mg), regimens.csv (a substituted drug is taken on its own
schedule: amoxicillin twice daily for 10 days for strep throat, not azithromycin's 5 days once daily),
continuation.csv (an antidepressant continues after remission), paediatric_range.csv (the lowest
mg/kg per dose that still treats, for whole-tablet doses).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from ehrsim.core.tables import rows
from ehrsim.errors import EhrsimError
from ehrsim.prescribing.tables import tables

if TYPE_CHECKING:
    from ehrsim.prescribing.pharmacy import Pharmacy
    from ehrsim.prescribing.tables import Product

DAY = 86400.0


@dataclass(frozen=True, slots=True)
class Step:
    code: str
    amount: float
    frequency: int
    seconds: float


@dataclass(frozen=True, slots=True)
class Regimen:
    reason_group: str
    frequency: int
    period_days: float
    duration_days: float | None
    #: units a dose (optional ``amount`` column, e.g. two puffs of an inhaler), else the order's amount
    amount: float | None = None
    #: only when it replaces this ordered product (optional ``ordered_rxcui`` column: bisoprolol 2.5 mg from Ziac
    #: 2.5/6.25 is half of the 5 mg tablet, while Ziac 5/6.25 gives the whole tablet)
    ordered: str = ""


@dataclass(frozen=True, slots=True)
class Courses:
    #: ordered rxcui -> (steps before the maintenance order, steps after it)
    steps: dict[str, tuple[tuple[Step, ...], tuple[Step, ...]]]
    #: rxcui -> regimens (by the order's reason group first; "" for any reason)
    regimens: dict[str, tuple[Regimen, ...]]
    #: drug class -> seconds an order continues after its reason ends
    continuation: dict[str, float]
    #: ingredients key -> lowest mg/kg per dose a whole-tablet dose may give
    min_mg_per_kg: dict[str, float]


def _rows(name: str) -> tuple[dict[str, str], ...]:
    return rows(f"prescribing/{name}")


@cache
def courses() -> Courses:
    """Load the course tables, checking that every code is a product and every group exists."""
    rx = tables()
    products, groups = rx.products, rx.condition_groups
    steps: dict[str, tuple[list[Step], list[Step]]] = {}
    for r in _rows("steps.csv"):
        if r["ordered_rxcui"] not in products or r["rxcui"] not in products or r["phase"] not in ("before", "after"):
            raise EhrsimError(
                f"prescribing/steps.csv: {r['ordered_rxcui']} -> {r['rxcui']} is not a known product/phase"
            )
        step = Step(r["rxcui"], float(r["amount"]), int(r["frequency"]), float(r["days"]) * DAY)
        before, after = steps.setdefault(r["ordered_rxcui"], ([], []))
        (before if r["phase"] == "before" else after).append(step)
    regimens: dict[str, list[Regimen]] = {}
    for r in _rows("regimens.csv"):
        if (
            r["rxcui"] not in products
            or (r["reason_group"] and r["reason_group"] not in groups)
            or (r.get("ordered_rxcui") and r["ordered_rxcui"] not in products)
        ):
            raise EhrsimError(f"prescribing/regimens.csv: {r['rxcui']} or group {r['reason_group']!r} is unknown")
        regimens.setdefault(r["rxcui"], []).append(
            Regimen(
                r["reason_group"],
                int(r["frequency"]),
                float(r["period_days"]),
                float(r["duration_days"]) if r["duration_days"] else None,
                float(r["amount"]) if r.get("amount") else None,
                r.get("ordered_rxcui") or "",
            )
        )
    return Courses(
        steps={k: (tuple(b), tuple(a)) for k, (b, a) in steps.items()},
        regimens={k: tuple(v) for k, v in regimens.items()},
        continuation={r["drug_class"]: float(r["days"]) * DAY for r in _rows("continuation.csv")},
        min_mg_per_kg={r["ingredients"]: float(r["min_mg_per_kg_per_dose"]) for r in _rows("paediatric_range.csv")},
    )


def own_regimen(ph: Pharmacy, fields: dict[str, Any], chosen: Product, ordered: Product | None) -> None:
    """A substituted drug takes its own schedule and course length (regimens.csv), not the ordered drug's: warfarin
    once daily for apixaban's twice (s15 chart review: 15 of 25 warfarin orders twice daily). A dose given once in
    a visit of under a day (surgical prophylaxis) stays one dose."""
    if ordered is None:
        return
    if fields.get("administered") and not fields.get("chronic") and _within_a_day(fields):
        return
    found = courses().regimens.get(chosen.code)
    if not found:
        return
    if set(ordered.ingredients) == set(chosen.ingredients):  # another form of the same drug: only a row naming it
        found = tuple(g for g in found if g.ordered == ordered.code)  # (immediate-release metformin twice daily)
        if not found:
            return
    reasons = {r.get("code") for r in fields.get("reason") or ()}
    groups = ph.rx.condition_groups
    found = tuple(g for g in found if g.ordered in ("", ordered.code))
    regimen = next((g for g in found if g.ordered == ordered.code), None)
    regimen = regimen or next((g for g in found if g.reason_group and reasons & groups[g.reason_group]), None)
    regimen = regimen or next((g for g in found if not g.reason_group), None)
    if regimen is None:
        return
    dosage = fields.get("dosage")
    if dosage is None and chosen.dose_unit:  # a library order without a dosage: one unit of the product per dose
        dosage = {"amount": 1.0, "dose_unit": chosen.dose_unit}
    if dosage is not None:
        fields["dosage"] = {**dosage, "frequency": regimen.frequency, "period": regimen.period_days, "unit": "days"}
        if regimen.amount is not None:
            fields["dosage"]["amount"] = regimen.amount
    if regimen.duration_days is not None and fields.get("stop") is not None:
        fields["stop"] = float(fields["start"]) + regimen.duration_days * DAY
        if "duration_days" in fields:
            fields["duration_days"] = regimen.duration_days
    note = fields.get("prescribing")
    if note is not None:
        note["regimen"] = "the substitute's own schedule"


def _within_a_day(fields: dict[str, Any]) -> bool:
    """An administration whose order ends less than a day after it starts (a dose given at a visit)."""
    stop = fields.get("stop")
    return stop is not None and float(stop) - float(fields["start"]) < DAY


def titrate(ph: Pharmacy, fields: dict[str, Any], chosen: Product, t: float, encounter: str | None, phase: str) -> None:
    """Write a new course's label steps (steps.csv) around the maintenance order in ``fields``.

    ``before`` (called before the order is written): steps that start now (varenicline 0.5 mg for a
    week) and move the maintenance order's start; ``after`` (called once it is written): steps that
    follow its planned stop (a nicotine patch stepped down). Each step is its own order, never active
    (no later check reads it); the course keeps its planned end.
    """
    found = courses().steps.get(chosen.code)
    if found is None or fields.get("dosage") is None:
        return
    before, after = found
    base = {k: v for k, v in fields.items() if k not in ("id", "n", "codes", "dosage", "start", "stop", "prescribing")}
    note = {"action": "titration", "rule": "course_step", "reason": f"label titration of {chosen.display}"}
    if phase == "before" and before:
        start = float(fields["start"])
        maintenance = _mg_a_day(ph, chosen.code, fields["dosage"])
        for step in before:
            mg = _mg_a_day(ph, step.code, {"amount": step.amount, "frequency": step.frequency, "period": 1.0})
            same = step.code == chosen.code and (step.amount, step.frequency) == (
                fields["dosage"].get("amount"),
                fields["dosage"].get("frequency"),
            )
            if same or (maintenance is not None and mg is not None and mg > maintenance + 1e-9):
                continue  # a dose limit (metformin in CKD) made the maintenance dose lower than the label's steps
            start = _step(ph, base, fields, step, start, note, t, encounter)
        fields["start"] = start
        if fields.get("stop") is not None:
            fields["stop"] = max(float(fields["stop"]), start)
            if fields.get("duration_days") is not None:
                fields["duration_days"] = round((fields["stop"] - start) / DAY, 1)
    elif phase == "after" and fields.get("stop") is not None:
        begin = float(fields["stop"])
        for step in after:
            begin = _step(ph, base, fields, step, begin, note, t, encounter)


def _mg_a_day(ph: Pharmacy, code: str, dosage: dict[str, Any]) -> float | None:
    """mg a day of a tablet dosage (units x strength x doses a day), None when it cannot be told."""
    per_unit = ph.rx.products[code].mg_per_unit
    period = float(dosage.get("period") or 1.0)
    if not per_unit or dosage.get("unit", "days") != "days" or period <= 0:
        return None
    return float(dosage.get("amount") or 1.0) * per_unit * float(dosage.get("frequency") or 1) / period


def _step(
    ph: Pharmacy,
    base: dict[str, Any],
    fields: dict[str, Any],
    step: Step,
    start: float,
    note: dict[str, str],
    t: float,
    encounter: str | None,
) -> float:
    product = ph.rx.products[step.code]
    dosage = {**fields["dosage"], "amount": step.amount, "frequency": step.frequency, "period": 1.0, "unit": "days"}
    dosage["dose_unit"] = product.dose_unit or dosage.get("dose_unit")
    own = fields["codes"][0]  # the order's own product keeps its display (a module's spelling of the same code)
    coded = dict(own) if own.get("code") == step.code else product.as_code()
    entry = {**base, "codes": [coded], "dosage": dosage, "start": start, "stop": start + step.seconds}
    if "duration_days" in entry:
        entry["duration_days"] = step.seconds / DAY
    entry["prescribing"] = dict(note)
    written = ph.sim.rec.add("medications", entry, encounter)
    ph.log(t, "titration", "course_step", note["reason"], fields["codes"][0], written["codes"][0], written["id"])
    return start + step.seconds


def continue_after(ph: Pharmacy, med: dict[str, Any], product: Product, condition: dict[str, Any], t: float) -> bool:
    """An order that outlasts its reason (continuation.csv: an antidepressant after remission) gets a planned
    stop instead of ending now; False when none applies or it already has a planned stop."""
    table = courses().continuation
    seconds = max((table[c] for c in product.classes if c in table), default=0.0)
    if not seconds or med.get("stop") is not None:
        return False
    med["stop"] = t + seconds
    name = condition["codes"][0].get("display", condition["codes"][0]["code"])
    ph.log(t, "continued", "continuation_after_remission", f"{name} ended; continued", med["codes"][0], None, med["id"])
    return True


def whole_units(ph: Pharmacy, chosen: Product, weight: float, mg: float, low: float) -> tuple[Product, int] | None:
    """The strength and whole number of tablets or capsules for a child's weight-based dose ``mg``.

    Candidates are the drug's strengths (strengths.csv ladder) in the same form; a dose fits when it
    lies between ``low`` mg/kg (paediatric_range.csv) and the prescribed ``mg``, closest to ``mg`` wins.
    None when nothing fits (then the liquid is given).
    """
    plan = ph.rx.plans.get(chosen.code)
    codes = [code for _, code in plan.ladder] if plan is not None else [chosen.code]
    best: tuple[float, Product, int] | None = None
    for code in codes:
        product = ph.rx.products[code]
        per_unit = product.mg_per_unit
        if not per_unit or product.form != chosen.form:
            continue
        n = int(mg // per_unit)  # never above the prescribed dose
        if n < 1 or n * per_unit < low * weight:
            continue
        gap = mg - n * per_unit
        if best is None or gap < best[0] - 1e-9:
            best = (gap, product, n)
    return None if best is None else (best[1], best[2])
