"""How pregnancy and the year after it move the true values of the physiological state.

Weight follows the IOM 2009 gain by pre-pregnancy BMI and is lost after the birth, BP dips at mid-pregnancy,
haemoglobin dilutes; a pregnancy disorder's effects (pre-eclampsia's BP floor) fade after the birth
(``postpartum_effects.csv``). Split from ``physio_effects``, which owns disease effects and ``params``.
"""

from __future__ import annotations

import math
from functools import cache
from typing import TYPE_CHECKING

from ehrsim.core.physio_effects import DAY, WEEK, params
from ehrsim.core.tables import rows

if TYPE_CHECKING:
    from ehrsim.core.physiology import Physiology


@cache
def postpartum_effects() -> dict[str, tuple[float, float]]:
    """Keys whose effects hold in pregnancy and fade after the birth -> (low, high) days (postpartum_effects.csv)."""
    return {r["key"]: (float(r["days_low"]), float(r["days_high"])) for r in rows("physiology/postpartum_effects.csv")}


def pregnancy_bound(keys: list[str], phys: Physiology, t: float) -> list[str]:
    """Drop the keys of pregnancy disorders (pre-eclampsia's BP floor) once their drawn postpartum days have passed:
    the disorder stays on the chart until a normal reading ends it, but the body recovers after the birth."""
    bound = postpartum_effects()
    if not any(k in bound for k in keys):
        return keys
    end = phys.pregnancy_end
    if phys.pregnancy_start is not None and end is None:
        return keys  # still pregnant
    out = []
    for key in keys:
        if key in bound:
            low, high = bound[key]
            if end is None or t - end > (low + (high - low) * phys.unit("postpartum:" + key)) * DAY:
                continue  # long after (the state forgets a pregnancy a while after it) or past her drawn day
        out.append(key)
    return out


@cache
def _gain_table() -> tuple[tuple[float, float, float, float, float], ...]:
    return tuple(
        (
            float(r["bmi_from"]),
            float(r["bmi_to"]),
            float(r["total_low_kg"]),
            float(r["total_high_kg"]),
            float(r["first_trimester_kg"]),
        )
        for r in rows("physiology/pregnancy_weight_gain.csv")
    )


def pregnancy_weight_gain(phys: Physiology, pre_bmi: float, weeks: float) -> float:
    """Weight gained (kg) by gestational week, IOM 2009 total by pre-pregnancy BMI (linear after week 13)."""
    row = next((r for r in _gain_table() if r[0] <= pre_bmi < r[1]), _gain_table()[-1])
    total = row[2] + (row[3] - row[2]) * phys.unit("pregnancy_gain")
    first = row[4]
    if weeks <= 13.0:
        return first * max(weeks, 0.0) / 13.0
    return first + (total - first) * min(weeks - 13.0, 27.0) / 27.0


def apply_pregnancy(v: dict[str, float], phys: Physiology, t: float, height_m: float) -> None:
    """Pregnancy and the year after delivery: weight, BP dip at mid-pregnancy, haemodilution."""
    if phys.pregnancy_start is None:
        return
    p = params()
    weeks = (t - phys.pregnancy_start) / WEEK
    if phys.pregnancy_end is None:
        gain = pregnancy_weight_gain(phys, phys.pregnancy_bmi, weeks)
        dip = math.sin(math.pi * min(max(weeks, 0.0), 40.0) / 40.0)  # deepest at week 20
        v["Systolic Blood Pressure"] -= p["pregnancy_sbp_dip"] * dip
        v["Diastolic Blood Pressure"] -= p["pregnancy_dbp_dip"] * dip
        v["Hemoglobin"] -= p["pregnancy_hemoglobin_drop"] * min(max(weeks, 0.0) / 20.0, 1.0)
    else:
        end_weeks = (phys.pregnancy_end - phys.pregnancy_start) / WEEK
        gained = pregnancy_weight_gain(phys, phys.pregnancy_bmi, end_weeks)
        term = min(end_weeks / 40.0, 1.0)
        conceptus = min(gained, p["postpartum_conceptus_kg"] * term)  # baby, placenta and amniotic fluid: out at birth
        fluid = min(gained - conceptus, p["postpartum_fluid_kg"] * term)  # blood, extracellular fluid, uterus
        fat = gained - conceptus - fluid
        days = (t - phys.pregnancy_end) / DAY
        keep = p["postpartum_retention_kg"] * min(end_weeks / 38.0, 1.0)
        fade = max(0.0, 1.0 - days / p["postpartum_loss_days"])
        gain = fluid * max(0.0, 1.0 - days / p["postpartum_fluid_days"])
        gain += keep + (fat - keep) * fade if fat > keep else fat * fade
        if days > 2 * p["postpartum_loss_days"]:
            phys.pregnancy_start = phys.pregnancy_end = None
            return
    v["Weight"] += gain
