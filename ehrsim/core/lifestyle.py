"""Smoking and alcohol use over a life, as small steps the engine takes with the simulation clock.

Each step returns only the attribute changes (an empty dict when nothing changes). Rates come from
``terminology/demographics/lifestyle.csv``. Smoking starts mostly at 14-25 (a little at 25-35),
stops with a constant yearly quit probability and never restarts: calibrated so current-smoker
prevalence by age resembles NHIS 2021. The quit age is written both as ``quit_smoking_age`` and
as ``"quit smoking age"`` (the name Synthea's JSON modules read).
"""

from __future__ import annotations

from functools import cache

import numpy as np

from ehrsim.core.tables import Choice, rows

ALCOHOL_LEVELS = ("none", "light", "moderate", "heavy")
ADULT_AGE = 18.0


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


def smoking_step(rng: np.random.Generator, age_years: float, attributes: dict, dt_years: float) -> dict:
    """Start or quit smoking over the last ``dt_years``; returns the changed attributes."""
    rates = _rates("smoking", _sex(attributes))
    u = rng.random()
    if "smoker" not in attributes:
        return {"smoker": False}
    if attributes["smoker"]:
        if u < _chance(rates["quit_rate"], dt_years):
            age = round(age_years, 2)
            return {"smoker": False, "quit_smoking_age": age, "quit smoking age": age}
        return {}
    if attributes.get("quit_smoking_age") is not None or attributes.get("quit smoking age") is not None:
        return {}
    if 14.0 <= age_years < 25.0:
        rate = rates["initiation_rate"]
    elif 25.0 <= age_years < 35.0:
        rate = rates["late_initiation_rate"]
    else:
        return {}
    if u < _chance(rate, dt_years):
        return {"smoker": True, "smoking_start_age": round(age_years, 2)}
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
