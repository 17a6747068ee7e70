"""A mineralocorticoid antagonist and serum potassium (2022 AHA/ACC/HFSA heart failure guideline 7.3.3): not started at
5.0 mmol/L or more, stopped at 5.5 or more (rules.csv mra_potassium)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ehrsim.engine.simulation import Simulation
from tests.prescribing.helpers import at, code_of, onset, order, patient, result

SPIRONOLACTONE_25, CHF = "313096", "88805009"


def _potassium(sim: Simulation, value: float) -> dict[str, Any]:
    return result(sim, "2823-3", "Potassium", value, "mmol/L")


def _running(sim: Simulation) -> list[str]:
    return [code_of(m) for m, _ in sim.rx._current(sim.now)]


def test_no_spironolactone_is_started_at_a_potassium_of_5() -> None:
    sim = patient(dt.date(1950, 1, 1))
    at(sim, dt.date(2020, 1, 6))
    hf = onset(sim, "conditions", CHF)
    _potassium(sim, 5.2)
    held = order(sim, SPIRONOLACTONE_25, chronic=True, reason=[hf["codes"][0]])
    assert held["id"] is None and held["prescribing"]["rule"] == "mra_potassium"
    at(sim, dt.date(2020, 6, 6))  # the result is older than 90 days: no longer read
    assert order(sim, SPIRONOLACTONE_25, chronic=True, reason=[hf["codes"][0]])["id"] is not None


def test_a_running_spironolactone_stops_at_5_5_not_at_5_2() -> None:
    sim = patient(dt.date(1950, 1, 1))
    at(sim, dt.date(2020, 1, 6))
    hf = onset(sim, "conditions", CHF)
    _potassium(sim, 4.4)
    started = order(sim, SPIRONOLACTONE_25, chronic=True, reason=[hf["codes"][0]])
    assert started["id"] is not None
    at(sim, dt.date(2020, 2, 6))
    _potassium(sim, 5.2)  # watched, not stopped
    assert _running(sim) == [SPIRONOLACTONE_25]
    at(sim, dt.date(2020, 3, 6))
    _potassium(sim, 5.7)
    assert _running(sim) == [] and started["prescribing"]["stop_rule"] == "mra_potassium"


LISINOPRIL_10, HYPERTENSION = "314076", "59621000"
AMLODIPINE = {"197361", "308136"}  # 5 mg, or 2.5 mg: the label's starting dose from 65


def test_no_ace_inhibitor_is_started_above_5_and_a_running_one_gives_way_to_amlodipine_at_6() -> None:
    """NICE NG203: an ACE inhibitor or ARB is not started at a potassium above 5.0 and stops at 6.0 or more; a
    calcium channel blocker, which does not raise potassium, takes its place (rules.csv raas_potassium_*)."""
    sim = patient(dt.date(1950, 1, 1))
    at(sim, dt.date(2020, 1, 6))
    htn = onset(sim, "conditions", HYPERTENSION)
    _potassium(sim, 5.3)
    first = order(sim, LISINOPRIL_10, chronic=True, reason=[htn["codes"][0]])
    assert code_of(first) in AMLODIPINE and first["prescribing"]["rule"] == "raas_potassium_ace_inhibitor"

    sim = patient(dt.date(1950, 1, 1))
    at(sim, dt.date(2020, 1, 6))
    htn = onset(sim, "conditions", HYPERTENSION)
    _potassium(sim, 4.6)
    started = order(sim, LISINOPRIL_10, chronic=True, reason=[htn["codes"][0]])
    assert code_of(started) == LISINOPRIL_10
    at(sim, dt.date(2020, 2, 6))
    _potassium(sim, 5.7)  # above the start threshold, below the stop one: it continues
    assert _running(sim) == [LISINOPRIL_10]
    at(sim, dt.date(2020, 3, 6))
    _potassium(sim, 6.2)
    assert (
        set(_running(sim)) <= AMLODIPINE
        and len(_running(sim)) == 1
        and started["prescribing"]["stop_rule"] == "raas_potassium_ace_inhibitor"
    )
