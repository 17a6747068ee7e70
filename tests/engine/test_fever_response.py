"""A recorded fever raises the heart and respiratory rate measured in the same visit (core/fever.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ehrsim.core import fever
from ehrsim.engine import lifecycle
from ehrsim.engine.simulation import Simulation
from tests.prescribing.helpers import Order, Run, at, patient


def _temperature(sim: Simulation, celsius: float) -> dict[str, Any]:
    fields = {
        "time": sim.now,
        "category": "vital-signs",
        "codes": [{"system": "LOINC", "code": "8310-5", "display": "Body temperature"}],
        "value": celsius,
        "value_type": "numeric",
        "unit": "Cel",
        "components": [],
        "report": None,
    }
    return sim.add_entry(Run(), "observations", fields, Order(name="Temperature"))  # type: ignore[arg-type]


def _rates(born: dt.date, celsius: float | None, hours_later: float = 0.5) -> tuple[float, float]:
    sim = patient(born)
    at(sim, dt.date(2020, 3, 1))
    if celsius is not None:
        _temperature(sim, celsius)
    sim.now += hours_later * 3600
    return lifecycle.measure(sim, "8867-4", None, None), lifecycle.measure(sim, "9279-1", None, None)


def test_an_adult_fever_raises_heart_and_respiratory_rate_by_the_published_slopes() -> None:
    afebrile_hr, afebrile_rr = _rates(dt.date(1980, 1, 1), None)
    febrile_hr, febrile_rr = _rates(dt.date(1980, 1, 1), 39.5)
    assert abs((febrile_hr - afebrile_hr) - 8.5 * 2.5) <= 1.0  # Karjalainen 1986: 8.5 /min per 1 °C
    assert abs((febrile_rr - afebrile_rr) - 1.4 * 2.5) <= 1.0  # Jensen 2019: 1.4 /min per 1 °C
    normal_hr, _ = _rates(dt.date(1980, 1, 1), 36.9)
    assert normal_hr == afebrile_hr


def test_a_child_rises_more_and_an_old_temperature_does_not_count() -> None:
    afebrile_hr, _ = _rates(dt.date(2016, 1, 1), None)
    febrile_hr, _ = _rates(dt.date(2016, 1, 1), 39.0)
    assert abs((febrile_hr - afebrile_hr) - 10.0 * 2.0) <= 1.0  # Thompson 2009, Daymont 2015: ~10 /min per 1 °C
    stale_hr, _ = _rates(dt.date(2016, 1, 1), 39.0, hours_later=48)
    later_hr, _ = _rates(dt.date(2016, 1, 1), None, hours_later=48)
    assert stale_hr == later_hr


def test_window_and_slopes_from_data() -> None:
    obs = {"8310-5": {"time": 1000.0, "value": 38.5}, "8331-1": {"time": 2000.0, "value": 40.0}}
    assert fever.excess(obs, fever.window_start(2500.0), 2500.0) == 3.0  # the latest temperature, above 37.0
    assert fever.excess(obs, 3000.0, 3500.0) == 0.0
    assert fever.raised({"Heart Rate": 70.0}, "Heart Rate", 40.0, 2.0) == {"Heart Rate": 87.0}
    assert fever.raised({"Heart Rate": 140.0}, "Heart Rate", 0.05, 2.0) == {"Heart Rate": 140.0}  # under 2 months
