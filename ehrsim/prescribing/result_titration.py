"""A result showing a drug is not working steps its dose up at that visit (any module library).

Chronic orders are reviewed and titrated when renewed, and most renewals are yearly, so a depressed patient
whose follow-up PHQ-9 stayed at 16-19 kept duloxetine 30 mg (the label's one-week starting dose) for 17 months
(s13review chart review: 29 of 59 patients on an antidepressant had a PHQ-9 of 15 or more after 8 weeks on the
same drug and no change in the next 60 days). When a result of ``result_titration.csv`` is at or above its
threshold, every running chronic drug of the row's class that has a strength plan below its maximum and has been
taken for ``after_days`` is renewed at that visit; the renewal takes the titration decision again (strength.py).
Functions of the ``Pharmacy``, as pregnancy.py.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from ehrsim.core.tables import rows
from ehrsim.errors import ConfigError

if TYPE_CHECKING:
    from ehrsim.prescribing.pharmacy import Pharmacy

DAY = 86400.0


@cache
def _rules() -> dict[str, tuple[float, str, float]]:
    """LOINC code -> (threshold, drug class, seconds on the drug before a step)."""
    out = {}
    for r in rows("prescribing/result_titration.csv"):
        try:
            out[r["loinc"]] = (float(r["at_or_above"]), r["drug_class"], float(r["after_days"]) * DAY)
        except ValueError as exc:
            raise ConfigError(f"prescribing/result_titration.csv: {r['loinc']}: {exc}") from exc
    return out


def titrate_on_result(ph: Pharmacy, entry: dict[str, Any], t: float) -> None:
    """Renew the running drugs of the result's class that are due a step when the result shows no response."""
    rule = _rules().get(entry["codes"][0]["code"])
    if rule is None:
        return
    threshold, drug_class, after = rule
    value = entry.get("value")
    if not isinstance(value, int | float) or isinstance(value, bool) or value < threshold:
        return
    for med, product in ph._current(t):
        if product is None or drug_class not in product.classes or not med.get("chronic"):
            continue
        plan = ph.rx.plans.get(med["codes"][0]["code"])
        mg = plan.mg_of(med["codes"][0]["code"]) if plan is not None else None
        if plan is None or mg is None or mg >= plan.max or not plan.titrate or t - med["start"] < after:
            continue
        ph.renew(med, t, entry.get("encounter"))
