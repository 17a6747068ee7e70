"""Growth charts as LMS curves: values at a z-score and percentiles of measured values.

LMS (Cole 1990): value = M * (1 + L*S*z)^(1/L), or M * exp(S*z) when L == 0. Tables are by month
of age at selected ages (``terminology/vitals/growth_lms.csv``) and interpolated linearly.
"""

from __future__ import annotations

import math
from functools import cache

from ehrsim.core.tables import interpolate, rows

MEASURES = ("height", "weight", "head", "bmi")


@cache
def _curve(measure: str, sex: str) -> tuple[list[float], list[float], list[float], list[float]]:
    table = [r for r in rows("vitals/growth_lms.csv") if r["measure"] == measure and r["sex"] == sex]
    if not table:
        raise KeyError(f"no growth curve for {measure}/{sex}")
    table.sort(key=lambda r: float(r["age_months"]))
    return (
        [float(r["age_months"]) for r in table],
        [float(r["L"]) for r in table],
        [float(r["M"]) for r in table],
        [float(r["S"]) for r in table],
    )


def lms(measure: str, sex: str, age_months: float) -> tuple[float, float, float]:
    """(L, M, S) at an age (clamped to the table's range)."""
    ages, ls, ms, ss = _curve(measure, "M" if sex == "M" else "F")
    return interpolate(age_months, ages, ls), interpolate(age_months, ages, ms), interpolate(age_months, ages, ss)


def value_at(measure: str, sex: str, age_months: float, z: float) -> float:
    """The measurement at z-score ``z``."""
    low, median, spread = lms(measure, sex, age_months)
    if abs(low) < 1e-6:
        return median * math.exp(spread * z)
    base = 1.0 + low * spread * z
    # far tails of skewed curves can leave the LMS domain; clamp to a small positive base
    return median * max(base, 0.05) ** (1.0 / low)


def zscore(measure: str, sex: str, age_months: float, value: float) -> float:
    """The z-score of a measured value."""
    low, median, spread = lms(measure, sex, age_months)
    if abs(low) < 1e-6:
        return math.log(value / median) / spread
    return ((value / median) ** low - 1.0) / (low * spread)


def percentile_of_z(z: float) -> float:
    """0-100 percentile of a z-score."""
    return 50.0 * (1.0 + math.erf(z / math.sqrt(2.0)))


def bmi_percentile(age_years: float, sex: str, bmi: float) -> float | None:
    """BMI-for-age percentile (0-100, CDC 2000) for ages 2-20; None outside that range."""
    if not 2.0 <= age_years < 20.0 or bmi <= 0:
        return None
    return percentile_of_z(zscore("bmi", sex, age_years * 12.0, bmi))
