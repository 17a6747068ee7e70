"""The untreated, disease-free baseline of the physiological state: circulation (BP, heart and breathing
rates) and chemistry (lipids, glycaemia, renal function, electrolytes) at the patient's own percentiles.

Split from ``physiology`` (the state, its updates and the values modules impose). These are functions of
the patient's persistent draws and age only; disease, pregnancy and drugs act on their result afterwards
(``physio_effects``, ``physio_drugs``). Tables and parameters are looked up once per life and kept on the
``Physiology`` (``tables``, ``constants``, ``baselines``), because every update needs them.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ehrsim.core import glycaemia, physio_effects
from ehrsim.core.physio_tables import DRIFT_KNOTS, by_age, cardio_params, hypertensive_share, lab_baseline, truthy
from ehrsim.core.tables import interpolate, interpolate_many

if TYPE_CHECKING:
    from ehrsim.core.physiology import Physiology

#: the hypertension state's key in the condition table (its diastolic floor falls with age: condition_floors_by_age.csv)
HYPERTENSION_KEY = "attribute:hypertension"

#: BP by age for one sex, heart and breathing rates by age, circulation constants (cardio_parameters.csv plus
#: the hypertensive mean SBP and the heart-rate drift SD)
LifeTables = tuple[tuple[list[float], ...], tuple[list[float], ...], dict[str, float]]


def circulation(phys: Physiology, v: dict[str, float], age: float, attributes: dict) -> None:
    """Blood pressure, heart and breathing rates at the patient's percentiles (into ``v``)."""
    tables = phys.tables
    if tables is None:
        tables = phys.tables = life_tables(phys.sex)
    (ages, sbp_mean, sbp_sd, dbp_mean, dbp_sd), rates, c = tables
    drift, drift_var, hr_drift = interpolate_many(age, DRIFT_KNOTS, phys._bp_drift, phys._bp_drift_var, phys._hr_drift)
    s_sd, d_sd, s_mean, d_mean = interpolate_many(age, ages, sbp_sd, dbp_sd, sbp_mean, dbp_mean)
    # the table's SD is the population's: a person's track (percentile plus drift) is re-standardised to it
    # the table's mean includes hypertensives, whom the hypertension state raises to its own level: the
    # baseline is the mean without that tail (share x gap to the hypertensive mean), not counted twice
    share = hypertensive_share(age)
    hyp_sbp = physio_effects.floor_mean(HYPERTENSION_KEY, "Systolic Blood Pressure", age, c["hypertensive_mean_sbp"])
    s_mean -= share * max(hyp_sbp - s_mean, 0.0)
    hyp_dbp = physio_effects.floor_mean(HYPERTENSION_KEY, "Diastolic Blood Pressure", age, c["hypertensive_mean_dbp"])
    d_mean -= share * max(hyp_dbp - d_mean, 0.0)
    sbp = s_mean + (phys.z_sbp * s_sd + drift) * s_sd / math.sqrt(s_sd**2 + drift_var)
    dbp = d_mean + (phys.z_dbp * d_sd + 0.5 * drift) * d_sd / math.sqrt(d_sd**2 + 0.25 * drift_var)
    if phys.race == "black" and age >= 18:  # NHANES: higher mean BP in black adults
        sbp, dbp = sbp + 4.0, dbp + 2.0
    ages, hr_mean, hr_sd, rr_mean, rr_sd, hr_female = rates
    hr_mean_now, hr_sd_now, rr_mean_now, rr_sd_now = interpolate_many(age, ages, hr_mean, hr_sd, rr_mean, rr_sd)
    # the drift is re-standardised to the table's SD as for BP (added on top it gave an SD of 13-14 at 50-80,
    # NHANES 12 with the measurement); log-normal around the table's value: NHANES resting pulse is right-skewed
    # (skew 0.4-0.8, 1st percentile 46-56), so rates under 50 are rare off rate-slowing drugs
    hr_var = c["hr_drift_sd"] ** 2 * min(age, DRIFT_KNOTS[-1]) / 10.0
    heart_z = (phys.z_heart * hr_sd_now + hr_drift) / math.sqrt(hr_sd_now**2 + hr_var)
    heart = hr_mean_now * math.exp(heart_z * hr_sd_now / hr_mean_now)
    if phys.sex == "F":  # NHANES: women's resting rate is higher from adolescence
        heart += interpolate(age, ages, hr_female)
    if truthy(attributes.get("smoker")):
        heart += c["smoker_hr_add"]
    resp = rr_mean_now + phys.z_resp * rr_sd_now
    v["Systolic Blood Pressure"] = min(max(sbp, 60.0), 190.0)
    v["Diastolic Blood Pressure"] = max(min(dbp, sbp - c["pulse_pressure_min"]), 35.0)
    v["Heart Rate"] = max(heart, 40.0)
    v["Respiration Rate"] = max(resp, 8.0)
    v["Oxygen Saturation"] = normal(phys, "Oxygen Saturation")
    v["Left ventricular Ejection fraction"] = normal(phys, "Left ventricular Ejection fraction")


