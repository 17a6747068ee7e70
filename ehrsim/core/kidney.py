"""The latent kidney function: an adult's true eGFR falls no faster than kidneys lose function.

Everything that moves eGFR (a CKD stage's band, a module's hidden stage such as Synthea's ``ckd``, a value a
module set with a VitalSign, an Observation range, a drug) gives the *target* of the state; the true eGFR follows
a falling target at most ``egfr_chronic_decline_max_per_year`` (KDIGO 2012 CKD guideline 2.1.3: a sustained
decline of more than 5 mL/min/1.73m2 a year is rapid progression), so a stage a module draws at one visit is
reached over years, as the measured results then show, and a stage is diagnosed when they do. Within
``egfr_acute_days`` of the onset of an acute cause (acute kidney injury, sepsis, septic shock: ``kidney_acute.csv``)
the fall is not limited. A rise (recovery, a module's higher value) is not limited. Children's eGFR (bedside
Schwartz of a growing child) is not latent.
"""

from __future__ import annotations

import math
from functools import cache
from typing import TYPE_CHECKING

from ehrsim.core.physio_effects import params
from ehrsim.core.physio_tables import creatinine_for_egfr, egfr_ckd_epi_2021
from ehrsim.core.tables import interpolate_many, rows

if TYPE_CHECKING:
    from ehrsim.core.physiology import Physiology

YEAR = 365.25 * 86400.0
ADULT = 18.0


@cache
def acute_codes() -> frozenset[str]:
    """SNOMED CT codes of acute causes under which eGFR may fall at any speed (``physiology/kidney_acute.csv``)."""
    return frozenset(r["code"] for r in rows("physiology/kidney_acute.csv"))


def acute(conditions: dict[str, dict] | None, t: float) -> bool:
    """Whether an acute cause of a fast eGFR fall began in the last ``egfr_acute_days`` (a library may leave sepsis
    active for decades: Synthea's sepsis of 1971 still lifted the limit in 2019)."""
    if not conditions or acute_codes().isdisjoint(conditions):
        return False
    window = params()["egfr_acute_days"] * 86400.0
    return any(t - conditions[code].get("start", t) <= window for code in acute_codes() if code in conditions)


def lowest(phys: Physiology, t: float) -> float:
    """The lowest true eGFR the kidney can have at ``t`` (0 when nothing limits it: no earlier value, or an acute
    cause active at the last update)."""
    last = phys.kidney
    if last is None or last[2]:
        return 0.0
    since, value, _ = last
    return value - params()["egfr_chronic_decline_max_per_year"] * max(t - since, 0.0) / YEAR


def follow(
    phys: Physiology, target: float, t: float, conditions: dict[str, dict] | None, ceiling: float | None = None
) -> float:
    """The true eGFR at ``t`` given the ``target`` everything else dictates, remembered for the next step.

    ``ceiling``: the top of a diagnosed stage's band (``physio_effects.diagnosed_ceiling``). A library that diagnoses
    a stage the results have not reached (Synthea's, from its hidden ``ckd`` a few months on) puts the value at the
    band's edge, not lower, so the chart's stage and its results agree and the fall is the least the chart needs."""
    now_acute = acute(conditions, t)
    value = target if now_acute else max(target, lowest(phys, t))
    if ceiling is not None and value > ceiling:
        value = max(ceiling, target)
    phys.kidney = (t, value, now_acute)
    return value


def creatinine_within_reach(phys: Physiology, creatinine: float, t: float, age: float) -> float:
    """A module's creatinine (an Observation range) as high as the kidney can have reached by ``t``, no higher."""
    floor = lowest(phys, t)
    if floor <= 0.0 or egfr_ckd_epi_2021(creatinine, age, phys.sex) >= floor:
        return creatinine
    return creatinine_for_egfr(floor, age, phys.sex)


@cache
def potassium_table() -> tuple[tuple[float, ...], tuple[float, ...], tuple[float, ...]]:
    """(eGFR knots, potassium rise, factor on a drug's potassium rise) of ``physiology/potassium_by_egfr.csv``."""
    table = sorted(rows("physiology/potassium_by_egfr.csv"), key=lambda r: float(r["egfr"]))
    return (
        tuple(float(r["egfr"]) for r in table),
        tuple(float(r["shift"]) for r in table),
        tuple(float(r["raas_factor"]) for r in table),
    )


def potassium_rise(phys: Physiology, egfr: float, drug_rise: float) -> float:
    """How much an adult's potassium rises above the person's baseline at this true eGFR: the kidney excretes less as
    eGFR falls (the rise spreads between people: ``potassium_egfr_sd_log``), and the rise a RAAS inhibitor or MRA
    gives (``drug_rise``, already in the state) grows with it (Bakris 2000: about twice at GFR 30-60)."""
    if egfr >= 60.0:
        return 0.0
    knots, shifts, factors = potassium_table()
    shift, factor = interpolate_many(egfr, knots, shifts, factors)
    spread = math.exp(params()["potassium_egfr_sd_log"] * phys.z("potassium_egfr"))
    return shift * spread + (factor - 1.0) * drug_rise
