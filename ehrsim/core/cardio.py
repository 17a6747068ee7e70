"""Cardiovascular risk attributes that Synthea's heart modules read (mi_risk, stroke_risk, ...).

Simplification (documented): the 10-year hard-ASCVD risk comes from the 2013 ACC/AHA Pooled
Cohort Equations (white equations for every race but black, as the guideline advises); ages
outside 40-79 use the nearest fitted age, and below 40 the risk is scaled down linearly to 0 at
20. The 10-year risk is split into MI, stroke and stable IHD with fixed shares and turned into a
constant monthly probability, p_month = 1 - (1 - p_10y)^(1/120). Atrial fibrillation uses an
age/sex incidence table times risk-factor multipliers. All constants are in terminology/vitals.
"""

from __future__ import annotations

import math
from functools import cache

from ehrsim.core.tables import band, parameters, rows

MONTHS_PER_10_YEARS = 120


def _params() -> dict[str, float]:
    return parameters("vitals/cardio_parameters.csv")


@cache
def _coefficients(group: str) -> dict[str, float]:
    return {r["term"]: float(r["coefficient"]) for r in rows("vitals/pce_coefficients.csv") if r["group"] == group}


def _truthy(value: object) -> bool:
    return value not in (None, False, 0, "", "false")


def pooled_cohort_risk(
    age: float,
    sex: str,
    race: str,
    total_cholesterol: float,
    hdl: float,
    sbp: float,
    treated: bool,
    smoker: bool,
    diabetes: bool,
) -> float:
    """10-year hard-ASCVD risk (0-1) by the Pooled Cohort Equations at a fitted age (40-79)."""
    c = _coefficients(f"{'black' if race == 'black' else 'white'}_{'M' if sex == 'M' else 'F'}")
    ln_age = math.log(age)
    ln_tc, ln_hdl, ln_sbp = math.log(total_cholesterol), math.log(hdl), math.log(sbp)
    terms = {
        "ln_age": ln_age,
        "ln_age_sq": ln_age * ln_age,
        "ln_tc": ln_tc,
        "ln_age_x_ln_tc": ln_age * ln_tc,
        "ln_hdl": ln_hdl,
        "ln_age_x_ln_hdl": ln_age * ln_hdl,
        "ln_treated_sbp": ln_sbp if treated else 0.0,
        "ln_age_x_ln_treated_sbp": ln_age * ln_sbp if treated else 0.0,
        "ln_untreated_sbp": 0.0 if treated else ln_sbp,
        "ln_age_x_ln_untreated_sbp": 0.0 if treated else ln_age * ln_sbp,
        "smoker": 1.0 if smoker else 0.0,
        "ln_age_x_smoker": ln_age if smoker else 0.0,
        "diabetes": 1.0 if diabetes else 0.0,
    }
    total = sum(c.get(name, 0.0) * value for name, value in terms.items())
    return 1.0 - c["baseline_survival"] ** math.exp(total - c["mean_sum"])


def _monthly(risk: float, months: float) -> float:
    risk = min(max(risk, 0.0), 0.999)
    return 1.0 - (1.0 - risk) ** (1.0 / months)


def cardiovascular_risk(
    age_years: float, sex: str, race: str, vitals: dict[str, float], attributes: dict[str, object]
) -> dict[str, float]:
    """Monthly event probabilities: cardio_risk, mi_risk, ihd_risk, stroke_risk, atrial_fibrillation_risk."""
    p = _params()
    fitted_age = min(max(age_years, p["pce_age_min"]), p["pce_age_max"])
    treated = _truthy(attributes.get("hypertension"))
    ten_year = pooled_cohort_risk(
        fitted_age,
        sex,
        race,
        total_cholesterol=max(vitals.get("Total Cholesterol", 190.0), 50.0),
        hdl=max(vitals.get("HDL", 50.0), 10.0),
        sbp=max(vitals.get("Systolic Blood Pressure", 120.0), 60.0),
        treated=treated,
        smoker=_truthy(attributes.get("smoker")),
        diabetes=_truthy(attributes.get("diabetes")),
    )
    if age_years < p["pce_age_min"]:
        zero = p["young_risk_age_zero"]
        ten_year *= max(0.0, (age_years - zero) / (p["pce_age_min"] - zero))
    row = band(age_years, rows("vitals/afib_incidence.csv"))
    afib_year = float(row["male" if sex == "M" else "female"])
    if treated:
        afib_year *= p["afib_hypertension_factor"]
    if vitals.get("BMI", 0.0) >= 30.0:
        afib_year *= p["afib_obesity_factor"]
    if _truthy(attributes.get("chf")):
        afib_year *= p["afib_heart_failure_factor"]
    return {
        "cardio_risk": _monthly(ten_year, MONTHS_PER_10_YEARS),
        "mi_risk": _monthly(ten_year * p["mi_share"], MONTHS_PER_10_YEARS),
        "ihd_risk": _monthly(ten_year * p["ihd_share"], MONTHS_PER_10_YEARS),
        "stroke_risk": _monthly(ten_year * p["stroke_share"], MONTHS_PER_10_YEARS),
        "atrial_fibrillation_risk": _monthly(afib_year, 12),
    }
