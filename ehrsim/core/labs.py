"""Measuring the physiological state: a result = true value + measurement noise, rounded as labs report.

Noise is analytical plus within-subject biological variation (CV_A, CV_I in
``terminology/physiology/analytes.csv``; EFLM biological variation database) or an absolute SD
for vital signs. eGFR is computed from the creatinine measured at the same moment, so the two
results always agree, with the equation and LOINC code laboratories reported at that date
(``egfr_eras.csv``: none before MDRD in 1999, MDRD, CKD-EPI 2009, CKD-EPI 2021); no test is reported
before it existed (``test_availability.csv``: HbA1c before 1976, HIV antibodies before 1985 ...).
Reference intervals and interpretation flags live in ``ref_ranges.py``.
"""

from __future__ import annotations

import math
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

from ehrsim.core import kidney
from ehrsim.core.egfr_equations import SCHWARTZ_K, creatinine_at, egfr_equation, schwartz_bedside
from ehrsim.core.lab_eras import egfr_era
from ehrsim.core.physio_effects import BAND_MARGIN, OPEN_BAND_WIDTH
from ehrsim.core.physio_tables import cardio_params
from ehrsim.core.ref_ranges import optional_float, reference_range
from ehrsim.core.rounding import round_to
from ehrsim.core.tables import parameters, rows

if TYPE_CHECKING:
    import numpy as np

    from ehrsim.core.physiology import Physiology


class Analyte(NamedTuple):
    loinc: str
    variable: str
    decimals: int
    cv: float  # combined relative SD (0 when absolute)
    sd: float  # absolute SD
    low: float
    high: float
    cv_analytical: float  # relative SD of the assay alone (a value computed from other results of the sample)


#: the names modules use for ``vital_sign`` that are another name of a state variable
VITAL_ALIASES = {"Blood Glucose": "Glucose"}


@cache
def analytes() -> dict[str, Analyte]:
    """LOINC code -> how it is measured from the state."""
    out = {}
    for r in rows("physiology/analytes.csv"):
        cva, cvi = optional_float(r["cv_analytical_pct"]) or 0.0, optional_float(r["cv_within_pct"]) or 0.0
        out[r["loinc"]] = Analyte(
            r["loinc"],
            r["variable"],
            int(r["decimals"]),
            math.hypot(cva, cvi) / 100.0,
            optional_float(r["sd_abs"]) or 0.0,
            float(r["low_limit"]),
            float(r["high_limit"]),
            cva / 100.0,
        )
    return out


@cache
def _by_variable() -> dict[str, Analyte]:
    out: dict[str, Analyte] = {}
    for analyte in analytes().values():
        out.setdefault(analyte.variable, analyte)
    return out


def analyte_for(loinc: str | None, vital_sign: str | None) -> Analyte | None:
    """How a result of this code (or, failing that, this vital sign name) is read from the state."""
    if loinc is not None:
        found = analytes().get(loinc)
        if found is not None:
            return found
    if vital_sign is not None:
        return _by_variable().get(VITAL_ALIASES.get(vital_sign, vital_sign))
    return None