def life_tables(sex: str) -> LifeTables:
    """The tables and parameters every update reads, looked up once per life (the lookups cost more than
    the arithmetic): BP by age for this sex, heart and breathing rates by age, the circulation constants."""
    bp = by_age("vitals/blood_pressure.csv", sex, "sbp_mean", "sbp_sd", "dbp_mean", "dbp_sd")
    rates = by_age("vitals/rates.csv", None, "hr_mean", "hr_sd", "rr_mean", "rr_sd", "hr_female_add")
    q = physio_effects.params()
    constants = {**cardio_params(), "hr_drift_sd": q["hr_drift_sd"]}
    constants["hypertensive_mean_sbp"] = q["hypertensive_mean_sbp"]
    return bp, rates, constants


def normal(phys: Physiology, name: str, shift: float = 0.0) -> float:
    key = (name, shift)  # constant for the life (its z-score and the table): every update asks
    value = phys.baselines.get(key)
    if value is None:
        mean, sd, low, high = lab_baseline(name, phys.sex)
        value = phys.baselines[key] = min(max(mean + shift + phys.z_lab[name] * sd, low), high)
    return value


def lognormal(phys: Physiology, name: str) -> float:
    value = phys.baselines.get(name)
    if value is None:
        mean, sd, low, high = lab_baseline(name, phys.sex)
        value = phys.baselines[name] = min(max(math.exp(math.log(mean) + phys.z_lab[name] * sd), low), high)
    return value


def chemistry(phys: Physiology, v: dict[str, float], age: float, bmi: float) -> None:
    """Untreated, disease-free values at the patient's percentiles (disease comes after), into ``v``."""
    q = physio_effects.params()
    c = phys.constants
    if c is None:
        c = phys.constants = chemistry_constants(phys)
    ages, tc_mean = by_age("vitals/lipids_by_age.csv", None, "total_cholesterol_mean")
    ldl = q["ldl_share_of_tc"] * interpolate(age, ages, tc_mean) + c["ldl_offset"]
    ldl *= interpolate(age, *by_age("vitals/ldl_sex_factor.csv", phys.sex, "ldl_factor"))  # NHANES by sex
    egfr = q["egfr_young"] - q["egfr_decline_per_year"] * max(age - 40.0, 0.0) + c["egfr_offset"]
    if age < 18.0:
        hemoglobin = q["hemoglobin_child"] + (age >= 12) * (q[f"hemoglobin_{phys.sex}"] - q["hemoglobin_child"]) * 0.6
    else:
        hemoglobin = q[f"hemoglobin_{phys.sex}"]
    ntprobnp = q["ntprobnp_median_young"] * q["ntprobnp_per_decade"] ** ((age - 40.0) / 10.0)
    v["Hemoglobin A1c"] = glycaemia.hba1c(phys, age, bmi)
    v["Urea Nitrogen"] = c["Urea Nitrogen"]
    v["EGFR"] = max(egfr, 5.0)
    v["Calcium"] = c["Calcium"]
    v["Sodium"] = c["Sodium"]
    v["Potassium"] = c["Potassium"]
    v["Chloride"] = c["Chloride"]
    v["Carbon Dioxide"] = c["Carbon Dioxide"]
    v["Phosphate"] = c["Phosphate"]
    v["Triglycerides"] = c["Triglycerides"] * min(max(1.0 + 0.03 * (bmi - 27.0), 0.7), 1.6)
    v["HDL"] = c["HDL"]
    v["LDL"] = max(ldl, 30.0)
    v["Hemoglobin"] = hemoglobin + c["hemoglobin_offset"]
    v["NT-proBNP"] = ntprobnp * c["ntprobnp_factor"]
    v["Microalbumin Creatinine Ratio"] = c["Microalbumin Creatinine Ratio"]


def chemistry_constants(phys: Physiology) -> dict[str, float]:
    """The parts of ``chemistry`` fixed for the life (baselines at the patient's percentiles, and each
    age-dependent value's personal offset or factor), computed once: every update needs them."""
    q = physio_effects.params()
    out = {name: normal(phys, name) for name in ("Urea Nitrogen", "Calcium", "Sodium", "Potassium", "Chloride")}
    out["Carbon Dioxide"] = normal(phys, "Carbon Dioxide")
    out["HDL"] = normal(phys, "HDL")
    out["Triglycerides"] = lognormal(phys, "Triglycerides")
    out["Microalbumin Creatinine Ratio"] = lognormal(phys, "Microalbumin Creatinine Ratio")
    out["Phosphate"] = q["phosphate_mean"] + q["phosphate_sd"] * phys.z("phosphate")
    out["ldl_offset"] = q["ldl_sd"] * phys.z_lab["Total Cholesterol"]
    out["egfr_offset"] = q["egfr_sd"] * phys.z("egfr")
    out["hemoglobin_offset"] = q["hemoglobin_sd"] * phys.z("hemoglobin")
    out["ntprobnp_factor"] = math.exp(q["ntprobnp_sd_log"] * phys.z("ntprobnp"))
    return out
