"""Creatinine-based eGFR equations and their inverses: CKD-EPI 2021 and 2009, MDRD, the bedside Schwartz.

Laboratories reported the equation of their era (``egfr_eras.csv``); the state's creatinine is derived from its
eGFR through the inverse, so a reported pair always agrees. Split from ``labs.py``: the equations are arithmetic,
measuring is not.
"""

from __future__ import annotations

from collections.abc import Callable

from ehrsim.core.physio_tables import creatinine_for_egfr
from ehrsim.core.physiology import egfr_ckd_epi_2021


def egfr_equation(equation: str, creatinine: float, age: float, sex: str) -> float:
    """eGFR (mL/min/1.73 m2) by a named equation, without race coefficients (see SOURCES.md)."""
    if equation == "ckd_epi_2021":
        return egfr_ckd_epi_2021(creatinine, age, sex)
    if equation == "ckd_epi_2009":
        kappa, alpha = (0.9, -0.411) if sex == "M" else (0.7, -0.329)
        ratio = creatinine / kappa
        value = 141.0 * min(ratio, 1.0) ** alpha * max(ratio, 1.0) ** -1.209 * 0.993**age
        return value * (1.018 if sex == "F" else 1.0)
    if equation in ("mdrd_186", "mdrd_175"):
        scale = 186.0 if equation == "mdrd_186" else 175.0
        return scale * creatinine**-1.154 * max(age, 18.0) ** -0.203 * (0.742 if sex == "F" else 1.0)
    raise ValueError(f"unknown eGFR equation {equation!r}")


SCHWARTZ_K = 0.413  # bedside Schwartz: eGFR = k x height (cm) / creatinine (mg/dL)


def schwartz_bedside(creatinine: float, height_cm: float) -> float:
    """Children's eGFR (mL/min/1.73 m2) = 0.413 x height (cm) / creatinine (mg/dL) (Schwartz et al., J Am
    Soc Nephrol 2009;20:629-637), the equation the state's children's creatinine is derived with."""
    return SCHWARTZ_K * height_cm / max(creatinine, 0.1)


def creatinine_at(equation: str, egfr: float, age: float, sex: str) -> float:
    """The creatinine at which ``equation`` gives ``egfr`` (eGFR falls as creatinine rises: bisection)."""
    if equation == "ckd_epi_2021":
        return creatinine_for_egfr(egfr, age, sex)
    at = _at_creatinine(equation, age, sex)
    lo, hi = 0.05, 40.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if at(mid) > egfr:
            lo = mid
        else:
            hi = mid
    return lo


def _at_creatinine(equation: str, age: float, sex: str) -> Callable[[float], float]:
    """``egfr_equation`` as a function of creatinine alone, for the 60 steps of ``creatinine_at``'s bisection (about
    40 reference ranges a creatinine result before 2021: ~1 % of the time on Synthea's library). The factors that do
    not depend on creatinine are computed once, and each product is taken in ``egfr_equation``'s order, so every
    value is the same float."""
    if equation == "ckd_epi_2009":
        kappa, alpha = (0.9, -0.411) if sex == "M" else (0.7, -0.329)
        aging, female = 0.993**age, 1.018 if sex == "F" else 1.0

        def ckd_epi_2009(creatinine: float) -> float:
            ratio = creatinine / kappa
            return 141.0 * min(ratio, 1.0) ** alpha * max(ratio, 1.0) ** -1.209 * aging * female

        return ckd_epi_2009
    if equation in ("mdrd_186", "mdrd_175"):
        scale = 186.0 if equation == "mdrd_186" else 175.0
        aging, female = max(age, 18.0) ** -0.203, 0.742 if sex == "F" else 1.0
        return lambda creatinine: scale * creatinine**-1.154 * aging * female
    return lambda creatinine: egfr_equation(equation, creatinine, age, sex)
