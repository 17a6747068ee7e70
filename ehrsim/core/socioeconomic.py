"""Income, education, poverty, insurance and social needs (Synthea's socioeconomic attributes).

Education and household income are drawn jointly through a Gaussian copula (rank correlation
from ``parameters.csv``) so that richer people are more educated, as in the census; each
marginal is the published national distribution.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

import numpy as np

from ehrsim.core.tables import Choice, parameters, rows

EDUCATION_LEVELS = ("less_than_hs", "hs_degree", "some_college", "bs_degree")
INSURANCE_STATUSES = ("private", "medicaid", "medicare", "dual_eligible", "none")
MEDICARE_AGE = 65


def _params() -> dict[str, float]:
    return parameters("demographics/parameters.csv")


def _phi(z: float) -> float:
    """Standard normal CDF."""
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


@cache
def _education() -> tuple[Choice, dict[str, dict[str, str]]]:
    table = rows("demographics/education.csv")
    return Choice([r["level"] for r in table], [float(r["share"]) for r in table]), {r["level"]: r for r in table}


@cache
def _income() -> Choice:
    table = rows("demographics/income.csv")
    brackets = [(float(r["income_from"]), float(r["income_to"])) for r in table]
    return Choice(brackets, [float(r["share"]) for r in table])


@cache
def _household() -> Choice:
    table = rows("demographics/household_size.csv")
    return Choice([int(r["size"]) for r in table], [float(r["share"]) for r in table])


def poverty_line(household_size: int) -> float:
    """HHS poverty guideline (USD/year) for a household of this size."""
    p = _params()
    return p["fpl_first_person"] + p["fpl_per_extra_person"] * (max(household_size, 1) - 1)


def draw_socioeconomics(rng: np.random.Generator, age: float) -> dict[str, Any]:
    """Household income, education, poverty ratio and the 0-1 levels behind the SES score.

    Children get their household's income and the education of its head (so the SDoH questions
    modules ask about "your household" stay consistent).
    """
    rho = _params()["income_education_correlation"]
    z_education, z_noise = rng.standard_normal(2)
    z_income = rho * z_education + math.sqrt(1 - rho * rho) * z_noise
    choice, by_level = _education()
    education = str(choice.at_quantile(_phi(float(z_education))))
    low, high = _income().at_quantile(_phi(float(z_income)))
    income = int(round(low + (high - low) * rng.random(), -1))
    size = int(_household().draw(rng))
    if age < 18 and size < 2:
        size = 2
    level = by_level[education]
    education_level = float(level["level_min"]) + (float(level["level_max"]) - float(level["level_min"])) * rng.random()
    occupation_level = min(1.0, max(0.0, float(level["occupation_level"]) + 0.1 * float(rng.standard_normal())))
    return {
        "income": income,
        "education": education,
        "household_size": size,
        "poverty_ratio": round(income / poverty_line(size), 3),
        "income_level": round(min(1.0, income / _params()["income_level_max"]), 4),
        "education_level": round(education_level, 4),
        "occupation_level": round(occupation_level, 4),
    }


def ses_category(attributes: dict[str, Any]) -> str:
    """Synthea's socioeconomic category: score = 0.2 income + 0.7 education + 0.1 occupation level.

    Low < 0.25 <= Middle < 0.66 <= High.
    """
    score = (
        0.2 * float(attributes.get("income_level", 0.0))
        + 0.7 * float(attributes.get("education_level", 0.0))
        + 0.1 * float(attributes.get("occupation_level", 0.0))
    )
    if score < 0.25:
        return "Low"
    return "Middle" if score < 0.66 else "High"


@cache
def _insurance_rows() -> tuple[dict[str, str], ...]:
    return rows("demographics/insurance.csv")


def draw_insurance(rng: np.random.Generator, age: float, poverty_ratio: float) -> str:
    """Coverage by age band and income-to-poverty ratio (insurance.csv)."""
    for row in _insurance_rows():
        if float(row["age_from"]) <= age < float(row["age_to"]) and (
            float(row["poverty_from"]) <= poverty_ratio < float(row["poverty_to"])
        ):
            return str(Choice(INSURANCE_STATUSES, [float(row[s]) for s in INSURANCE_STATUSES]).draw(rng))
    return "none"


def insurance_update(attributes: dict[str, Any], age_years: float) -> dict[str, Any]:
    """The insurance change due at this age, as attribute changes (empty when none).

    Rule at 65: everyone becomes Medicare-covered; people on Medicaid, or below the poverty line,
    become dual-eligible (Medicare + Medicaid). Coverage is otherwise kept as drawn.
    """
    status = attributes.get("insurance_status")
    if age_years < MEDICARE_AGE or status in ("medicare", "dual_eligible"):
        return {}
    poor = float(attributes.get("poverty_ratio", 10.0)) < 1.0
    return {"insurance_status": "dual_eligible" if status == "medicaid" or poor else "medicare"}


def _income_band(poverty_ratio: float) -> str:
    if poverty_ratio < 1.0:
        return "below_poverty"
    return "near_poverty" if poverty_ratio < 2.0 else "above"


def draw_social_needs(rng: np.random.Generator, age: float, poverty_ratio: float) -> dict[str, bool]:
    """food_insecurity, severe_housing_cost_burden, unemployed, no_vehicle_access (sdoh.csv)."""
    column = _income_band(poverty_ratio)
    needs: dict[str, bool] = {}
    for row in rows("demographics/sdoh.csv"):
        eligible = age >= float(row["age_from"])
        needs[row["attribute"]] = bool(eligible and rng.random() < float(row[column]))
    return needs


@cache
def _orientation() -> Choice:
    table = rows("demographics/sexual_orientation.csv")
    return Choice([r["orientation"] for r in table], [float(r["share"]) for r in table])


def draw_sexual_orientation(rng: np.random.Generator) -> str:
    """heterosexual / homosexual / bisexual (NHIS 2019 shares)."""
    return str(_orientation().draw(rng))
