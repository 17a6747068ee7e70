"""An order with no reason whose indication the record shows: contraception (a finding held while a method is
used), a known allergy (engine/indications.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ehrsim.engine import indications
from ehrsim.engine.simulation import Simulation
from tests.prescribing.helpers import Order, Run, at, onset, patient

ORTHO_TRI_CYCLEN = "749785"  # as Synthea's oral contraceptive module writes it, with no reason
LORATADINE = "311372"  # Loratadine 10 MG Oral Tablet
CONTRACEPTION = "13197004"
EPINEPHRINE_PEN = "727316"  # 0.3 ML EPINEPHrine 0.5 MG/ML Auto-Injector, as Synthea's allergy visit writes it


def _prescribe(sim: Simulation, code: str, days: float) -> dict[str, Any]:
    fields = {
        "start": sim.now,
        "stop": sim.now + days * 86400.0,
        "codes": [{"system": "RxNorm", "code": code, "display": code}],
        "reason": [],
        "chronic": False,
        "administered": False,
        "requested": True,
        "dosage": None,
        "as_needed": False,
        "duration_days": days,
        "refills": 0,
        "instructions": [],
        "stop_reason": None,
    }
    return sim.prescribe(Run(), Order(), fields, sim.now)  # type: ignore[arg-type]


def _findings(sim: Simulation) -> list[dict[str, Any]]:
    return [c for c in sim.rec.lists["conditions"] if c["codes"][0]["code"] == CONTRACEPTION]


def test_a_pill_with_no_reason_is_for_contraception_held_across_yearly_packs_and_ended_after() -> None:
    sim = patient(dt.date(1980, 1, 1))
    at(sim, dt.date(2000, 3, 1))
    first = _prescribe(sim, ORTHO_TRI_CYCLEN, 360)
    assert [r["code"] for r in first["reason"]] == [CONTRACEPTION]
    assert [f["start"] for f in _findings(sim)] == [sim.now] and CONTRACEPTION in sim.active["conditions"]
    at(sim, dt.date(2001, 2, 24))  # the next yearly visit: a new pack, the same finding
    second = _prescribe(sim, ORTHO_TRI_CYCLEN, 360)
    indications.review(sim, sim.now)
    assert [r["code"] for r in second["reason"]] == [CONTRACEPTION] and len(_findings(sim)) == 1
    assert CONTRACEPTION in sim.active["conditions"]
    at(sim, dt.date(2002, 6, 1))  # no method since the pack ran out
    indications.review(sim, sim.now)
    assert CONTRACEPTION not in sim.active["conditions"] and _findings(sim)[0]["stop"] == sim.now


def test_another_drug_with_no_reason_gets_no_contraception() -> None:
    sim = patient(dt.date(1980, 1, 1))
    at(sim, dt.date(2000, 3, 1))
    assert _prescribe(sim, LORATADINE, 30)["reason"] == [] and not _findings(sim)  # and no allergy to name


def test_an_epinephrine_pen_or_antihistamine_with_no_reason_is_for_the_latest_active_allergy() -> None:
    sim = patient(dt.date(1980, 1, 1))
    at(sim, dt.date(2010, 3, 1))
    assert _prescribe(sim, EPINEPHRINE_PEN, 365)["reason"] == []  # no allergy known: nothing to name
    onset(sim, "allergies", "300913006")  # Shellfish (substance)
    at(sim, dt.date(2011, 3, 1))
    onset(sim, "allergies", "91935009")  # Allergy to peanuts (disorder)
    assert [r["code"] for r in _prescribe(sim, EPINEPHRINE_PEN, 365)["reason"]] == ["91935009"]
    assert [r["code"] for r in _prescribe(sim, LORATADINE, 30)["reason"]] == ["91935009"]


def test_a_library_that_records_the_finding_keeps_its_own(monkeypatch: Any) -> None:
    """ehrsim's contraception module holds and ends its own finding (its methods include condoms and sterilization,
    with no order): the core neither records one nor ends the module's at a wellness visit."""
    sim = patient(dt.date(1980, 1, 1))
    monkeypatch.setitem(sim.library.__dict__, "recorded_codes", frozenset({CONTRACEPTION}))
    at(sim, dt.date(2000, 3, 1))
    assert _prescribe(sim, ORTHO_TRI_CYCLEN, 360)["reason"] == [] and not _findings(sim)
    own = sim.rec.add(
        "conditions",
        {
            "start": sim.now,
            "stop": None,
            "onset": sim.now,
            "codes": [{"system": "SNOMED-CT", "code": CONTRACEPTION, "display": "Contraception (finding)"}],
        },
        None,
    )
    sim.activate("conditions", own)
    at(sim, dt.date(2002, 6, 1))
    indications.review(sim, sim.now)
    assert CONTRACEPTION in sim.active["conditions"]