def measure(
    phys: Physiology,
    vitals: dict[str, float],
    rng: np.random.Generator,
    analyte: Analyte,
    t: float,
    age: float,
    declared: tuple[float, float] | None = None,
) -> float | None:
    """One result of ``analyte`` now. ``declared`` (low, high) is a module's own range for it: the
    true value is moved into it (and the state keeps that, fading) before the result is drawn."""
    name = analyte.variable
    if name in ("EGFR", "EGFR MDRD"):
        creatinine = _creatinine_now(phys, vitals, rng, t, age)
        if creatinine is None:
            return _round(phys.kept.get("EGFR", vitals.get("EGFR")), analyte)
        if age < 18.0:  # children: bedside Schwartz of the same creatinine (the adult equations do not apply)
            return _round(schwartz_bedside(creatinine, vitals.get("Height", 0.0)), analyte)
        era = egfr_era(t)
        return _round(egfr_equation(era.equation if era else "ckd_epi_2021", creatinine, age, phys.sex), analyte)
    if name == "BMI":
        weight, height = phys.last.get("Weight"), phys.last.get("Height")
        if weight and height and weight[0] == t and height[0] == t:
            return _round(weight[1] / (height[1] / 100.0) ** 2, analyte)
    last = phys.last.get(name)
    if last is not None and last[0] == t and (declared is None or declared[0] <= last[1] <= declared[1]):
        return last[1]  # the same sample, asked for twice at one instant (a panel and its part, two orders)
    if name == "LDL":
        ldl = _ldl_of_the_sample(phys, vitals, rng, analyte, t, age)
        if ldl is not None and (declared is None or declared[0] <= ldl <= declared[1]):
            phys.last[name] = (t, ldl)
            return ldl
    true = vitals.get(name)
    if phys.kept and name in phys.kept:
        true = phys.kept[name]  # a diagnosed stage's band outranks the value a module set a moment ago
    if true is None:
        return None
    true, declared = adopt(phys, analyte, true, t, age, declared, rng)
    value = _noisy_bp(phys, true, analyte, rng, t) if name in BP_READING_SD else _noisy(true, analyte, rng)
    if name == "Creatinine" and "EGFR" in phys.bands and age >= 18.0:
        value = _within_stage(value, true, analyte, rng, phys, age, t)
        if declared is not None and not declared[0] <= value <= declared[1]:
            value = true
    elif declared is not None and not declared[0] <= value <= declared[1]:
        value = true
    if name == "LDL":
        value = min(value, _non_hdl(phys, t, value))
    elif name == "HDL":  # a module's HDL range asked for after the sample's LDL: still total - LDL at most
        value = min(value, _total_minus_ldl(phys, t, value))
    infant = _infant_scale().get(name)
    result = _round(value, analyte) if infant is None or age >= infant[0] else _infant_round(value, analyte, infant[1])
    if result is not None and (name == "Head Circumference" or (name == "Height" and age < GROWING_UNTIL)):
        previous = phys.last.get(name)  # a growing head or child does not shrink between visits
        if previous is not None and previous[0] < t and result < previous[1]:
            result = previous[1]
    if result is not None:
        phys.last[name] = (t, result)
    return result


def adopt(
    phys: Physiology,
    analyte: Analyte,
    true: float,
    t: float,
    age: float,
    declared: tuple[float, float] | None,
    rng: np.random.Generator,
) -> tuple[float, tuple[float, float] | None]:
    """A module's range for a result: a true value outside it moves to a point inside, which the state
    keeps (fading). Returns the true value and the range that still binds the result (None when the range
    is the reference interval and disease moved the variable: a "normal" range does not undo the anaemia
    of CKD the state knows of)."""
    if declared is None:
        return true, None
    if analyte.variable in phys.disease_moved and _normal(declared, analyte.loinc, age, phys.sex):
        return true, None
    if analyte.variable == "Creatinine" and "EGFR" in phys.bands:
        height = phys.height(age) if age < 18.0 else None  # a child's eGFR is bedside Schwartz
        declared = _within_band(declared, phys.bands["EGFR"], age, phys.sex, t, height)
        if declared is None:  # the module's creatinine belongs to another stage than the one diagnosed
            return true, None
    low, high = declared
    if not low <= true <= high:  # the module knows better: somewhere in its range, kept by the state
        target = low + (high - low) * float(rng.random()) if high > low else low
        if analyte.variable == "Creatinine" and age >= kidney.ADULT:
            target = kidney.creatinine_within_reach(phys, target, t, age)
        phys.impose(analyte.variable, target, t)
        true = target
    return true, declared


