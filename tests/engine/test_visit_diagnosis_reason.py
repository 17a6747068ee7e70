"""An order naming no reason is for its visit's diagnosis when that diagnosis is active (record_writes.prescribe)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ehrsim.engine.simulation import Simulation
from tests.prescribing.codes import ACETAMINOPHEN
from tests.prescribing.helpers import Order, Run, at, onset, patient

FRACTURE = "65966004"  # Fracture of forearm (disorder)


def _prescribe(sim: Simulation, enc: dict[str, Any], reason: list[dict[str, str]]) -> dict[str, Any]:
    fields = {
        "start": sim.now,
        "stop": sim.now + 7 * 86400.0,
        "codes": [{"system": "RxNorm", "code": ACETAMINOPHEN, "display": "Acetaminophen 325 MG Oral Tablet"}],
        "reason": reason,
        "chronic": False,
        "administered": False,
        "requested": True,
        "dosage": {"amount": 2, "frequency": 4, "period": 1.0, "unit": "days"},
        "as_needed": True,
        "duration_days": 7.0,
        "refills": 0,
        "instructions": [],
        "stop_reason": None,
    }
    return sim.prescribe(Run(encounter=enc), Order(), fields, sim.now)  # type: ignore[arg-type]


def _visit(sim: Simulation, reason_code: str) -> dict[str, Any]:
    reason = [{"system": "SNOMED-CT", "code": reason_code, "display": reason_code}]
    return {"id": "visit", "start": sim.now, "stop": sim.now + 3600.0, "class": "emergency", "reason": reason}


def test_an_order_without_a_reason_is_for_the_active_diagnosis_of_its_visit() -> None:
    sim = patient(dt.date(1980, 1, 1))
    at(sim, dt.date(2015, 2, 1))
    onset(sim, "conditions", FRACTURE)
    med = _prescribe(sim, _visit(sim, FRACTURE), [])
    assert [r["code"] for r in med["reason"]] == [FRACTURE]


def test_a_named_reason_stays_and_an_inactive_visit_reason_is_not_taken() -> None:
    sim = patient(dt.date(1980, 1, 1))
    at(sim, dt.date(2015, 2, 1))
    onset(sim, "conditions", FRACTURE)
    own = [{"system": "SNOMED-CT", "code": "57676002", "display": "Joint pain (finding)"}]
    assert [r["code"] for r in _prescribe(sim, _visit(sim, FRACTURE), own)["reason"]] == ["57676002"]
    undiagnosed = patient(dt.date(1980, 1, 1))
    at(undiagnosed, dt.date(2015, 2, 1))
    assert _prescribe(undiagnosed, _visit(undiagnosed, FRACTURE), [])["reason"] == []
