"""A follow-up PHQ-9 showing no response steps the antidepressant up at that visit (result_titration.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ehrsim.engine.simulation import Simulation
from tests.prescribing.helpers import at, order, patient, result

SERTRALINE_50 = "312941"
SERTRALINE_100 = "312938"


def _phq9(sim: Simulation, score: float) -> dict[str, Any]:
    return result(sim, "44261-6", "PHQ-9 total", score, "{score}", category="survey")


def _running(sim: Simulation) -> list[str]:
    t = sim.now
    return sorted(
        m["codes"][0]["code"]
        for m in sim.rec.lists["medications"]
        if m["start"] <= t and (m["stop"] is None or m["stop"] > t)
    )


def test_no_response_after_six_weeks_steps_the_dose_up_at_that_visit() -> None:
    sim = patient(dt.date(1980, 1, 1))
    at(sim, dt.date(2020, 3, 1))
    order(sim, SERTRALINE_50, chronic=True)
    at(sim, dt.date(2020, 3, 22))
    _phq9(sim, 18)  # three weeks: too early to judge the response
    assert _running(sim) == [SERTRALINE_50]
    at(sim, dt.date(2020, 4, 20))
    _phq9(sim, 17)
    assert _running(sim) == [SERTRALINE_100]


def test_a_response_keeps_the_dose() -> None:
    sim = patient(dt.date(1980, 1, 1))
    at(sim, dt.date(2020, 3, 1))
    order(sim, SERTRALINE_50, chronic=True)
    at(sim, dt.date(2020, 4, 20))
    _phq9(sim, 6)
    assert _running(sim) == [SERTRALINE_50]


DULOXETINE_30 = "596930"
FLUOXETINE_20 = "310385"


def test_no_response_at_the_maximum_switches_to_another_class() -> None:
    sim = patient(dt.date(1980, 1, 1))
    at(sim, dt.date(2020, 3, 1))
    order(sim, SERTRALINE_50, chronic=True)
    at(sim, dt.date(2020, 4, 20))
    _phq9(sim, 19)
    assert _running(sim) == [SERTRALINE_100]  # the plan's maximum (dosing.csv)
    at(sim, dt.date(2020, 5, 18))
    _phq9(sim, 18)  # four weeks on 100 mg, ten on sertraline: the course counts
    assert _running(sim) == [DULOXETINE_30]  # STAR*D level 2: an SSRI to an SNRI


DULOXETINE_60 = "596934"
NEUROPATHY = [
    {"system": "SNOMED-CT", "code": "368581000119106", "display": "Neuropathy due to type 2 diabetes mellitus"}
]
DEPRESSION = [{"system": "SNOMED-CT", "code": "66344007", "display": "Recurrent major depression (disorder)"}]


def test_a_phq9_does_not_switch_duloxetine_given_for_neuropathic_pain() -> None:
    """The lead's session-12 chart read: a woman on duloxetine 60 mg for diabetic neuropathy for 7 years had it
    switched to sertraline at her first depression visit (PHQ-9 25), sertraline then carried the neuropathy as its
    reason, and the two drugs took each other's place at every visit for a year. The PHQ-9 measures depression's
    response (result_titration.csv reason_group)."""
    sim = patient(dt.date(1970, 1, 1))
    at(sim, dt.date(2015, 3, 1))
    order(sim, DULOXETINE_60, chronic=True, reason=NEUROPATHY)
    assert _running(sim) == [DULOXETINE_30]  # the label's starting dose
    at(sim, dt.date(2016, 5, 6))
    _phq9(sim, 25)
    assert _running(sim) == [DULOXETINE_30]  # neither stepped up nor switched on a depression score
    other = patient(dt.date(1970, 1, 1))
    at(other, dt.date(2015, 3, 1))
    order(other, DULOXETINE_60, chronic=True, reason=DEPRESSION)
    at(other, dt.date(2016, 5, 6))
    _phq9(other, 25)
    assert _running(other) == [DULOXETINE_60]  # for depression: stepped up


def test_the_switch_is_to_a_drug_approved_at_the_time() -> None:
    sim = patient(dt.date(1960, 1, 1))
    at(sim, dt.date(1998, 3, 1))
    order(sim, SERTRALINE_50, chronic=True)
    at(sim, dt.date(1998, 4, 20))
    _phq9(sim, 19)
    at(sim, dt.date(1998, 6, 20))
    _phq9(sim, 19)  # duloxetine came in 2004: fluoxetine, the next of the list
    assert _running(sim) == [FLUOXETINE_20]


def test_before_duloxetine_an_ssri_is_switched_within_the_class() -> None:
    sim = patient(dt.date(1960, 1, 1))
    at(sim, dt.date(2000, 3, 1))
    order(sim, FLUOXETINE_20, chronic=True)
    for day in (dt.date(2000, 4, 20), dt.date(2000, 6, 20)):
        at(sim, day)
        _phq9(sim, 19)
    assert _running(sim) == [SERTRALINE_50]  # fluoxetine 40 mg (the maximum), then sertraline (duloxetine in 2004)


LEVO_25, LEVO_50, LEVO_75 = "966220", "966221", "966222"


def _tsh(sim: Simulation, value: float) -> dict[str, Any]:
    return result(sim, "3016-3", "Thyrotropin", value, "m[IU]/L")


def test_a_raised_tsh_after_six_weeks_on_levothyroxine_steps_the_dose_up() -> None:
    """ATA 2014: a TSH above the range on levothyroxine raises the dose by 12.5-25 mcg (s17rx: the chart review found
    a raised TSH followed by no change until the yearly renewal)."""
    sim = patient(dt.date(1950, 1, 1))
    at(sim, dt.date(2020, 3, 1))
    order(sim, LEVO_75, chronic=True)  # at 70 the label starts at 25 mcg
    assert _running(sim) == [LEVO_25]
    at(sim, dt.date(2020, 3, 20))
    _tsh(sim, 9.5)  # under three weeks: not yet at steady state
    assert _running(sim) == [LEVO_25]
    at(sim, dt.date(2020, 4, 20))
    _tsh(sim, 9.5)
    assert _running(sim) == [LEVO_50]
    at(sim, dt.date(2020, 6, 10))
    _tsh(sim, 2.1)  # in range: the dose stays
    assert _running(sim) == [LEVO_50]
