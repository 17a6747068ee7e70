"""The ward stay after a major operation, for any module library.

The chart review found a radical cystectomy and a nephrectomy discharged 24 hours after admission (the encounter's
provisional end: the module ends the stay at once). When a module ends an inpatient stay in which an operation of
``terminology/engine/surgery_stays.csv`` was done, the stay lasts at least that operation's usual postoperative stay
(national surgical registry medians); other modules' visits wait for the discharge.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from ehrsim.core.tables import rows

if TYPE_CHECKING:
    from ehrsim.engine.simulation import Simulation

__all__ = ["minimum_stop"]

DAY = 86400.0


@cache
def _min_days() -> dict[str, float]:
    return {r["code"]: float(r["min_days"]) for r in rows("engine/surgery_stays.csv")}


def minimum_stop(sim: Simulation, enc: dict[str, Any]) -> float | None:
    """The earliest discharge after the listed operations done in ``enc`` (None: none was done)."""
    table = _min_days()
    days = 0.0
    enc_id, start = enc["id"], enc["start"]
    for p in reversed(sim.rec.lists["procedures"]):
        if p["encounter"] == enc_id:
            days = max(days, table.get(p["codes"][0]["code"], 0.0))
        elif p["start"] < start - DAY:
            break
    return start + days * DAY if days else None
