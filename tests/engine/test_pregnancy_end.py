"""The birth ends a pregnancy whose attribute outlives it (engine/lifecycle.pregnancy_condition_ended): Synthea's
``pregnant`` holds until its postnatal visit 6 weeks after the birth."""

from __future__ import annotations

import datetime as dt

from ehrsim.prescribing.patient import Patient
from tests.prescribing.helpers import at, onset, patient

NORMAL_PREGNANCY, HIGH_RISK_PREGNANCY = "72892002", "47200007"


def test_the_end_of_the_last_pregnancy_condition_ends_the_pregnancy_while_the_attribute_holds() -> None:
    sim = patient(dt.date(1990, 1, 1))
    at(sim, dt.date(2020, 1, 1))
    sim.set_attribute("pregnant", True)
    normal = onset(sim, "conditions", NORMAL_PREGNANCY)
    high_risk = onset(sim, "conditions", HIGH_RISK_PREGNANCY)
    at(sim, dt.date(2020, 9, 1))  # the birth: Synthea ends the normal pregnancy, its high-risk finding later
    sim.deactivate("conditions", normal, sim.now, None)
    assert sim.physiology.pregnancy_end is None and Patient(sim, sim.now).pregnant(sim.rx.rx)
    at(sim, dt.date(2020, 9, 2))
    sim.deactivate("conditions", high_risk, sim.now, None)
    assert sim.physiology.pregnancy_end == sim.now
    assert sim.attributes["pregnant"] is True and not Patient(sim, sim.now).pregnant(sim.rx.rx)
    at(sim, dt.date(2020, 10, 15))  # the module's end after the postnatal visit changes nothing more
    sim.set_attribute("pregnant", False)
    assert sim.physiology.pregnancy_end == sim.now - 43 * 86400.0
    at(sim, dt.date(2021, 6, 1))  # the next conception
    sim.set_attribute("pregnant", True)
    assert sim.physiology.pregnancy_start == sim.now and sim.physiology.pregnancy_end is None


def test_a_pregnancy_condition_ended_without_a_pregnancy_attribute_changes_nothing() -> None:
    sim = patient(dt.date(1990, 1, 1))
    at(sim, dt.date(2020, 1, 1))
    normal = onset(sim, "conditions", NORMAL_PREGNANCY)
    at(sim, dt.date(2020, 9, 1))
    sim.deactivate("conditions", normal, sim.now, None)
    assert sim.physiology.pregnancy_start is None and sim.physiology.pregnancy_end is None
