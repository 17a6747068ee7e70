"""The newborn's birth stay in the record, for any module library (the plan is ``core.birth_stay``).

At birth, before any module runs, a newborn born in hospital is admitted: the stay (a NICU admission under 34
weeks) with the newborn's weight, length and head circumference and admission vital signs, the gestational age,
a premature-birth finding under 37 weeks, and the newborn care of its era (vitamin K, the metabolic and hearing
screens, the predischarge bilirubin). The hepatitis B birth dose is given in this stay (``care.vaccine_visit``).
Office visits and module encounters wait until the discharge (the desk is busy until then). Its draws come from
a stream spawned from the vaccine stream after every earlier spawn, and measurements use that stream too, so no
module's draws move.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ehrsim.core import bilirubin, birth_stay, codes, ref_ranges
from ehrsim.engine import nicu_growth, stay_vitals
from ehrsim.engine.parameters import care as care_parameters

if TYPE_CHECKING:
    from ehrsim.engine.simulation import Simulation

__all__ = ["admit", "first_visit_from", "weight"]

BIRTH_STAY = ("SNOMED-CT", "32485007")
NICU_STAY = ("SNOMED-CT", "830077005")
LIVEBORN_IN_HOSPITAL = ("SNOMED-CT", "442311008")
PREMATURE = ("SNOMED-CT", "367494004")
GESTATIONAL_AGE = ("LOINC", "18185-9")
DISCHARGED_HOME = ("NUBC", "01")
#: the attribute naming the newborn's band of completed weeks (natural_causes' infant death chance reads it)
GESTATION_BAND = "birth_gestation_band"


def admit(sim: Simulation) -> None:
    """Plan the birth and, for a hospital birth, record the stay (called once, at birth, before the first event)."""
    rng = sim.vaccine_rng.spawn(1)[0]
    born = sim.birth_time
    plan = birth_stay.plan(rng, born, sim.end_time, sim.zone)
    sim.birth_plan = plan
    sim.physiology.gestation_days = plan.gestation_days
    sim.set_attribute(GESTATION_BAND, birth_stay.gestation_band(plan.gestation_days))  # infant death by gestation
    if not plan.in_hospital:
        return
    reason = [codes.code(*LIVEBORN_IN_HOSPITAL)]
    if plan.preterm:
        reason.append(codes.code(*PREMATURE))
    stay = codes.code(*(NICU_STAY if plan.nicu else BIRTH_STAY))
    enc = sim.desk.new_encounter(born, "inpatient", [stay], reason, "birth", None)
    enc["stop"] = plan.stop
    enc["discharge"] = codes.code(*DISCHARGED_HOME)
    sim.birth_stay = enc
    sim.desk.free_at = max(sim.desk.free_at, plan.stop)
    stay_vitals.record(sim, enc, rng)  # weight, length, head circumference and admission vital signs
    sim.write("observations", _gestational_age(born, plan.gestation_days), enc["id"])
    if plan.preterm:
        finding = {"start": born, "stop": plan.stop, "onset": born, "codes": [codes.code(*PREMATURE)]}
        sim.write("conditions", finding, enc["id"])
    for item, at in plan.care:
        if item.kind == "medication":
            sim.write("medications", _administration(item, at), enc["id"])
        elif item.kind == "observation":
            sim.write("observations", _screen_result(item, at), enc["id"])
        elif item.kind == "measurement":  # the predischarge bilirubin: its draw comes last, moving no other draw
            hours = (at - born) / 3600.0
            sim.write("observations", _bilirubin(item, at, bilirubin.value(hours, float(rng.random())), sim), enc["id"])
        else:
            entry = {"start": at, "stop": at + 600.0, "codes": [dict(item.code)], "reason": []}
            sim.write("procedures", entry, enc["id"])
    if plan.nicu:  # weekly weight, length and head circumference in the unit, drawn after every birth draw
        nicu_growth.schedule(sim, enc, plan.stop, rng)


def _gestational_age(t: float, days: float) -> dict[str, Any]:
    """Completed weeks of gestation, as on the birth certificate."""
    return {
        "time": t,
        "category": "exam",
        "codes": [codes.code(*GESTATIONAL_AGE)],
        "value": float(int(days // 7)),
        "value_type": "numeric",
        "unit": "wk",
        "components": [],
        "report": None,
    }


def _screen_result(item: birth_stay.CareItem, t: float) -> dict[str, Any]:
    """A screening result with a coded value (the hearing screen of one ear)."""
    return {
        "time": t,
        "category": "exam",
        "codes": [dict(item.code)],
        "value": dict(item.value or {}),
        "value_type": "code",
        "unit": "",
        "components": [],
        "report": None,
    }


def _bilirubin(item: birth_stay.CareItem, t: float, value: float, sim: Simulation) -> dict[str, Any]:
    """The predischarge total serum bilirubin (AAP 2022: every newborn, read on an hour-specific nomogram)."""
    age = (t - sim.birth_time) / (365.25 * 86400.0)
    return {
        "time": t,
        "category": "laboratory",
        "codes": [dict(item.code)],
        "value": value,
        "value_type": "numeric",
        "unit": bilirubin.UNIT,
        "components": [],
        "report": None,
        **ref_ranges.flags(item.code["code"], value, age, sim.physiology.sex),
    }


def _administration(item: birth_stay.CareItem, t: float) -> dict[str, Any]:
    """A one-off dose given in the stay (ended when given): vitamin K in mg, an eye ointment as one application."""
    if item.dose_mg is not None:
        dosage = {"amount": item.dose_mg, "frequency": 1, "period": 1.0, "unit": "days", "dose_unit": "mg"}
    else:
        dosage = {"amount": 1.0, "frequency": 1, "period": 1.0, "unit": "days", "dose_unit": "{application}"}
    return {
        "start": t,
        "stop": t,
        "codes": [dict(item.code)],
        "reason": [],
        "chronic": False,
        "administered": True,
        "requested": False,
        "dosage": dosage,
        "as_needed": False,
        "duration_days": None,
        "refills": 0,
        "instructions": [],
        "stop_reason": None,
    }


def weight(sim: Simulation, stay: dict[str, Any]) -> float | None:
    """The newborn's weight at admission to the birth stay (kg), or None."""
    return next(
        (
            o["value"]
            for o in sim.rec.lists["observations"]
            if o["encounter"] == stay["id"] and o["codes"][0]["code"] == "29463-7"
        ),
        None,
    )


def first_visit_from(sim: Simulation) -> float:
    """The earliest time of a newborn's first office visit: ``newborn_visit_after_discharge_hours`` after the birth
    stay's discharge (-inf without a stay). The s18young chart review found 22 of 248 newborns seen the very minute
    they were discharged, and 6 within 8 hours of it (AAP: 3-5 days of age, within 48-72 hours of discharge)."""
    stay = sim.birth_stay
    if stay is None or stay["stop"] is None:
        return -float("inf")
    return float(stay["stop"]) + care_parameters().newborn_visit_after_discharge_seconds
