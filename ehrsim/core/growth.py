"""Growth charts as LMS curves: values at a z-score and percentiles of measured values.

LMS (Cole 1990): value = M * (1 + L*S*z)^(1/L), or M * exp(S*z) when L == 0. Tables are by month
of age at selected ages (``terminology/vitals/growth_lms.csv``) and interpolated linearly. BMI above the
95th percentile follows CDC's 2022 extended method (``vitals/extended_bmi.csv``): the LMS tail of the 2000
charts, fitted to children of 1963-1994, explodes there (a 12-year-old girl at z 3.2 had a BMI of 48).
"""

from __future__ import annotations

import math
import statistics
from functools import cache

from ehrsim.core.tables import interpolate, rows

MEASURES = ("height", "weight", "head", "bmi")
Z95 = 1.6448536269514722  # the 95th percentile, where CDC's extended BMI-for-age method takes over
_NORMAL = statistics.NormalDist()


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


@cache
def _extended_sigma(sex: str) -> tuple[float, float, float]:
    row = next(r for r in rows("vitals/extended_bmi.csv") if r["sex"] == sex)
    return float(row["intercept"]), float(row["per_year"]), float(row["per_year_squared"])


def _above_95th(sex: str, age_months: float) -> tuple[float, float]:
    """(P95, sigma) of the extended BMI-for-age method at an age (CDC 2022, Wei et al. 2020)."""
    sex = "M" if sex == "M" else "F"
    a, b, c = _extended_sigma(sex)
    years = min(max(age_months, 24.0), 240.0) / 12.0
    return value_at("bmi", sex, age_months, Z95), a + b * years + c * years * years


def bmi_at(sex: str, age_months: float, z: float) -> float:
    """BMI (kg/m2) at BMI-for-age z-score ``z``: the LMS curve up to the 95th percentile, above it the extended
    method's inverse, P95 + sigma * Phi^-1((100 * Phi(z) - 90) / 10)."""
    if z <= Z95:
        return value_at("bmi", sex, age_months, z)
    p95, sigma = _above_95th(sex, age_months)
    tail = min((_NORMAL.cdf(z) - 0.9) / 0.1, 1.0 - 1e-12)
    return p95 + sigma * _NORMAL.inv_cdf(tail)


def bmi_z(sex: str, age_months: float, bmi: float) -> float:
    """The BMI-for-age z-score of a BMI (extended above the 95th percentile, as ``bmi_at``)."""
    z = zscore("bmi", sex, age_months, bmi)
    if z <= Z95:
        return z
    p95, sigma = _above_95th(sex, age_months)
    share = min(0.9 + 0.1 * _NORMAL.cdf((bmi - p95) / sigma), 1.0 - 1e-12)
    return _NORMAL.inv_cdf(share)


def today_to_reference(z: float, shift: float, scale: float) -> float:
    """The BMI-for-age z-score (extended above the 95th percentile) of a child at standard normal ``z`` of today's
    children, who sit at ``shift + scale * z`` on the CDC 2000 reference.

    Below the 95th percentile that is all. Above it the child keeps its rank among today's children with obesity,
    and the extended method spreads those ranks over the half-normal excess (BMI - P95) / sigma it was fitted to
    (NHANES 1963-2016), so how many have severe obesity does not depend on how far the shift pushes the tail.
    """
    shifted = shift + scale * z
    if shifted <= Z95:
        return shifted
    above_95th = _NORMAL.cdf((shift - Z95) / scale)  # share of today's children at or above the 95th percentile
    return -_NORMAL.inv_cdf(max(0.05 * _NORMAL.cdf(-z) / above_95th, 1e-15))


@cache
def join_gap(sex: str) -> float:
    """The weight-for-age z-score, at 24 months, of a toddler at the median BMI-for-age and height (CDC 2000).

    The WHO standard (breastfed infants) is lighter than the CDC 2000 reference at the join: an infant who keeps
    her weight-for-age z up to 24 months and then follows her BMI-for-age track on the CDC chart climbs by this much
    (about 0.3) in a few months. ``Physiology.bmi`` moves the infant track up by it gradually from birth instead.
    """
    height = value_at("height", sex, 24.0, 0.0) / 100.0
    return zscore("weight", sex, 24.0, bmi_at(sex, 24.0, 0.0) * height * height)


def percentile_of_z(z: float) -> float:
    """0-100 percentile of a z-score."""
    return 50.0 * (1.0 + math.erf(z / math.sqrt(2.0)))


def bmi_percentile(age_years: float, sex: str, bmi: float) -> float | None:
    """BMI-for-age percentile (0-100, CDC 2000; CDC 2022 extended above the 95th) for ages 2-20; None outside."""
    if not 2.0 <= age_years < 20.0 or bmi <= 0:
        return None
    return percentile_of_z(bmi_z(sex, age_years * 12.0, bmi))
