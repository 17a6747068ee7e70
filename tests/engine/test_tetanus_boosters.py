"""One tetanus-toxoid booster at a time: a module's wound Td is not given within 5 years of an earlier tetanus dose
(ACIP wound management; booster_groups.csv), and a Td due with a Tdap at one wellness visit is not given with it
(audit rule vax.td_booster_interval)."""

from __future__ import annotations

import datetime as dt

from ehrsim.core.immunizations import held_by
from ehrsim.engine import care
from ehrsim.record.times import DAY, from_date
from tests.prescribing.helpers import Run, at, patient

YEAR = 365.25 * DAY


def _dose(cvx: str, t: float) -> dict:
    return {"time": t, "codes": [{"system": "CVX", "code": cvx, "display": cvx}]}


def test_held_by_finds_a_recent_tetanus_dose_for_td_only() -> None:
    tdap = _dose("115", from_date(dt.date(2010, 1, 1)))
    assert held_by("09", [tdap], tdap["time"] + 3 * YEAR) is tdap
    assert held_by("113", [tdap], tdap["time"] + 4.9 * YEAR) is tdap
    assert held_by("09", [tdap], tdap["time"] + 5.1 * YEAR) is None
    assert held_by("115", [tdap], tdap["time"] + 1 * YEAR) is None  # Tdap regardless of the interval (ACIP 2012)
    assert held_by("09", [], tdap["time"]) is None


def test_a_module_wound_td_within_five_years_is_not_given() -> None:
    sim = patient(dt.date(1960, 1, 1))
    at(sim, dt.date(1984, 2, 22))
    sim.rec.add("immunizations", _dose("09", sim.now), None)  # routine Td from the core
    at(sim, dt.date(1988, 10, 1))  # a laceration 4.6 years later
    sim.add_entry(Run(), "immunizations", {**_dose("09", sim.now), "series": 1}, None)
    assert len(sim.rec.lists["immunizations"]) == 1
    at(sim, dt.date(1990, 10, 1))  # 6.6 years later: the wound booster is given
    sim.add_entry(Run(), "immunizations", {**_dose("09", sim.now), "series": 1}, None)
    assert len(sim.rec.lists["immunizations"]) == 2


def test_td_is_not_given_with_a_tdap_at_one_visit() -> None:
    sim = patient(dt.date(1958, 9, 7))
    at(sim, dt.date(1996, 6, 1))
    sim.rec.add("immunizations", _dose("09", sim.now), None)
    sim.immunizations_given["td"] = 1
    sim.immunizations_last["td"] = int(sim.now)
    t = at(sim, dt.date(2006, 9, 7))  # 48: the adult Tdap (once) and the 10-year Td are both due
    care._vaccinate(sim, {"id": "enc-1"}, t)
    given = [i["codes"][0]["code"] for i in sim.rec.lists["immunizations"] if i["time"] == t]
    assert given == ["115"]


def _td_due(pregnant: bool) -> list[str]:
    sim = patient(dt.date(1990, 1, 1), pregnant=pregnant)
    at(sim, dt.date(2008, 6, 1))
    sim.rec.add("immunizations", _dose("115", sim.now), None)  # the adolescent Tdap, counted as the tetanus dose
    sim.immunizations_given["tdap"] = 1
    sim.immunizations_last["tdap"] = int(sim.now)
    t = at(sim, dt.date(2021, 6, 3))  # 13 years later: the 10-year Td is due
    care._vaccinate(sim, {"id": "enc-1"}, t)
    return [i["codes"][0]["code"] for i in sim.rec.lists["immunizations"] if i["time"] == t]


def test_a_routine_td_waits_during_a_pregnancy() -> None:
    """s13review chart review: Td (113) at a 20-week wellness visit; the pregnancy's Tdap is the booster (ACIP 2013)."""
    assert _td_due(pregnant=False) == ["113"]
    assert _td_due(pregnant=True) == []
