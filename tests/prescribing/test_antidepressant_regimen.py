"""One antidepressant regimen for depression (antidepressants.py): optimise, switch, augment, never back to a drug
that failed, and a drug with another indication keeps serving it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ehrsim.engine.simulation import Simulation
from tests.prescribing.helpers import Run, at, onset, order, patient, result

SERTRALINE_50, SERTRALINE_100 = "312941", "312938"
FLUOXETINE_20, FLUOXETINE_40 = "310385", "313989"
DULOXETINE_20, DULOXETINE_30, DULOXETINE_60 = "596926", "596930", "596934"
BUPROPION_150, BUPROPION_300, BUPROPION_SR_150 = "993541", "993557", "993518"
DEPRESSION = [{"system": "SNOMED-CT", "code": "66344007", "display": "Recurrent major depression (disorder)"}]
NEUROPATHY = [
    {"system": "SNOMED-CT", "code": "368581000119106", "display": "Neuropathy due to type 2 diabetes mellitus"}
]


def _phq9(sim: Simulation, score: float) -> dict[str, Any]:
    return result(sim, "44261-6", "PHQ-9 total", score, "{score}", category="survey")


def _running(sim: Simulation) -> list[str]:
    t = sim.now
    return sorted(
        m["codes"][0]["code"]
        for m in sim.rec.lists["medications"]
        if m["start"] <= t and (m["stop"] is None or m["stop"] > t)
    )


def _failing(sim: Simulation, days: list[dt.date]) -> None:
    for day in days:
        at(sim, day)
        _phq9(sim, 18)


def _sertraline_then_duloxetine(born: dt.date = dt.date(1970, 1, 1)) -> Simulation:
    """Sertraline raised to its maximum, failed, switched to duloxetine (STAR*D level 2)."""
    sim = patient(born)
    at(sim, dt.date(2012, 3, 1))
    onset(sim, "conditions", "66344007")
    order(sim, SERTRALINE_100, chronic=True, reason=DEPRESSION)
    _failing(sim, [dt.date(2012, 4, 20), dt.date(2012, 6, 10)])
    assert _running(sim) == [DULOXETINE_30]
    return sim


def test_a_second_failure_augments_and_never_goes_back_to_the_first_drug() -> None:
    """Before: duloxetine at its maximum with no response went back to sertraline, which had failed 4 months
    earlier (care.failed_antidepressant_not_resumed: 119 of 188 switched patients of the proof run)."""
    sim = _sertraline_then_duloxetine()
    _failing(sim, [dt.date(2012, 8, 1)])
    assert _running(sim) == [DULOXETINE_60]  # the dose optimised first
    _failing(sim, [dt.date(2012, 9, 20)])
    assert _running(sim) == [DULOXETINE_60, BUPROPION_150]  # augmented: duloxetine goes on, bupropion XL added
    _failing(sim, [dt.date(2012, 11, 20)])
    running = _running(sim)
    assert SERTRALINE_50 not in running and SERTRALINE_100 not in running
    assert running == [DULOXETINE_60, BUPROPION_300]  # the augmenting drug raised to its target dose


def test_before_bupropion_xl_the_second_failure_adds_bupropion_sr() -> None:
    sim = patient(dt.date(1960, 1, 1))
    at(sim, dt.date(1998, 3, 1))
    order(sim, SERTRALINE_50, chronic=True, reason=DEPRESSION)
    _failing(sim, [dt.date(1998, 4, 20), dt.date(1998, 6, 20)])
    assert _running(sim) == [FLUOXETINE_20]  # before duloxetine: another SSRI
    _failing(sim, [dt.date(1998, 8, 20), dt.date(1998, 10, 20), dt.date(1998, 12, 20)])
    assert _running(sim) == [FLUOXETINE_40, BUPROPION_SR_150]  # not back to sertraline: STAR*D's bupropion SR added
    (sr,) = [m for m in sim.rec.lists["medications"] if m["codes"][0]["code"] == BUPROPION_SR_150]
    assert sr["dosage"]["frequency"] == 2  # 150 mg twice daily


def test_a_module_order_of_a_drug_that_failed_gets_the_next_drug() -> None:
    """The depression module orders sertraline at a recurrence (or duloxetine at its own switch): a drug that failed
    within 2 years is not given again."""
    sim = _sertraline_then_duloxetine()
    at(sim, dt.date(2013, 1, 10))
    for m in list(sim.active["medications"].values()):
        sim.deactivate("medications", m, sim.now, None)
    at(sim, dt.date(2013, 9, 1))
    given = order(sim, SERTRALINE_100, chronic=True, reason=DEPRESSION)
    assert given["codes"][0]["code"] == DULOXETINE_30
    assert (given.get("prescribing") or {}).get("rule") == "antidepressant_failed_before"
    later = patient(dt.date(1970, 1, 1))  # without the failure, the module's order stands
    at(later, dt.date(2013, 9, 1))
    assert order(later, SERTRALINE_100, chronic=True, reason=DEPRESSION)["codes"][0]["code"] == SERTRALINE_50


def test_a_failure_two_years_back_no_longer_counts() -> None:
    sim = _sertraline_then_duloxetine()
    at(sim, dt.date(2013, 1, 10))
    for m in list(sim.active["medications"].values()):
        sim.deactivate("medications", m, sim.now, None)
    at(sim, dt.date(2014, 9, 1))
    assert order(sim, SERTRALINE_100, chronic=True, reason=DEPRESSION)["codes"][0]["code"] == SERTRALINE_50


def test_duloxetine_for_neuropathy_keeps_serving_it_when_depression_comes() -> None:
    """Before: the module's sertraline for depression replaced duloxetine taken for diabetic neuropathy (duplicate
    serotonergic therapy), and the neuropathy had nothing once sertraline stopped (rx.second_indication_kept)."""
    sim = patient(dt.date(1960, 1, 1))
    at(sim, dt.date(2010, 3, 1))
    onset(sim, "conditions", "368581000119106")
    order(sim, DULOXETINE_30, chronic=True, reason=NEUROPATHY)
    at(sim, dt.date(2012, 5, 1))
    depression = onset(sim, "conditions", "66344007")
    withheld = order(sim, SERTRALINE_100, chronic=True, reason=DEPRESSION)
    assert withheld["id"] is None and withheld["prescribing"]["rule"] == "second_indication"
    assert _running(sim) == [DULOXETINE_60]
    (dulox,) = {id(m): m for m in sim.active["medications"].values() if m["stop"] is None}.values()
    assert [r["code"] for r in dulox["reason"]] == ["368581000119106", "66344007"]
    _failing(sim, [dt.date(2012, 6, 20)])
    assert _running(sim) == [DULOXETINE_60, BUPROPION_150]  # augmented, not switched: the neuropathy keeps it
    (added,) = [m for m in sim.rec.lists["medications"] if m["codes"][0]["code"] == BUPROPION_150]
    assert [r["code"] for r in added["reason"]] == ["66344007"]  # bupropion is for the depression only
    again = order(sim, SERTRALINE_100, chronic=True, reason=DEPRESSION)  # the module's next step orders an SSRI again
    assert again["id"] is None and _running(sim) == [DULOXETINE_60, BUPROPION_150]  # duloxetine is not replaced
    at(sim, dt.date(2013, 1, 10))
    sim.deactivate("conditions", depression, sim.now, None)  # remission: duloxetine goes on for the neuropathy
    assert DULOXETINE_60 in _running(sim)
    assert all(m["stop"] is None for m in sim.active["medications"].values() if m["codes"][0]["code"] == DULOXETINE_60)


def test_a_second_failure_augments_even_when_the_first_is_over_two_years_back() -> None:
    """First after-run chart read: duloxetine failed in December 2012 and went back to sertraline, which had failed
    in September 2010 (2.2 years: outside the window). Two drugs have failed: augment, no third switch."""
    sim = _sertraline_then_duloxetine()
    at(sim, dt.date(2013, 1, 10))
    for m in list(sim.active["medications"].values()):
        sim.deactivate("medications", m, sim.now, None)
    at(sim, dt.date(2014, 5, 1))
    assert order(sim, SERTRALINE_100, chronic=True, reason=DEPRESSION)["codes"][0]["code"] == DULOXETINE_30
    _failing(sim, [dt.date(2014, 6, 20), dt.date(2014, 8, 20)])
    assert _running(sim) == [DULOXETINE_60, BUPROPION_150]


def test_an_anxiety_order_does_not_replace_the_depression_regimen() -> None:
    """After-run chart read: sertraline for anxiety replaced duloxetine taken for depression, 8 months after
    sertraline had failed for that depression. Duloxetine goes on and serves both."""
    sim = _sertraline_then_duloxetine()
    at(sim, dt.date(2012, 8, 1))
    onset(sim, "conditions", "21897009")
    anxiety = [{"system": "SNOMED-CT", "code": "21897009", "display": "Generalized anxiety disorder (disorder)"}]
    withheld = order(sim, SERTRALINE_100, chronic=True, reason=anxiety)
    assert withheld["id"] is None and withheld["prescribing"]["rule"] == "second_indication"
    assert _running(sim) == [DULOXETINE_60]
    sim.attributes["depression_med"] = next(
        m for m in sim.active["medications"].values() if m["codes"][0]["code"] == DULOXETINE_60
    )
    at(sim, dt.date(2013, 6, 1))  # the depression module stops its drug at the end of the continuation phase
    sim.end_entries(
        Run(), "medications", state_name=None, attribute="depression_med", codes=None, t=sim.now, stop_reason=None
    )
    assert _running(sim) == [DULOXETINE_60]  # the anxiety is still active: duloxetine goes on for it
