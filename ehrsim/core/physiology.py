"""Per-patient true vital signs and lab values, as smooth functions of age and risk factors.

A ``Physiology`` draws the patient's persistent z-scores once (height percentile, BMI track,
BP, each lab); ``update(age, attributes)`` is then a pure function of its arguments, so calling
it often, rarely or out of order gives the same values. Children follow the growth charts, adults
keep their adult height and follow an NHANES BMI trajectory whose percentile drifts slowly
(random knots every 10 years, re-standardised so population percentiles stay calibrated).
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

from ehrsim.core import growth
from ehrsim.core.cardio import cardiovascular_risk
from ehrsim.core.tables import interpolate, parameters, rows

__all__ = ["Physiology", "bmi_percentile", "cardiovascular_risk", "egfr_ckd_epi_2021"]

bmi_percentile = growth.bmi_percentile
ADULT_MONTHS = 240.0
INFANT_BLEND = (18.0, 30.0)  # months over which infant weight-for-age hands over to BMI-for-age
DRIFT_KNOTS = tuple(float(a) for a in range(0, 111, 10))
DRIFT_SD = 0.3
CKD_STAGE_EGFR = {1: 95.0, 2: 75.0, 3: 45.0, 4: 22.0, 5: 10.0}
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


def _truthy(value: object) -> bool:
    return value not in (None, False, 0, "", "false")


def _params() -> dict[str, float]:
    return parameters("vitals/cardio_parameters.csv")


@cache
def _lab(name: str, sex: str) -> tuple[float, float, float, float]:
    """(mean, sd, low, high) for a lab, sex-specific where the table has it."""
    table = [r for r in rows("vitals/labs.csv") if r["vital"] == name and r["sex"] in ("", sex)]
    row = next((r for r in table if r["sex"] == sex), table[0])
    return float(row["mean"]), float(row["sd"]), float(row["low"]), float(row["high"])


@cache
def _by_age(path: str, sex: str | None, *columns: str) -> tuple[list[float], ...]:
    table = [r for r in rows(path) if sex is None or r["sex"] == sex]
    table.sort(key=lambda r: float(r["age"]))
    return ([float(r["age"]) for r in table], *([float(r[c]) for r in table] for c in columns))


@cache
def _adult_bmi(sex: str) -> tuple[list[float], list[float], list[float]]:
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


class Physiology:
    """One patient's physiology: persistent individual offsets drawn once from ``rng``."""

    def __init__(self, rng: np.random.Generator, sex: str, race: str) -> None:
        self.sex = "M" if sex == "M" else "F"
        self.race = race
        self.z_height = float(rng.standard_normal())
        self.z_bmi = float(rng.standard_normal())
        steps = rng.standard_normal(len(DRIFT_KNOTS)) * DRIFT_SD
        steps[0] = 0.0
        self._drift = [float(x) for x in np.cumsum(steps)]
        self._drift_var = [DRIFT_SD * DRIFT_SD * i for i in range(len(DRIFT_KNOTS))]
        z_bp, z_bp2 = rng.standard_normal(2)
        self.z_sbp = float(z_bp)
        self.z_dbp = float(0.6 * z_bp + 0.8 * z_bp2)
        self.z_heart, self.z_resp = (float(v) for v in rng.standard_normal(2))
        self.z_lab = {name: float(v) for name, v in zip(LAB_NAMES, rng.standard_normal(len(LAB_NAMES)), strict=True)}

    # -- anthropometrics -------------------------------------------------------------------
    def bmi_z(self, age_years: float) -> float:
        """The BMI z-score track at this age (persistent percentile plus slow drift)."""
        drift = interpolate(age_years, DRIFT_KNOTS, self._drift)
        var = interpolate(age_years, DRIFT_KNOTS, self._drift_var)
        return (self.z_bmi + drift) / math.sqrt(1.0 + var)

    def height(self, age_years: float) -> float:
        """Height (cm): the growth chart at the patient's percentile, fixed from age 20."""
        return growth.value_at("height", self.sex, min(age_years * 12.0, ADULT_MONTHS), self.z_height)

    def bmi(self, age_years: float) -> float:
        """BMI (kg/m2): growth charts in childhood, NHANES adult medians blended in from 18 to 25."""
        months, z = age_years * 12.0, self.bmi_z(age_years)
        if months < INFANT_BLEND[1]:
            # infants: weight-for-age on a track correlated with length (weight follows length)
            height_m = self.height(age_years) / 100.0
            z_weight = 0.7 * self.z_height + 0.714 * z
            infant = growth.value_at("weight", self.sex, months, z_weight) / (height_m * height_m)
            if months < INFANT_BLEND[0]:
                return infant
            toddler = growth.value_at("bmi", self.sex, max(months, 24.0), z)
            w = (months - INFANT_BLEND[0]) / (INFANT_BLEND[1] - INFANT_BLEND[0])
            return (1.0 - w) * infant + w * toddler
        child = growth.value_at("bmi", self.sex, min(months, ADULT_MONTHS), z)
        if age_years < 18.0:
            return child
        mids, medians, sigmas = _adult_bmi(self.sex)
        adult = interpolate(age_years, mids, medians) * math.exp(interpolate(age_years, mids, sigmas) * z)
        blend = min(1.0, (age_years - 18.0) / 7.0)
        return (1.0 - blend) * child + blend * adult

    # -- the full set ----------------------------------------------------------------------
    def update(self, age_years: float, attributes: dict) -> dict[str, float]:
        """The true vital signs and lab values at this age, given the current attributes."""
        age = max(age_years, 0.0)
        months = age * 12.0
        height = self.height(age)
        bmi = self.bmi(age)
        weight = bmi * (height / 100.0) ** 2
        v: dict[str, float] = {"Height": height, "Weight": weight, "BMI": bmi}
        if months < 36.0:
            head_z = 0.5 * self.z_height + 0.866 * self.z_lab["Oxygen Saturation"]
            v["Head Circumference"] = growth.value_at("head", self.sex, months, head_z)
            v["Head Circumference Percentile"] = growth.percentile_of_z(head_z)
        bmi_pct = growth.bmi_percentile(age, self.sex, bmi)
        if bmi_pct is not None:
            v["BMI Percentile"] = bmi_pct
        if months < ADULT_MONTHS:
            v["Height Percentile"] = growth.percentile_of_z(self.z_height)
            v["Weight Percentile"] = growth.percentile_of_z(growth.zscore("weight", self.sex, months, weight))
        v.update(self._circulation(age, attributes))
        v.update(self._chemistry(age, height, bmi, attributes))
        return {name: round(value, 2) for name, value in v.items()}

    def _circulation(self, age: float, attributes: dict) -> dict[str, float]:
        p = _params()
        ages, sbp_mean, sbp_sd, dbp_mean, dbp_sd = _by_age(
            "vitals/blood_pressure.csv", self.sex, "sbp_mean", "sbp_sd", "dbp_mean", "dbp_sd"
        )
        sbp = interpolate(age, ages, sbp_mean) + self.z_sbp * interpolate(age, ages, sbp_sd)
        dbp = interpolate(age, ages, dbp_mean) + self.z_dbp * interpolate(age, ages, dbp_sd)
        if self.race == "black" and age >= 18:  # NHANES: higher mean BP in black adults
            sbp, dbp = sbp + 4.0, dbp + 2.0
        controlled = _truthy(attributes.get("hypertension_controlled")) or _truthy(
            attributes.get("blood_pressure_controlled")
        )
        if _truthy(attributes.get("hypertension")) and not controlled:
            sbp, dbp = sbp + p["hypertension_sbp_add"], dbp + p["hypertension_dbp_add"]
        ages, hr_mean, hr_sd, rr_mean, rr_sd = _by_age("vitals/rates.csv", None, "hr_mean", "hr_sd", "rr_mean", "rr_sd")
        heart = interpolate(age, ages, hr_mean) + self.z_heart * interpolate(age, ages, hr_sd)
        if _truthy(attributes.get("smoker")):
            heart += p["smoker_hr_add"]
        resp = interpolate(age, ages, rr_mean) + self.z_resp * interpolate(age, ages, rr_sd)
        lvef = self._normal("Left ventricular Ejection fraction")
        chf_type = attributes.get("chf_type")
        if chf_type == "HFrEF":
            lvef = min(lvef - 30.0, 38.0)
        elif chf_type == "HFmEF":
            lvef = min(lvef - 17.0, 48.0)
        return {
            "Systolic Blood Pressure": max(sbp, 60.0),
            "Diastolic Blood Pressure": max(min(dbp, sbp - 20.0), 35.0),
            "Heart Rate": max(heart, 40.0),
            "Respiration Rate": max(resp, 8.0),
            "Oxygen Saturation": self._normal("Oxygen Saturation"),
            "Left ventricular Ejection fraction": lvef,
        }

    def _normal(self, name: str, shift: float = 0.0) -> float:
        mean, sd, low, high = _lab(name, self.sex)
        return min(max(mean + shift + self.z_lab[name] * sd, low), high)

    def _lognormal(self, name: str) -> float:
        mean, sd, low, high = _lab(name, self.sex)
        return min(max(math.exp(math.log(mean) + self.z_lab[name] * sd), low), high)

    def _chemistry(self, age: float, height: float, bmi: float, attributes: dict) -> dict[str, float]:
        p = _params()
        glucose = self._normal("Glucose")
        if _truthy(attributes.get("diabetes")):
            glucose = p["diabetes_glucose"] + 20.0 * self.z_lab["Glucose"]
        elif _truthy(attributes.get("prediabetes")):
            glucose = p["prediabetes_glucose"] + 5.0 * self.z_lab["Glucose"]
        creatinine, egfr = self._kidney(age, height, attributes)
        ages, tc_mean = _by_age("vitals/lipids_by_age.csv", None, "total_cholesterol_mean")
        _, tc_sd, tc_low, tc_high = _lab("Total Cholesterol", self.sex)
        total = min(max(interpolate(age, ages, tc_mean) + self.z_lab["Total Cholesterol"] * tc_sd, tc_low), tc_high)
        triglycerides = self._lognormal("Triglycerides") * min(max(1.0 + 0.03 * (bmi - 27.0), 0.7), 1.6)
        if _truthy(attributes.get("hyperlipidemia")):
            total += p["hyperlipidemia_tc_add"]
            triglycerides *= p["hyperlipidemia_tg_factor"]
        hdl = self._normal("HDL")
        ldl = max(total - hdl - triglycerides / 5.0, 30.0)  # Friedewald
        macr = self._lognormal("Microalbumin Creatinine Ratio")
        if _truthy(attributes.get("diabetes")):
            macr *= 3.0
        if egfr < 60.0:
            macr *= 10.0
        return {
            "Glucose": glucose,
            "Blood Glucose": glucose,
            "Urea Nitrogen": self._normal("Urea Nitrogen"),
            "Creatinine": creatinine,
            "EGFR": egfr,
            "Calcium": self._normal("Calcium"),
            "Sodium": self._normal("Sodium"),
            "Potassium": self._normal("Potassium"),
            "Chloride": self._normal("Chloride"),
            "Carbon Dioxide": self._normal("Carbon Dioxide"),
            "Total Cholesterol": total,
            "Triglycerides": triglycerides,
            "HDL": hdl,
            "LDL": ldl,
            "Microalbumin Creatinine Ratio": macr,
        }

    def _kidney(self, age: float, height: float, attributes: dict) -> tuple[float, float]:
        """(creatinine, eGFR): CKD stage (attribute ``ckd``) sets eGFR and creatinine follows."""
        stage = attributes.get("ckd")
        if isinstance(stage, (int, float)) and not isinstance(stage, bool) and int(stage) in CKD_STAGE_EGFR:
            target = CKD_STAGE_EGFR[int(stage)] * (1.0 + 0.05 * self.z_lab["Creatinine"])
            if age >= 18:
                return creatinine_for_egfr(target, age, self.sex), target
            return 0.413 * height / target, target
        adult = self._normal("Creatinine")
        child = 0.413 * height / (110.0 + 10.0 * self.z_lab["Creatinine"])  # bedside Schwartz, GFR ~110
        if age < 15:
            creatinine = child
        elif age < 20:
            w = (age - 15.0) / 5.0
            creatinine = (1 - w) * child + w * adult
        else:
            creatinine = adult
        egfr = 0.413 * height / creatinine if age < 18 else egfr_ckd_epi_2021(creatinine, age, self.sex)
        return creatinine, egfr

    def growth_attributes(self, age_years: float, vitals: dict[str, float]) -> dict[str, float]:
        """Percentile attributes the wellness modules record: bmi_percentile, current_weight_length_percentile."""
        out: dict[str, float] = {}
        bmi_pct = growth.bmi_percentile(age_years, self.sex, vitals["BMI"])
        if bmi_pct is not None:
            out["bmi_percentile"] = round(bmi_pct, 1)
        if age_years < 2.0:  # weight-for-length approximated by the infant's weight track
            out["current_weight_length_percentile"] = round(growth.percentile_of_z(self.bmi_z(age_years)), 1)
        return out