def _within_band(
    declared: tuple[float, float],
    band: tuple[float, float],
    age: float,
    sex: str,
    t: float | None = None,
    height: float | None = None,
) -> tuple[float, float] | None:
    """The part of a module's creatinine range whose eGFR lies in the diagnosed stage's band (None: no part):
    a module whose hidden stage ran ahead of the chart (Synthea's ``ckd``) does not contradict the chart.

    The band is kept clear of its edges as ``physio_effects.into_band`` keeps the state (measurement noise and
    whole-number reporting stay inside), and it must hold for the equation the laboratory reported at ``t`` too:
    MDRD (1999-2009) and CKD-EPI 2009 read a few points below CKD-EPI 2021 at the same creatinine, so a creatinine
    at the edge of stage 3 by 2021's equation was charted as eGFR 28-29 beside the stage 3 diagnosis. For a child
    (``height`` given) the equation is bedside Schwartz: Synthea's stage 1 panel asked creatinine 1.4-1.8 of a
    17-year-old, charted as eGFR 39 beside the stage 1 diagnosis."""
    low_egfr, high_egfr = _inner(band)
    if height is not None:
        lowest = SCHWARTZ_K * height / high_egfr if math.isfinite(high_egfr) else 0.0
        low, high = max(declared[0], lowest), min(declared[1], SCHWARTZ_K * height / max(low_egfr, 1.0))
        return (low, high) if low <= high else None
    equations = ["ckd_epi_2021"]
    era = egfr_era(t) if t is not None else None
    if era is not None and era.equation != "ckd_epi_2021":
        equations.append(era.equation)
    low, high = declared
    for equation in equations:
        lowest = creatinine_at(equation, high_egfr, age, sex) if math.isfinite(high_egfr) else 0.0
        highest = creatinine_at(equation, max(low_egfr, 1.0), age, sex)
        low, high = max(low, lowest), min(high, highest)
    return (low, high) if low <= high else None


def _inner(band: tuple[float, float]) -> tuple[float, float]:
    """The band without the margin ``into_band`` keeps clear of each edge."""
    low, high = band
    width = (high - low) if math.isfinite(high) else OPEN_BAND_WIDTH / (1.0 - 2 * BAND_MARGIN)
    return low + BAND_MARGIN * width, (high - BAND_MARGIN * width) if math.isfinite(high) else high


def _total_minus_ldl(phys: Physiology, t: float, default: float) -> float:
    """Total minus LDL cholesterol of the sample taken at ``t`` (``default`` when not both measured)."""
    total, ldl = phys.last.get("Total Cholesterol"), phys.last.get("LDL")
    if total is None or ldl is None or total[0] != t or ldl[0] != t:
        return default
    return total[1] - ldl[1]


LIPIDS = ("Total Cholesterol", "HDL", "Triglycerides")
#: age (years) below which a recorded height never falls below the previous one (growth plates close by ~18)
GROWING_UNTIL = 18.0


@cache
def _friedewald_max_tg() -> float:
    return parameters("physiology/parameters.csv")["friedewald_max_triglycerides"]


def _same_sample(
    phys: Physiology, vitals: dict[str, float], rng: np.random.Generator, name: str, t: float, age: float
) -> float | None:
    last = phys.last.get(name)
    if last is not None and last[0] == t:
        return last[1]
    analyte = _by_variable().get(name)
    return None if analyte is None else measure(phys, vitals, rng, analyte, t, age)


def _ldl_of_the_sample(
    phys: Physiology, vitals: dict[str, float], rng: np.random.Generator, analyte: Analyte, t: float, age: float
) -> float | None:
    """LDL of a lipid sample: total, HDL and triglycerides of the same sample are measured (or reused),
    and LDL is their Friedewald estimate (total - HDL - TG/5) with the assay's own error, never above
    non-HDL cholesterol. Above the Friedewald limit of triglycerides, the direct assay of the state's LDL."""
    total, hdl, triglycerides = (_same_sample(phys, vitals, rng, name, t, age) for name in LIPIDS)
    if total is None or hdl is None or triglycerides is None:
        return None
    if triglycerides <= _friedewald_max_tg():
        estimate = total - hdl - triglycerides / 5.0
    else:
        estimate = phys.kept.get("LDL", vitals.get("LDL", total - hdl))
    value = estimate * (1.0 + analyte.cv_analytical * float(rng.standard_normal()))
    return _round(min(value, total - hdl), analyte)


def _non_hdl(phys: Physiology, t: float, default: float) -> float:
    """Total minus HDL cholesterol of the sample taken at ``t`` (``default`` when not both measured)."""
    total, hdl = phys.last.get("Total Cholesterol"), phys.last.get("HDL")
    if total is None or hdl is None or total[0] != t or hdl[0] != t:
        return default
    return total[1] - hdl[1]


