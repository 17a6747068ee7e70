"""A screening result that calls for action gets it at the visit (any module library).

USPSTF recommends depression screening only where systems ensure diagnosis, treatment and follow-up.
Modules may score a questionnaire and move on (Synthea's library left 40 of 40 PHQ-9 scores of 15 or
more without a diagnosis, drug or referral within 60 days; ours 5 of 310). When a module records a
result at or above a threshold of ``engine/result_follow_up.csv`` for someone not in care for it (no
active condition of the listed codes, no active drug of the listed prescribing class) and not already
referred within the row's days, the core records the follow-up procedure (a referral) in the same visit.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from ehrsim.core.tables import rows
from ehrsim.errors import ConfigError

if TYPE_CHECKING:
    from ehrsim.engine.simulation import Simulation

DAY = 86400.0


@dataclass(frozen=True, slots=True)
class FollowUp:
    at_or_above: float
    in_care_conditions: frozenset[str]
    in_care_class: str
    procedure: tuple[tuple[str, str], ...]  # (key, value) pairs of the code dict
    not_within: float  # seconds


@cache
def follow_ups() -> dict[str, FollowUp]:
    """LOINC code of a result -> the follow-up it calls for."""
    out = {}
    for r in rows("engine/result_follow_up.csv"):
        try:
            out[r["loinc"]] = FollowUp(
                float(r["at_or_above"]),
                frozenset(c for c in r["in_care_conditions"].split(";") if c),
                r["in_care_drug_class"],
                (("system", r["system"]), ("code", r["code"]), ("display", r["display"])),
                float(r["not_within_days"]) * DAY,
            )
        except ValueError as exc:
            raise ConfigError(f"engine/result_follow_up.csv: {r['loinc']}: {exc}") from exc
    return out


def follow_up(sim: Simulation, entry: dict[str, Any]) -> None:
    """Record the follow-up a result calls for (after a module wrote it), unless the patient is in care."""
    rule = follow_ups().get(entry["codes"][0]["code"])
    value = entry.get("value")
    if rule is None or not isinstance(value, int | float) or isinstance(value, bool) or value < rule.at_or_above:
        return
    t = entry["time"]
    active = sim.active
    if any(code in active["conditions"] for code in rule.in_care_conditions):
        return
    products = sim.rx.rx.products
    for med in active["medications"].values():
        product = products.get(med["codes"][0]["code"])
        if product is not None and rule.in_care_class in product.classes and (med["stop"] is None or med["stop"] > t):
            return
    code = dict(rule.procedure)
    if any(p["codes"][0]["code"] == code["code"] and t - p["start"] < rule.not_within for p in _recent(sim, t)):
        return
    sim.write("procedures", {"start": t, "stop": t, "codes": [code], "reason": []}, entry.get("encounter"))


def _recent(sim: Simulation, t: float) -> list[dict[str, Any]]:
    """Procedures of the last days, newest first (the record is in time order)."""
    out = []
    for p in reversed(sim.rec.lists["procedures"]):
        if t - p["start"] > 366 * DAY:
            break
        out.append(p)
    return out
