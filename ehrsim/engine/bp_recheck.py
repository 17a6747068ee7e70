"""A child's high blood pressure at a wellness visit is measured again 1-2 weeks later (any module library).

AAP 2017 (Flynn et al., Pediatrics 2017;140:e20171904): a reading at or above the 95th percentile for age and sex
(from 13 years 130/80) is repeated at a visit in 1-2 weeks before anything is concluded. Synthea's library never
rechecks (269 of 282 high readings of children in 300 lives, s16syn). When the wellness visit's own reading is high
(``vitals/child_bp_95th.csv``, at the 50th height percentile; the last age row holds to 18), the core comes back
after ``RECHECK_DAYS`` (18): if no blood pressure was measured since (a module's recheck, as ehrsim's
``child_bp_recheck`` does in 1-2 weeks), a check-up visit records one (``vitals/stay_vitals.csv``, key
``bp_recheck``). Nothing is drawn unless the visit happens.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from ehrsim.core import clock, codes
from ehrsim.core.tables import rows
from ehrsim.engine import stay_vitals
from ehrsim.engine.queue import CALLBACK

if TYPE_CHECKING:
    from ehrsim.engine.simulation import Simulation

DAY = 86400.0
YEAR = 365.25 * DAY
SYSTOLIC, DIASTOLIC = "8480-6", "8462-4"
CHECK_UP = ("SNOMED-CT", "185349003")  # Encounter for check up (procedure), terminology/codes/core.csv
#: when the core looks again: after the AAP's 1-2 weeks and the office day a module's recheck is moved to (ehrsim's
#: own recheck, 7-14 days after the visit, stands); the core's visit then falls within 3 weeks
RECHECK_DAYS = 18.0
MIN_AGE, MAX_AGE = 3.0, 18.0


@cache
def limits() -> dict[tuple[int, str], tuple[float, float]]:
    """(age, sex) -> (systolic, diastolic) 95th percentile."""
    table = rows("vitals/child_bp_95th.csv")
    return {(int(r["age"]), r["sex"]): (float(r["sbp_95"]), float(r["dbp_95"])) for r in table}


def high(age: float, sex: str, sbp: float, dbp: float | None) -> bool:
    table = limits()
    last = max(a for a, _ in table)
    limit = table.get((min(int(age), last), sex))
    return limit is not None and (sbp >= limit[0] or (dbp is not None and dbp >= limit[1]))


def after_wellness(sim: Simulation, enc: dict[str, Any], t: float) -> None:
    """At the wellness visit's end: a high reading of this visit calls the core back for the recheck."""
    age = (t - sim.birth_time) / YEAR
    if not MIN_AGE <= age < MAX_AGE:
        return
    latest = sim.rec.latest_obs
    sbp, dbp = latest.get(SYSTOLIC), latest.get(DIASTOLIC)
    if sbp is None or sbp.get("encounter") != enc["id"] or not isinstance(sbp.get("value"), int | float):
        return
    d = dbp.get("value") if dbp is not None and dbp.get("encounter") == enc["id"] else None
    if not high(age, sim.patient["gender"], float(sbp["value"]), d if isinstance(d, int | float) else None):
        return
    sim.queue.push(t + RECHECK_DAYS * DAY, CALLBACK, 0, _Recheck(sbp["time"], False))


@dataclass(frozen=True, slots=True)
class _Recheck:
    """The core's call back (``Simulation`` runs ``obj(sim, t)`` for CALLBACK events)."""

    since: float  # the high reading
    placed: bool  # already moved to office hours

    def __call__(self, sim: Simulation, t: float) -> None:
        latest = sim.rec.latest_obs.get(SYSTOLIC)
        if latest is not None and latest["time"] > self.since:
            return  # measured again since (a module's recheck, a sick visit)
        desk = sim.desk
        if not self.placed or desk.lock is not None or t < desk.free_at:
            later = clock.place(max(t, desk.free_at), "ambulatory", sim.zone, sim.clock_rng)
            later = max(later, t + 3600.0) if self.placed else later  # busy: an hour later at least
            sim.queue.push(later, CALLBACK, 0, _Recheck(self.since, True))
            return
        enc = desk.new_encounter(t, "ambulatory", [codes.code(*CHECK_UP)], [], "bp_recheck", None)
        desk.free_at = max(desk.free_at, enc["stop"])
        stay_vitals.record(sim, enc, key="bp_recheck")
