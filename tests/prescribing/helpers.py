"""A hand-made patient with no modules, and orders placed on it as a MedicationOrder state would."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ehrsim.engine.recorder import patient_uuid_prefix
from ehrsim.engine.simulation import Simulation
from ehrsim.gmf.library import load_library
from ehrsim.record.times import from_date
from tests.engine.harness import FIXTURES, StubWorld

SNOMED = "SNOMED-CT"


@dataclass
class Run:
    """Just what recording needs from a module run."""

    encounter: dict[str, Any] | None = None
    created: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class Order:
    """Just what the prescriber reads from a MedicationOrder state."""

    name: str = "Prescribe"
    assign_to_attribute: str | None = None


def patient(born: dt.date, gender: str = "F", **attributes: Any) -> Simulation:
    lib = load_library([FIXTURES])
    sim = Simulation(
        library=lib,
        modules=[],
        patient={"birth_time": from_date(born), "gender": gender, "race": "white", "ethnicity": "nonhispanic"},
        attributes={"gender": gender, "race": "white", "ethnicity": "nonhispanic", **attributes},
        rng=np.random.default_rng(1),
        world=StubWorld(),  # type: ignore[arg-type]
        end_time=from_date(dt.date(2030, 1, 1)),
        id_prefix=patient_uuid_prefix(1, 0),
    )
    return sim


def at(sim: Simulation, day: dt.date) -> float:
    sim.now = float(from_date(day))
    return sim.now


def onset(sim: Simulation, kind: str, code: str, system: str = SNOMED, **fields: Any) -> dict[str, Any]:
    """A condition or allergy starting now (through the engine, so the prescriber hears of it)."""
    coded = [{"system": system, "code": code, "display": code}]
    entry = sim.rec.add(kind, {"start": sim.now, "stop": None, "codes": coded, **fields}, None)
    sim.activate(kind, entry)
    return entry


def order(
    sim: Simulation,
    code: str,
    *,
    run: Run | None = None,
    chronic: bool = False,
    administered: bool = False,
    days: float | None = None,
    reason: list[dict[str, str]] | None = None,
    state: Order | None = None,
    amount: float = 1.0,
    frequency: int = 1,
    no_dosage: bool = False,
) -> dict[str, Any]:
    """Order RxNorm ``code`` now, with the fields MedicationOrder.process builds."""
    t = sim.now
    fields = {
        "start": t,
        "stop": t + days * 86400.0 if days else None,
        "codes": [{"system": "RxNorm", "code": code, "display": code}],
        "reason": reason or [],
        "chronic": chronic,
        "administered": administered,
        "requested": not administered or chronic,
        "dosage": None if no_dosage else {"amount": amount, "frequency": frequency, "period": 1.0, "unit": "days"},
        "as_needed": False,
        "duration_days": days,
        "refills": 0,
        "instructions": [],
        "stop_reason": None,
    }
    return sim.rx.order(run or Run(), state or Order(), fields, t)


def result(
    sim: Simulation, loinc: str, display: str, value: float, unit: str, category: str = "laboratory"
) -> dict[str, Any]:
    """A numeric result recorded now (through the engine, so result-driven prescribing rules hear of it)."""
    fields = {
        "time": sim.now,
        "category": category,
        "codes": [{"system": "LOINC", "code": loinc, "display": display}],
        "value": value,
        "value_type": "numeric",
        "unit": unit,
        "components": [],
        "report": None,
    }
    return sim.add_entry(Run(), "observations", fields, Order(name=display))  # type: ignore[arg-type]


def code_of(entry: dict[str, Any]) -> str:
    return str(entry["codes"][0]["code"])
