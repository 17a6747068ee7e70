"""The label's dose of a multi-dose pen when the module's order gives none, or one no prescriber would write.

A library order without a dosage (Synthea's metabolic-syndrome module orders "3 ML liraglutide 6 MG/ML Pen
Injector" with no prescription) became "1 mL a day" at renewal: 6 mg of liraglutide, above the labelled
maximum of 1.8 mg. The dose of such a pen is written in mg, with the volume it takes
(``label_doses.csv``); a module's own dose within the label (ehrsim's 0.2 mL) is kept.
"""

from __future__ import annotations

from functools import cache
from typing import Any, NamedTuple

from ehrsim.core.tables import rows
from ehrsim.errors import EhrsimError

_PERIOD_DAYS = {"days": 1.0, "weeks": 7.0, "hours": 1 / 24}


class LabelDose(NamedTuple):
    mg: float  # per dose
    mg_per_ml: float
    frequency: int
    period_days: float
    max_mg_a_day: float
    ingredient: str


@cache
def label_doses() -> dict[str, LabelDose]:
    """rxcui -> the label's usual maintenance dose (prescribing/label_doses.csv)."""
    out = {}
    for r in rows("prescribing/label_doses.csv"):
        try:
            dose = LabelDose(
                float(r["mg"]),
                float(r["mg_per_ml"]),
                int(r["frequency"]),
                float(r["period_days"]),
                float(r["max_mg_a_day"]),
                r["ingredient"],
            )
        except ValueError as exc:
            raise EhrsimError(f"prescribing/label_doses.csv: {r['rxcui']}: {exc}") from exc
        if min(dose.mg, dose.mg_per_ml, dose.frequency, dose.period_days, dose.max_mg_a_day) <= 0:
            raise EhrsimError(f"prescribing/label_doses.csv: {r['rxcui']}: values must be positive")
        out[r["rxcui"]] = dose
    return out


def mg_a_day(dosage: dict[str, Any], label: LabelDose) -> float | None:
    """The daily dose in mg an order's dosage gives (mg, or mL of the pen), None when it cannot be told."""
    amount, unit = dosage.get("amount"), dosage.get("dose_unit")
    days = float(dosage.get("period") or 0) * _PERIOD_DAYS.get(dosage.get("unit", ""), 0.0)
    if not isinstance(amount, int | float) or days <= 0 or unit not in ("mg", "mL"):
        return None
    mg = float(amount) * (label.mg_per_ml if unit == "mL" else 1.0)
    return mg * float(dosage.get("frequency") or 1) / days


def apply(fields: dict[str, Any], code: str) -> bool:
    """Write the label's dose on an order of a listed pen that has none or one above the label's maximum."""
    label = label_doses().get(code)
    if label is None:
        return False
    dosage = fields.get("dosage")
    daily = mg_a_day(dosage, label) if dosage else None
    if daily is not None and daily <= label.max_mg_a_day * 1.001:
        return False  # the module's own dose, within the label
    fields["dosage"] = {
        "amount": label.mg,
        "frequency": label.frequency,
        "period": label.period_days,
        "unit": "days",
        "dose_unit": "mg",
        "mg_of": label.ingredient,
        "volume_ml": round(label.mg / label.mg_per_ml, 2),
    }
    return True
