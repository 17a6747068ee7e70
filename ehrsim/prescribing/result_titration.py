"""A result showing a drug is not working steps its dose up at that visit (any module library).

Chronic orders are reviewed and titrated when renewed, and most renewals are yearly, so a depressed patient
whose follow-up PHQ-9 stayed at 16-19 kept duloxetine 30 mg (the label's one-week starting dose) for 17 months
(s13review chart review: 29 of 59 patients on an antidepressant had a PHQ-9 of 15 or more after 8 weeks on the
same drug and no change in the next 60 days). When a result of ``result_titration.csv`` is at or above its
threshold, every running chronic drug of the row's class that has a strength plan and has been taken for
``after_days`` (the course, renewals included) is renewed at that visit: below the plan's maximum the renewal takes
the titration decision again (strength.py); at the maximum an antidepressant is switched or augmented by the
regimen (antidepressants.py: never back to a drug that failed). Functions of the ``Pharmacy``, as pregnancy.py.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from ehrsim.core.tables import rows
from ehrsim.errors import ConfigError
from ehrsim.prescribing import antidepressants

if TYPE_CHECKING:
    from ehrsim.prescribing.pharmacy import Pharmacy
    from ehrsim.prescribing.strength import Plan

DAY = 86400.0


@cache
def _rules() -> dict[str, tuple[float, str, float, str]]:
    """LOINC code -> (threshold, drug class, seconds on the drug before a step, reason group or "")."""
    out = {}
    for r in rows("prescribing/result_titration.csv"):
        try:
            out[r["loinc"]] = (
                float(r["at_or_above"]),
                r["drug_class"],
                float(r["after_days"]) * DAY,
                r["reason_group"],
            )
        except ValueError as exc:
            raise ConfigError(f"prescribing/result_titration.csv: {r['loinc']}: {exc}") from exc
    return out


def titrate_on_result(ph: Pharmacy, entry: dict[str, Any], t: float) -> None:
    """Renew the running drugs of the result's class that are due a step when the result shows no response."""
    rule = _rules().get(entry["codes"][0]["code"])
    if rule is None:
        return
    threshold, drug_class, after, group = rule
    value = entry.get("value")
    if not isinstance(value, int | float) or isinstance(value, bool) or value < threshold:
        return
    for med, product in ph._current(t):
        if product is None or drug_class not in product.classes or not med.get("chronic"):
            continue
        if group and not _for_group(ph, med, group):
            continue  # the PHQ-9 judges an antidepressant for depression, not duloxetine for neuropathic pain
        plan = ph.rx.plans.get(med["codes"][0]["code"])
        mg = plan.mg_of(med["codes"][0]["code"]) if plan is not None else None
        if plan is None or mg is None or not plan.titrate or t - _course_start(ph, med, plan) < after:
            continue
        if mg < plan.max:
            if t - med["start"] >= plan.step:  # a renewal at this very visit has just decided the dose
                ph.renew(med, t, entry.get("encounter"))
            continue
        if "antidepressant" in product.classes:  # switch, augment, never back to a failed drug (antidepressants.py)
            antidepressants.on_failure(ph, med, product, t, entry.get("encounter"))


def _for_group(ph: Pharmacy, med: dict[str, Any], group: str) -> bool:
    """The order is for a condition of ``group`` (conditions.csv), or names no reason (a module that gives none)."""
    reasons = med.get("reason") or ()
    return not reasons or any(group in ph.rx.reason_groups.get(r.get("code", ""), ()) for r in reasons)


def _course_start(ph: Pharmacy, med: dict[str, Any], plan: Plan) -> float:
    """When the patient began the drug: the earliest of the orders of the same plan that continue one another."""
    start = med["start"]
    for other in reversed(ph.sim.rec.lists["medications"]):
        if other is med or other["start"] >= start or ph.rx.plans.get(other["codes"][0]["code"]) is not plan:
            continue
        stop = other["stop"]
        if stop is None or stop >= start - DAY:
            start = other["start"]
    return start
