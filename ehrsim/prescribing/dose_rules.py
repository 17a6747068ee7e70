"""When a dose rule holds for this patient now: a dose limit (dose_limits.csv: age, kidney function, conditions,
the order's reason, combined criteria) and whether a titration target is missed or met on the latest result.

Split from ``dosing.py``: these read the patient and the record; dosing writes the order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ehrsim.prescribing import strength as strengths

if TYPE_CHECKING:
    from ehrsim.prescribing.patient import Patient
    from ehrsim.prescribing.pharmacy import Pharmacy


def limit_applies(
    ph: Pharmacy, limit: strengths.Limit, patient: Patient, reasons: Any, administered: bool = False
) -> bool:
    """Does a dose limit hold: the patient's age, kidney function or conditions, or the order's reason
    (``given_for``: a one-off administration for that reason, e.g. aspirin at an acute MI)."""
    kind = limit.kind
    if kind == "age_below":
        return patient.age < limit.threshold
    if kind == "age_at_least":
        return patient.age >= limit.threshold
    if kind == "ckd_stage_at_least":
        return patient.ckd_stage(ph.rx) >= limit.threshold
    if kind == "egfr_below":
        return patient.egfr(ph.rx) < limit.threshold
    if kind == "criteria":  # e.g. apixaban 2.5 mg with two of: 80 or older, 60 kg or less, creatinine 1.5 or more
        return sum(_criterion(ph, patient, name, args) for name, args in strengths.parse_criteria(limit.subject)) >= (
            limit.threshold
        )
    group = ph.rx.condition_groups[limit.subject]
    if kind == "reason_in" or (kind == "given_for" and administered):
        return any(r.get("code") in group for r in reasons)
    if kind == "given_for":
        return False
    active = ph.sim.active["conditions"]  # has_condition
    return any(code in active for code in group)


def _criterion(ph: Pharmacy, patient: Patient, name: str, args: tuple[str, ...]) -> bool:
    if name == "age_at_least":
        return patient.age >= float(args[0])
    if name == "weight_at_most":
        return patient.weight() <= float(args[0])
    obs = ph.sim.latest_observation(args[0])  # result_at_least: the latest measured value
    value = obs["value"] if obs is not None else None
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= float(args[1])


def above(ph: Pharmacy, measure: str, threshold: float, since: float) -> bool:
    """Is the treatment target missed: the true value now (a vital), or a result taken since ``since``."""
    if measure == "always":
        return True
    kind, _, name = measure.partition(":")
    if kind == "vital":
        value = ph.sim.vitals.get(name)
        return value is not None and value > threshold
    obs = ph.sim.latest_observation(name)
    if obs is None or obs["time"] < since:
        return False
    value = obs["value"]
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    return value < threshold if kind == "obs_below" else value > threshold  # obs_below: e.g. FEV1/FVC


def on_target(ph: Pharmacy, measure: str, threshold: float, since: float) -> bool:
    """Does a result taken since ``since`` show the target met (the other side of :func:`above`)?"""
    kind, _, name = measure.partition(":")
    if kind not in ("obs", "obs_below"):
        return False
    obs = ph.sim.latest_observation(name)
    if obs is None or obs["time"] < since:
        return False
    value = obs["value"]
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    return value >= threshold if kind == "obs_below" else value <= threshold
