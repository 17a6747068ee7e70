"""Antihypertensives titrated at prenatal visits: a raised reading in pregnancy is acted on at that visit.

Outside pregnancy a chronic order is reviewed (and titrated) at wellness renewals. In pregnancy the
prenatal visits are every 2-4 weeks and ACOG treats to below 140/90 (CHAP trial, 2022), so a reading at
or above a threshold of ``pregnancy_bp.csv`` renews every running drug whose strength plan titrates on
systolic blood pressure once a step is due (dosing.csv ``step_days``): the renewal takes the titration
decision again (strength.py, with the plan's clinical inertia). The chart review found labetalol 100 mg
left unchanged through pregnancies with readings of 150-175 mm Hg. Functions of the ``Pharmacy``.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from ehrsim.core.tables import rows
from ehrsim.errors import ConfigError
from ehrsim.prescribing.patient import Patient

if TYPE_CHECKING:
    from ehrsim.prescribing.pharmacy import Pharmacy

#: a strength plan titrated on systolic BP: the reading recorded at the visit (or, in older data, the true value)
TITRATED_ON = frozenset({"obs:8480-6", "vital:Systolic Blood Pressure"})


@cache
def thresholds() -> dict[str, float]:
    """LOINC code of a blood-pressure reading -> the value at or above which treatment is stepped up."""
    out = {}
    for r in rows("prescribing/pregnancy_bp.csv"):
        try:
            out[r["loinc"]] = float(r["at_or_above"])
        except ValueError as exc:
            raise ConfigError(f"prescribing/pregnancy_bp.csv: {r['loinc']}: not a number") from exc
    return out


def raised(entry: dict[str, Any]) -> bool:
    """A blood-pressure reading (a panel's components or a single result) at or above a pregnancy threshold."""
    limits = thresholds()
    for part in (entry, *(entry.get("components") or ())):
        limit = limits.get(part["codes"][0]["code"])
        value = part.get("value")
        if limit is not None and isinstance(value, int | float) and not isinstance(value, bool) and value >= limit:
            return True
    return False


def titrate_in_pregnancy(ph: Pharmacy, entry: dict[str, Any], t: float) -> None:
    """Renew the running blood-pressure drugs due a step when a raised reading is taken in pregnancy."""
    if not raised(entry) or not Patient(ph.sim, t).pregnant(ph.rx):
        return
    for med, product in ph._current(t):
        plan = ph.rx.plans.get(med["codes"][0]["code"]) if product is not None else None
        if plan is None or plan.titrate not in TITRATED_ON or not med.get("chronic") or med["start"] >= t:
            continue
        mg = plan.mg_of(med["codes"][0]["code"])
        if mg is None or mg >= plan.max or t - med["start"] < plan.step:
            continue
        ph.renew(med, t, entry.get("encounter"))
