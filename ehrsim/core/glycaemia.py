"""Latent glycaemia: HbA1c without diabetes, and the onset of type 2 diabetes as a state, not a diagnosis.

Whether and when a person's glycaemia crosses into the diabetic range is decided by the physiology
(an age-specific incidence, raised by the person's BMI percentile), not by a module: a module can
only find it by measuring (screening), so diabetes exists undiagnosed until a test shows it. HbA1c
rises over the years before onset (Tabak et al., Lancet 2009, Whitehall II), reaches a personal
untreated plateau, and keeps creeping up while beta-cell function declines (UKPDS), so treatment must
be stepped up over the years; the decline, and with it the rise, ends about two decades after onset
(``hba1c_progression_end_years``). Rates are data: ``terminology/physiology/diabetes_incidence.csv`` and
``parameters.csv`` (sources there and in SOURCES.md).
"""

from __future__ import annotations

import math
from functools import cache
from typing import TYPE_CHECKING

from ehrsim.core import physio_effects
from ehrsim.core.tables import rows

if TYPE_CHECKING:
    from ehrsim.core.physiology import Physiology

NEVER = math.inf
YEAR = 365.25 * 86400
#: the condition a latent onset is (SNOMED CT 44054006 "Diabetes mellitus type 2 (disorder)"): the native
#: record's ``latent`` block names it by this code, so a report can compare truth with diagnoses
LATENT_TYPE2_CODE = "44054006"


@cache
def incidence() -> tuple[tuple[float, float, float], ...]:
    """(age_from, age_to, rate per person-year) of latent type 2 diabetes onset, by age band."""
    table = sorted(rows("physiology/diabetes_incidence.csv"), key=lambda r: float(r["age_from"]))
    return tuple((float(r["age_from"]), float(r["age_to"]), float(r["per_1000py"]) / 1000.0) for r in table)


def onset_age(u: float, relative_risk: float) -> float:
    """The age at which a person with persistent uniform ``u`` and this relative risk reaches diabetes
    (cumulative hazard = -ln u); ``NEVER`` if not by the end of the table."""
    needed = -math.log(u)
    for start, stop, rate in incidence():
        hazard = rate * relative_risk
        span = stop - start
        if hazard * span >= needed:
            return start + needed / hazard
        needed -= hazard * span
    return NEVER


def diabetes_onset(phys: Physiology) -> float:
    """This patient's latent onset age (memoised per patient in its persistent draws)."""
    cached = phys.diabetes_onset
    if cached is None:
        q = physio_effects.params()
        beta = q["diabetes_rr_per_bmi_z"]
        relative_risk = math.exp(beta * phys.z_bmi - beta * beta / 2.0)  # mean 1 over the population
        if phys.sex == "M":
            relative_risk *= q["diabetes_rr_male"]
        cached = phys.diabetes_onset = onset_age(phys.unit("diabetes_onset"), relative_risk)
    return cached


def hba1c(phys: Physiology, age: float, bmi: float) -> float:
    """Untreated HbA1c (%) at this age: the non-diabetic baseline at the patient's percentile, rising
    linearly to the diagnostic cut point over the years before a latent onset, then to a plateau, then rising
    (beta-cell decline) until ``hba1c_progression_end_years`` after onset."""
    q = physio_effects.params()
    value = (
        q["hba1c_base_20"]
        + q["hba1c_per_year"] * max(age - 20.0, 0.0)
        + q["hba1c_per_bmi"] * max(bmi - 25.0, 0.0)
        + q["hba1c_sd"] * phys.z_lab["Glucose"]
    )
    onset = diabetes_onset(phys)
    if age < onset - q["hba1c_pre_onset_years"]:
        return value
    cut = q["hba1c_diabetes_cut"] + 0.05
    if age < onset:
        share = 1.0 - (onset - age) / q["hba1c_pre_onset_years"]
        return value + share * max(cut - value, 0.0)
    plateau = max(q["hba1c_tail_plateau"] + q["hba1c_plateau_sd"] * phys.z("tail"), cut)
    reach = min((age - onset) / q["hba1c_tail_years"], 1.0)
    start = max(cut, value)
    rising = min(age - onset, q["hba1c_progression_end_years"]) - q["hba1c_tail_years"]
    progression = q["hba1c_progression_per_year"] * max(rising, 0.0)
    return start + reach * max(plateau - start, 0.0) + progression


def latent_conditions(phys: Physiology, birth_time: float, end_time: float) -> dict[str, int]:
    """The simulator's truth for the record: code -> time a latent disease began, if by ``end_time``."""
    onset = diabetes_onset(phys)
    if onset == NEVER or birth_time + onset * YEAR > end_time:
        return {}
    return {LATENT_TYPE2_CODE: int(birth_time + onset * YEAR)}
