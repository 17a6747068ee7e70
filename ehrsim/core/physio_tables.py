"""Tables and closed-form relations behind ``Physiology``: lab baselines, BMI references,
CKD-EPI 2021 and the quantities derived from others (kept apart so the class reads as the model)."""

from __future__ import annotations

import statistics
from functools import cache

from ehrsim.core import physio_effects
from ehrsim.core.tables import interpolate, parameters, rows

ADULT_MONTHS = 240.0
INFANT_BLEND = (18.0, 30.0)  # months over which infant weight-for-age hands over to BMI-for-age
DRIFT_KNOTS = tuple(float(a) for a in range(0, 111, 10))
DRIFT_SD = 0.3
LAB_NAMES = (
    "Glucose",
    "Urea Nitrogen",
    "Creatinine",
    "Calcium",
    "Sodium",
    "Potassium",
    "Chloride",
    "Carbon Dioxide",
    "Total Cholesterol",
    "Triglycerides",
    "HDL",
    "Microalbumin Creatinine Ratio",
    "Oxygen Saturation",
    "Left ventricular Ejection fraction",
)


def truthy(value: object) -> bool:
    return value not in (None, False, 0, "", "false")


def cardio_params() -> dict[str, float]:
    return parameters("vitals/cardio_parameters.csv")


@cache
def lab_baseline(name: str, sex: str) -> tuple[float, float, float, float]:
    """(mean, sd, low, high) for a lab, sex-specific where the table has it."""
    table = [r for r in rows("vitals/labs.csv") if r["vital"] == name and r["sex"] in ("", sex)]
    row = next((r for r in table if r["sex"] == sex), table[0])
    return float(row["mean"]), float(row["sd"]), float(row["low"]), float(row["high"])


@cache
def by_age(path: str, sex: str | None, *columns: str) -> tuple[list[float], ...]:
    table = [r for r in rows(path) if sex is None or r["sex"] == sex]
    table.sort(key=lambda r: float(r["age"]))
    return ([float(r["age"]) for r in table], *([float(r[c]) for r in table] for c in columns))


@cache
def adult_bmi(sex: str) -> tuple[list[float], list[float], list[float]]:
    table = [r for r in rows("vitals/adult_bmi.csv") if r["sex"] == sex]
    mids = [(float(r["age_from"]) + min(float(r["age_to"]), 90.0)) / 2 for r in table]
    return mids, [float(r["median"]) for r in table], [float(r["sigma_log"]) for r in table]


def egfr_ckd_epi_2021(creatinine: float, age: float, sex: str) -> float:
    """eGFR (mL/min/1.73 m2) by the race-free CKD-EPI 2021 creatinine equation."""
    kappa, alpha = (0.9, -0.302) if sex == "M" else (0.7, -0.241)
    ratio = creatinine / kappa
    value = 142.0 * min(ratio, 1.0) ** alpha * max(ratio, 1.0) ** -1.200 * 0.9938**age
    return value * (1.012 if sex == "F" else 1.0)


def creatinine_for_egfr(egfr: float, age: float, sex: str) -> float:
    """The creatinine at which CKD-EPI 2021 gives ``egfr`` (inverse of the equation)."""
    kappa, alpha = (0.9, -0.302) if sex == "M" else (0.7, -0.241)
    scale = 142.0 * 0.9938**age * (1.012 if sex == "F" else 1.0)
    ratio = (egfr / scale) ** (1 / -1.200)
    if ratio < 1.0:
        ratio = (egfr / scale) ** (1 / alpha)
    return ratio * kappa


DERIVED = frozenset({"Creatinine", "Urea Nitrogen", "Glucose", "Blood Glucose", "Total Cholesterol", "Hematocrit"})
#: concentrations: a module's value shifts them by a ratio, so a later drug's percent effect still applies
RATIO = frozenset(
    {
        *("LDL", "HDL", "Triglycerides", "Total Cholesterol", "Microalbumin Creatinine Ratio", "NT-proBNP"),
        *("EGFR", "Creatinine", "Urea Nitrogen", "Glucose", "Blood Glucose"),
    }
)
ACUTE = frozenset({"Oxygen Saturation", "Heart Rate", "Respiration Rate", "Body Temperature"})
STANDARD_NORMAL = statistics.NormalDist()


@cache
def child_bmi() -> tuple[list[float], list[float], list[float]]:
    table = sorted(rows("physiology/child_bmi.csv"), key=lambda r: float(r["age"]))
    return [float(r["age"]) for r in table], [float(r["z_shift"]) for r in table], [float(r["z_scale"]) for r in table]


def derive_dependent(v: dict[str, float], age: float, sex: str, height: float) -> None:
    """Quantities that follow from others: creatinine from eGFR, urea from creatinine, glucose
    from HbA1c (ADAG-shaped), total cholesterol by Friedewald, haematocrit from haemoglobin."""
    q = physio_effects.params()
    egfr = v["EGFR"] = max(v["EGFR"], 3.0)
    # adults: CKD-EPI 2021 inverted; children: bedside Schwartz (eGFR = 0.413 * height / creatinine)
    creatinine = creatinine_for_egfr(egfr, age, sex) if age >= 18.0 else 0.413 * height / egfr
    baseline = 0.95 if sex == "M" else 0.75
    v["Creatinine"] = creatinine
    v["Urea Nitrogen"] *= max(creatinine / baseline, 0.6) ** 0.8
    v["Glucose"] = q["glucose_at_hba1c_5"] + q["glucose_per_hba1c"] * (v["Hemoglobin A1c"] - 5.0)
    v["Blood Glucose"] = v["Glucose"]
    v["Total Cholesterol"] = v["LDL"] + v["HDL"] + v["Triglycerides"] / 5.0
    v["Hematocrit"] = v["Hemoglobin"] * 2.95
    v["BMI"] = v["Weight"] / (height / 100.0) ** 2
    v["Chloride"] -= max(22.0 - v["Carbon Dioxide"], 0.0) * -0.5  # hyperchloraemic acidosis of CKD


@cache
def _hypertension_prevalence() -> tuple[list[float], list[float]]:
    table = sorted(rows("physiology/hypertension_prevalence.csv"), key=lambda r: float(r["age"]))
    return [float(r["age"]) for r in table], [float(r["share"]) for r in table]


def hypertensive_share(age: float) -> float:
    """Share of adults of this age ever told they have hypertension (CDC NHIS 2018), interpolated."""
    ages, shares = _hypertension_prevalence()
    return interpolate(age, ages, shares)
