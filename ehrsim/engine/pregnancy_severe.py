"""A severe-range blood pressure with pre-eclampsia, whichever visit recorded it: confirmed, admitted, delivered.

ACOG Practice Bulletin 222 (2020): a systolic >= 160 or diastolic >= 110 mm Hg in pre-eclampsia is a severe feature;
it is confirmed by a repeat reading (within minutes, "to facilitate timely antihypertensive therapy", and at most
4 hours), and pre-eclampsia with severe features at or beyond 34 0/7 weeks is delivered once the mother is
stabilised. The prenatal visit counted only its own readings (``pregnancy_severe_bp_readings``,
pregnancy/prenatal_visit), so a severe reading at a sick or wellness visit was not seen: on 2,000 lives a woman with
pre-eclampsia read 162/92 at her 34-week visit and 165/97 at a cystitis visit five days later, and was delivered 16
days after that (``care.severe_preeclampsia_delivered``, s19mom). The core now counts every other visit's severe
reading in the same counter. The second one (the first may be the prenatal visit's) admits her for delivery: the
pregnancy module is moved to ``Severe_Features_Admission``, and its delivery charts "Severe pre-eclampsia". A first
one sends her to obstetric triage (an emergency visit) 15 minutes after it, whose blood pressure (the class's
vital signs, ``engine/stay_vitals``) is the repeat: severe again, she is admitted; not, the next prenatal visit
goes on. Libraries without the state (Synthea's) are untouched; nothing is drawn unless the triage visit happens.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ehrsim.core import codes
from ehrsim.engine import force, stay_vitals
from ehrsim.engine.queue import CALLBACK

if TYPE_CHECKING:
    from ehrsim.engine.simulation import Simulation
    from ehrsim.gmf.run import ModuleRun

PREECLAMPSIA = "preeclampsia"  # set by the pregnancy module when it diagnoses pre-eclampsia (from 34 weeks)
COUNT = "pregnancy_severe_bp_readings"  # the prenatal visit's count of severe readings (reset at conception)
MODULE = "pregnancy"
ADMIT = "Severe_Features_Admission"  # modules/pregnancy.json: leads to the delivery
DELIVER_FROM_WEEKS = 34  # ACOG PB 222: with severe features at or beyond 34 0/7 weeks, delivery
CONFIRM_AFTER = 15 * 60.0  # ACOG PB 222 / Committee Opinion 767: the repeat reading 15 minutes later
CONFIRM_WITHIN = 4 * 3600.0  # ... and no later than 4 hours
TRIAGE = ("SNOMED-CT", "50849002")  # Emergency room admission (procedure), terminology/codes/core.csv
TRIAGE_MODULE = "pregnancy_triage"
PREECLAMPSIA_CODE = "398254007"  # Pre-eclampsia (disorder), the triage visit's reason


def _pregnancy_run(sim: Simulation) -> ModuleRun | None:
    run = force.run_of(sim, MODULE)
    return run if run is not None and ADMIT in run.top.nodes else None


def _in_its_care(sim: Simulation, run: ModuleRun, encounter_id: Any) -> bool:
    """The pregnancy module is at a visit or in its delivery (its own readings it counts itself)."""
    if run.encounter is not None or run.stack:
        return True
    for enc in reversed(sim.rec.lists["encounters"]):
        if enc["id"] == encounter_id:
            return str(enc.get("module") or "") == MODULE
    return False


def found(sim: Simulation, entry: dict[str, Any], weeks: float) -> None:
    """A severe-range reading at ``weeks`` of a pregnancy with pre-eclampsia (``pregnancy_bp.observed``)."""
    run = _pregnancy_run(sim)
    if run is None or weeks < DELIVER_FROM_WEEKS or _in_its_care(sim, run, entry.get("encounter")):
        return
    held = sim.attributes.get(COUNT)
    count = (int(held) if isinstance(held, int | float) else 0) + 1
    sim.set_attribute(COUNT, count)
    t = float(entry["time"])
    if count >= 2:  # confirmed: severe features
        force.at(sim, t, _admit)
    else:
        sim.queue.push(t + CONFIRM_AFTER, CALLBACK, 0, _Triage(t))


def _admit(sim: Simulation, t: float) -> None:
    """Admitted for delivery (the module's delivery admission opens once the visit she is in ends)."""
    run = _pregnancy_run(sim)
    if run is None or sim.attributes.get("pregnancy") is not True or run.encounter is not None or run.stack:
        return  # delivered already, or at a prenatal visit whose own check now finds the severe features
    force.force_state(sim, run, ADMIT, t)


@dataclass(frozen=True, slots=True)
class _Triage:
    """Obstetric triage after a first severe reading: the repeat blood pressure (a CALLBACK event)."""

    since: float  # the severe reading

    def __call__(self, sim: Simulation, t: float) -> None:
        run = _pregnancy_run(sim)
        if run is None or sim.attributes.get("pregnancy") is not True or run.encounter is not None or run.stack:
            return
        latest = sim.rec.latest_obs.get("8480-6")
        if latest is not None and latest["time"] > self.since:
            return  # measured again since (a prenatal visit)
        desk = sim.desk
        if desk.lock is not None or t < desk.free_at:  # the visit of the reading still open
            if t + CONFIRM_AFTER - self.since <= CONFIRM_WITHIN:
                sim.queue.push(max(t + CONFIRM_AFTER, desk.free_at), CALLBACK, 0, self)
            return
        active = sim.rec.active["conditions"].get(PREECLAMPSIA_CODE)
        reason = [dict(active["codes"][0])] if active is not None else []
        enc = desk.new_encounter(t, "emergency", [codes.code(*TRIAGE)], reason, TRIAGE_MODULE, None)
        desk.free_at = max(desk.free_at, enc["stop"])
        stay_vitals.record(sim, enc)  # its blood pressure comes back through pregnancy_bp.observed
