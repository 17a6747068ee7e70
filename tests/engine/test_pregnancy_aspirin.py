"""Low-dose aspirin for a pregnancy at high risk of preeclampsia, for any library (prescribing/pregnancy.py)."""

from __future__ import annotations

import datetime as dt

from ehrsim.prescribing import pregnancy
from ehrsim.record.kinds import PRESCRIBING_EVENT
from tests.engine.harness import simulate
from tests.prescribing.helpers import at, onset, order, patient

WEEK = 7 * 86400
ASPIRIN_81 = "243670"


def _aspirin(record: dict) -> list[dict]:  # type: ignore[type-arg]
    return [m for m in record["medications"] if m["codes"][0]["code"] == ASPIRIN_81]


def test_a_high_risk_pregnancy_told_only_by_the_attribute_gets_aspirin_from_the_prenatal_visit_to_delivery() -> None:
    """Chronic hypertension, a pregnancy in 2018-19 known only from Synthea's 'pregnant' attribute: aspirin 81 mg
    daily starts at the 14-week visit and ends at the delivery (USPSTF 2014/2021, ACOG CO 743)."""
    sim, record = simulate("pregnancy_high_risk", born=dt.date(1990, 1, 1), end=dt.date(2025, 1, 1))
    (aspirin,) = _aspirin(record)
    assert sim.trace is not None
    when = {state: t for t, module, state in sim.trace if module == "pregnancy_high_risk"}
    assert 14 * WEEK <= aspirin["start"] - when["Conception"] < 15 * WEEK  # at the visit (office hours)
    assert aspirin["stop"] == when["Delivered"]  # ends with the pregnancy
    assert aspirin["dosage"]["dose_unit"] == "{tablet}" and aspirin["reason"][0]["code"] == "59621000"
    assert aspirin["prescribing"]["rule"] == "aspirin_preeclampsia_risk"
    (event,) = [e for e in record["prescribing"] if e["rule"] == "aspirin_preeclampsia_risk"]
    assert event["action"] in PRESCRIBING_EVENT["properties"]["action"]["enum"]  # the record schema allows it


def test_no_aspirin_before_the_recommendation() -> None:
    """The same pregnancy in 2008, before USPSTF's 2014 recommendation: no aspirin."""
    _, record = simulate("pregnancy_high_risk", born=dt.date(1980, 1, 1), end=dt.date(2015, 1, 1))
    assert _aspirin(record) == []


def test_a_running_nsaid_gives_way_to_the_pregnancy_aspirin() -> None:
    """Aspirin the core starts goes through the same review as any new order: a running ibuprofen is switched."""
    sim = patient(dt.date(1990, 1, 1))
    at(sim, dt.date(2018, 1, 4))
    onset(sim, "conditions", "59621000")
    ibuprofen = order(sim, "206905", chronic=True)
    sim.physiology.pregnancy(True, sim.now, 25.0)
    at(sim, dt.date(2018, 4, 12))  # 14 weeks
    aspirin = pregnancy.aspirin_at_visit(sim.rx, None, sim.now)
    assert aspirin is not None and ibuprofen["stop"] == sim.now
