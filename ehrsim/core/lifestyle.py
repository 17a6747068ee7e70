"""Smoking and alcohol use over a life, as small steps the engine takes with the simulation clock.

Each step returns only the attribute changes (an empty dict when nothing changes). Rates come from
``terminology/demographics/lifestyle.csv``. Smoking starts mostly at 14-25 (a little at 25-35),
stops with a constant yearly quit probability and never restarts: calibrated so current-smoker
prevalence by age resembles NHIS 2021. The quit age is written both as ``quit_smoking_age`` and
as ``"quit smoking age"`` (the name Synthea's JSON modules read).

A smoker's daily cigarettes are fixed at initiation from the same uniform number that started it (no extra
draw): a lognormal fitted to NHIS 2005 daily smokers (16.4 % smoke 1-9 a day, 12.7 % 30 or more; MMWR
2011;60:1207-12), so ``pack_years`` (packs a day x years smoked) grows each year until the smoker quits: the
exposure lung-cancer screening eligibility rests on (USPSTF 2013: 30 pack-years; 2021: 20).
"""

from __future__ import annotations

import math
from functools import cache
from statistics import NormalDist

import numpy as np

from ehrsim.core.tables import Choice, rows

ALCOHOL_LEVELS = ("none", "light", "moderate", "heavy")
ADULT_AGE = 18.0
#: ln(cigarettes a day) ~ Normal(mu, sigma) through NHIS 2005: P(< 9.5) = 16.4 %, P(>= 29.5) = 12.7 %
_CPD_LOW, _CPD_HIGH = (9.5, 0.164), (29.5, 0.127)


@cache
def _rates(behavior: str, sex: str) -> dict[str, float]:
    return {
        r["parameter"]: float(r["value"])
        for r in rows("demographics/lifestyle.csv")
        if r["behavior"] == behavior and r["sex"] == sex
    }


def _sex(attributes: dict) -> str:
    return "F" if attributes.get("gender", attributes.get("sex")) == "F" else "M"


def _chance(yearly: float, dt_years: float) -> float:
    """Probability of an event with a constant yearly probability over ``dt_years``."""
    return 1.0 - (1.0 - yearly) ** max(dt_years, 0.0)


@cache
def _cpd_lognormal() -> tuple[float, float]:
    """(mu, sigma) of ln(cigarettes a day) through the two NHIS 2005 shares."""
    z = NormalDist().inv_cdf
    (low, p_low), (high, p_high) = _CPD_LOW, _CPD_HIGH
    z_low, z_high = z(p_low), z(1.0 - p_high)
    sigma = (math.log(high) - math.log(low)) / (z_high - z_low)
    return math.log(low) - z_low * sigma, sigma


def cigarettes_per_day(q: float) -> float:
    """Daily cigarettes of a smoker at quantile ``q`` of the NHIS 2005 distribution (1-60)."""
    mu, sigma = _cpd_lognormal()
    q = min(max(q, 1e-6), 1.0 - 1e-6)
    return round(min(max(math.exp(mu + sigma * NormalDist().inv_cdf(q)), 1.0), 60.0))


def _smoked(attributes: dict, dt_years: float) -> dict:
    """The pack-years after another ``dt_years`` of smoking (nothing for a smoker without a known intensity)."""
    cpd = attributes.get("cigarettes_per_day")
    if cpd is None:
        return {}
    return {"pack_years": round(float(attributes.get("pack_years") or 0.0) + cpd / 20.0 * dt_years, 1)}


def smoking_step(rng: np.random.Generator, age_years: float, attributes: dict, dt_years: float) -> dict:
    """Start or quit smoking over the last ``dt_years`` (a smoker's pack-years grow); returns the changed attributes."""
    rates = _rates("smoking", _sex(attributes))
    u = rng.random()
    if "smoker" not in attributes:
        return {"smoker": False}
    if attributes["smoker"]:
        smoked = _smoked(attributes, dt_years)
        if u < _chance(rates["quit_rate"], dt_years):
            age = round(age_years, 2)
            return {"smoker": False, "quit_smoking_age": age, "quit smoking age": age, **smoked}
        return smoked
    if attributes.get("quit_smoking_age") is not None or attributes.get("quit smoking age") is not None:
        return {}
    if 14.0 <= age_years < 25.0:
        rate = rates["initiation_rate"]
    elif 25.0 <= age_years < 35.0:
        rate = rates["late_initiation_rate"]
    else:
        return {}
    chance = _chance(rate, dt_years)
    if u < chance:  # u / chance is uniform on [0, 1) given the start: the smoker's intensity quantile
        return {
            "smoker": True,
            "smoking_start_age": round(age_years, 2),
            "cigarettes_per_day": cigarettes_per_day(u / chance),
        }
    return {}


@cache
def _alcohol_choice(sex: str) -> Choice:
    rates = _rates("alcohol", sex)
    return Choice(ALCOHOL_LEVELS, [rates[level] for level in ALCOHOL_LEVELS])


def alcohol_step(rng: np.random.Generator, age_years: float, attributes: dict, dt_years: float) -> dict:
    """Set or re-draw the adult alcohol-use level (``alcohol_use``; ``alcoholic`` when heavy)."""
    if age_years < ADULT_AGE:
        return {} if "alcohol_use" in attributes else {"alcohol_use": "none", "alcoholic": False}
    sex = _sex(attributes)
    current = attributes.get("alcohol_use")
    first_adult_draw = current is None or ("alcohol_first_drawn" not in attributes)
    if not first_adult_draw and rng.random() >= _chance(_rates("alcohol", sex)["change_rate"], dt_years):
        return {}
    level = str(_alcohol_choice(sex).draw(rng))
    changes: dict[str, object] = {"alcohol_use": level, "alcoholic": level == "heavy"}
    if first_adult_draw:
        changes["alcohol_first_drawn"] = round(age_years, 2)
    if level == current and not first_adult_draw:
        return {}
    return changes