def _normal(declared: tuple[float, float], loinc: str, age: float, sex: str) -> bool:
    """Whether a module's range is mostly the reference interval (it says "normal", not a finding)."""
    ref = reference_range(loinc, age, sex)
    if ref is None or ref.low is None or ref.high is None:
        return False
    low, high = declared
    return min(high, ref.high) - max(low, ref.low) >= 0.5 * (high - low)


STAGE_REDRAWS = 20


def _within_stage(
    value: float, true: float, analyte: Analyte, rng: np.random.Generator, phys: Physiology, age: float, t: float
) -> float:
    """A creatinine whose eGFR (by the equation reported at ``t``) lies in the diagnosed stage's band: the
    result that staged the patient is by definition in it, so the noise is drawn given the stage (redrawn,
    then the true value). Not when the true value lies above the band: redrawing toward a band the kidney has not
    come down to yet (a module's hidden stage next to the diagnosed one) charted eGFR 57 of a true 78."""
    low, high = phys.bands["EGFR"]
    era = egfr_era(t)
    equation = era.equation if era else "ckd_epi_2021"
    if egfr_equation(equation, true, age, phys.sex) >= high:
        return (
            value  # the latent kidney has not come down to the band yet (kidney.follow): the result shows where it is
        )
    for _ in range(STAGE_REDRAWS):
        egfr = round(egfr_equation(equation, max(_round(value, analyte) or value, 0.1), age, phys.sex))
        if low <= egfr < high:
            return value
        value = _noisy(true, analyte, rng)
    return true


def _noisy(true: float, analyte: Analyte, rng: np.random.Generator) -> float:
    if analyte.cv:
        value = true * (1.0 + analyte.cv * float(rng.standard_normal()))
    elif analyte.sd:
        value = true + analyte.sd * float(rng.standard_normal())
    else:
        value = true
    return min(max(value, analyte.low), analyte.high)


#: blood pressure variable -> its cardio parameter of the SD of one reading around the day's level
BP_READING_SD = {"Systolic Blood Pressure": "bp_reading_sd_sbp", "Diastolic Blood Pressure": "bp_reading_sd_dbp"}


@cache
def _bp_reading_sd() -> dict[str, float]:
    return {variable: cardio_params()[name] for variable, name in BP_READING_SD.items()}


def _noisy_bp(phys: Physiology, true: float, analyte: Analyte, rng: np.random.Generator, t: float) -> float:
    """A BP reading: the visit-to-visit SD (``sd_abs``) split into the day's level, shared by systolic and
    diastolic measured at one instant, and the reading's own independent error (NHANES repeat readings; see
    ``cardio_parameters.csv``). Independent errors of 8 and 5 mmHg gave pulse pressures < 25 mmHg in 8.7 %
    of adult readings (NHANES first reading 0.2-2.5 %)."""
    reading = _bp_reading_sd()[analyte.variable]
    if phys.bp_level is None or phys.bp_level[0] != t:
        phys.bp_level = (t, float(rng.standard_normal()))
    level = math.sqrt(max(analyte.sd**2 - reading**2, 0.0))
    value = true + level * phys.bp_level[1] + reading * float(rng.standard_normal())
    return min(max(value, analyte.low), analyte.high)


@cache
def _infant_scale() -> dict[str, tuple[float, int]]:
    """Variable -> (age in years, decimals): infants are weighed to 10 g (perinatal/infant_scale.csv)."""
    return {r["variable"]: (float(r["max_age_years"]), int(r["decimals"])) for r in rows("perinatal/infant_scale.csv")}


def _infant_round(value: float, analyte: Analyte, decimals: int) -> float:
    return round_to(min(max(value, analyte.low), analyte.high), decimals)


def _round(value: float | None, analyte: Analyte) -> float | None:
    if value is None:
        return None
    value = min(max(value, analyte.low), analyte.high)
    if analyte.decimals == 0:
        return float(round(value))
    return round_to(value, analyte.decimals)


def _creatinine_now(
    phys: Physiology, vitals: dict[str, float], rng: np.random.Generator, t: float, age: float
) -> float | None:
    last = phys.last.get("Creatinine")
    if last is not None and last[0] == t:
        return last[1]
    creatinine = _by_variable().get("Creatinine")
    if creatinine is None or "Creatinine" not in vitals:
        return None
    return measure(phys, vitals, rng, creatinine, t, age)
