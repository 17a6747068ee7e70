"""A survey examination of everyone alive at the end of the run (record ``latent.exam``).

NHANES measures a probability sample of everyone; a record holds results only for who was tested,
and testing follows disease (every diagnosed diabetic has an HbA1c, a quarter of adults are never
screened). So the realism report compares NHANES with this exam instead: the true state at the
reference date, reported at each analyte's precision, for each person still alive then. It reads the
state (``Physiology.update`` draws nothing); blood pressure is read as NHANES reads it, the mean of readings taken
at one visit, which differs from the usual (true) pressure by the visit-to-visit variation: two draws from the
patient's generator, the life's last, so the rest of the record is unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ehrsim.core import labs, physio_effects
from ehrsim.core.physiology import Physiology

#: LOINC codes examined: the quantities the realism report compares with NHANES percentiles
#: (HbA1c, LDL-C, systolic and diastolic BP, heart rate, BMI, eGFR CKD-EPI 2021)
EXAM_CODES = ("4548-4", "18262-6", "8480-6", "8462-4", "8867-4", "39156-5", "98979-8")
YEAR = 365.25 * 86400
#: LOINC codes of systolic and diastolic BP, read at one visit (parameters.csv: exam_sbp_sd, exam_dbp_sd)
VISIT_READ = (("8480-6", "exam_sbp_sd"), ("8462-4", "exam_dbp_sd"))

if TYPE_CHECKING:
    import numpy as np


def survey_exam(
    phys: Physiology,
    birth_time: float,
    t: float,
    attributes: dict[str, Any],
    conditions: dict[str, dict],
    medications: dict[str, dict],
    history: list[dict],
    rng: np.random.Generator,
) -> dict[str, Any]:
    """``{"time": t, "values": {LOINC: value}}``: the state at ``t`` given the active conditions and medications.

    NHANES classifies hypertension on the exam's mean BP, so a person whose usual pressure is 134 may be counted
    hypertensive (and unaware) on the day; reading the true value instead counted only the usual pressure.

    Call only once the life is over (the record is being built): ``update`` resets the state's caches of
    the last update, which nothing reads afterwards.
    """
    state = phys.update((t - birth_time) / YEAR, attributes, t, conditions, medications, history)
    q = physio_effects.params()
    visit = {code: float(rng.normal(0.0, q[key])) for code, key in VISIT_READ}
    values: dict[str, float] = {}
    for code in EXAM_CODES:
        analyte = labs.analyte_for(code, None)
        value = state.get(analyte.variable) if analyte is not None else None
        if analyte is not None and value is not None:
            value += visit.get(code, 0.0)
            values[code] = round(value, analyte.decimals) if analyte.decimals else float(round(value))
    return {"time": int(t), "values": values}
