"""Chemotherapy doses by body-surface area (Mosteller), carboplatin by the Calvert formula (bsa_doses.csv).

A module (ours or Synthea's) orders "paclitaxel 100 MG Injection" with no dose: the vial is not the
dose. The prescriber doses a listed ingredient per m2 of the BSA from the chart's height and weight (the
patient is weighed for the cycle), or carboplatin to a target AUC from the kidney function, and writes
the dose in mg with its basis. The row is chosen by the order's reason (condition group of
conditions.csv) and the schedule the order states (its dosage period), else the first row of the drug.
"""

from __future__ import annotations

import math
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from ehrsim.core.tables import rows
from ehrsim.errors import EhrsimError

if TYPE_CHECKING:
    from ehrsim.prescribing.patient import Patient
    from ehrsim.prescribing.pharmacy import Pharmacy
    from ehrsim.prescribing.tables import Product

#: a chemotherapy cycle uses the weight of that visit (ASCO 2012, Griggs et al.: actual body weight; the
#: patient is weighed before each cycle): a chart weight over 30 days old is measured again
WEIGHED_WITHIN = 30 * 86400.0
#: Calvert's GFR is an absolute clearance (mL/min): the Cockcroft-Gault creatinine clearance from a serum creatinine
#: of the last 30 days (drawn at the visit otherwise), at most 125 mL/min (FDA / NCI CTEP 2010 carboplatin dosing
#: communication: cap the GFR at 125 mL/min when it is estimated from a serum creatinine)
GFR_CAP = 125.0
CREATININE_WITHIN = 30 * 86400.0
_DAYS = {"days": 1.0, "d": 1.0, "weeks": 7.0, "wk": 7.0}


class BsaDose(NamedTuple):
    reason_group: str
    every_days: float
    mg_per_m2: float
    auc: float
    max_mg: float


@cache
def bsa_doses() -> dict[str, tuple[BsaDose, ...]]:
    """ingredient -> its rows of bsa_doses.csv, in file order (the first is the drug's default)."""
    out: dict[str, list[BsaDose]] = {}
    for r in rows("prescribing/bsa_doses.csv"):
        row = BsaDose(
            r["reason_group"],
            float(r["every_days"]),
            float(r["mg_per_m2"] or 0),
            float(r["auc"] or 0),
            float(r["max_mg"] or 0),
        )
        if (row.mg_per_m2 > 0) == (row.auc > 0) or row.every_days <= 0:
            raise EhrsimError(f"prescribing/bsa_doses.csv: {r['ingredient']} needs one of mg_per_m2 or auc")
        out.setdefault(r["ingredient"], []).append(row)
    return {k: tuple(v) for k, v in out.items()}


def mosteller(height_cm: float, weight_kg: float) -> float:
    """Body-surface area (m2) = sqrt(height cm x weight kg / 3600) (Mosteller, NEJM 1987;317:1098)."""
    return math.sqrt(max(height_cm, 0.0) * max(weight_kg, 0.0) / 3600.0)


def cockcroft_gault(creatinine_mg_dl: float, age: float, weight_kg: float, female: bool) -> float:
    """Creatinine clearance (mL/min) = (140 - age) x weight / (72 x creatinine), x 0.85 for women (Cockcroft DW,
    Gault MH. Nephron 1976;16:31-41)."""
    return (140.0 - age) * weight_kg / (72.0 * creatinine_mg_dl) * (0.85 if female else 1.0)


def _row(ph: Pharmacy, found: tuple[BsaDose, ...], fields: dict[str, Any]) -> BsaDose:
    reasons = {r.get("code") for r in fields.get("reason") or ()}
    groups = ph.rx.condition_groups
    for_reason = [r for r in found if r.reason_group and reasons & groups.get(r.reason_group, frozenset())]
    candidates = for_reason or [r for r in found if not r.reason_group] or list(found)
    dosage = fields.get("dosage") or {}
    every = float(dosage.get("period") or 0) * _DAYS.get(str(dosage.get("unit") or ""), 0.0)
    return next((r for r in candidates if every and abs(r.every_days - every) < 0.5), candidates[0])


def dose(ph: Pharmacy, fields: dict[str, Any], chosen: Product, patient: Patient) -> bool:
    """Write a listed chemotherapy ingredient's dose in mg from the BSA (or AUC); False when not listed."""
    if len(chosen.ingredients) != 1:
        return False
    found = bsa_doses().get(chosen.ingredients[0])
    if not found:
        return False
    row = _row(ph, found, fields)
    weight = patient.weighed_within(WEIGHED_WITHIN)
    height = patient.stature()
    bsa = mosteller(height, weight)
    dosage: dict[str, Any] = {
        "frequency": 1,
        "period": row.every_days,
        "unit": "days",
        "dose_unit": "mg",
        "mg_of": chosen.ingredients[0],
        "bsa_m2": round(bsa, 2),
        "weight_kg": round(weight, 1),
        "height_cm": round(height, 1),
    }
    if row.auc:  # Calvert: dose (mg) = AUC x (GFR + 25)
        creatinine = patient.creatinine_within(CREATININE_WITHIN)
        if creatinine is None:  # no creatinine can be had: the eGFR (or the CKD stage's), de-indexed by the BSA
            gfr = min(patient.egfr(ph.rx) * bsa / 1.73, GFR_CAP)
        else:
            gfr = min(cockcroft_gault(creatinine, patient.age, weight, ph.sim.attributes.get("gender") == "F"), GFR_CAP)
            dosage["creatinine_mg_dl"] = creatinine
        mg = row.auc * (gfr + 25.0)
        dosage.update(auc=row.auc, gfr_ml_min=round(gfr, 1))
    else:
        mg = row.mg_per_m2 * bsa
        dosage["mg_per_m2"] = row.mg_per_m2
    if row.max_mg:
        mg = min(mg, row.max_mg)
    dosage["amount"] = float(round(mg))
    if chosen.mg_per_ml:
        dosage["volume_ml"] = round(mg / chosen.mg_per_ml, 1)
    fields["dosage"] = dosage
    return True
