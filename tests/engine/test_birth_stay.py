"""The hepatitis B birth dose is given in the newborn's birth stay, not in a 'vaccine administration' admission."""

from __future__ import annotations

import datetime as dt

from ehrsim.core.birth_dose import stay_seconds
from tests.engine.harness import simulate


def test_birth_dose_is_given_in_a_newborn_stay_from_birth() -> None:
    stays = 0
    for seed in range(6):  # about 80 % of newborns in 2020 get the birth dose (NIS)
        _, rec = simulate(born=dt.date(2020, 3, 1), end=dt.date(2020, 6, 1), seed=seed)
        born = rec["patient"]["birth_time"]
        inpatient = [e for e in rec["encounters"] if e["class"] == "inpatient"]
        assert not any(c["code"] == "33879002" for e in inpatient for c in e["codes"])  # no vaccine admission
        dose = [i for i in rec["immunizations"] if i["codes"][0]["code"] == "08" and i["time"] - born <= 86400]
        if not dose:
            continue
        stays += 1
        (stay,) = [e for e in inpatient if e["id"] == dose[0]["encounter"]]
        assert stay["codes"][0]["code"] == "32485007" and stay["reason"][0]["code"] == "442311008"
        assert stay["start"] == born and stay["stop"] == born + stay_seconds() == born + 48 * 3600
        assert stay["discharge"]["code"] == "01"
        vitals = {o["codes"][0]["code"] for o in rec["observations"] if o["encounter"] == stay["id"]}
        assert {"8867-4", "9279-1"} <= vitals  # admission vital signs, as in any stay
    assert stays >= 3


def test_the_birth_stay_records_the_newborn_weight_length_and_head_circumference() -> None:
    """s13review chart review: 51 of 51 birth stays had no weight; the first weight came at the 5-day visit."""
    stays = 0
    for seed in range(6):
        _, rec = simulate(born=dt.date(2020, 3, 1), end=dt.date(2020, 6, 1), seed=seed)
        born = rec["patient"]["birth_time"]
        stay = [e for e in rec["encounters"] if e["class"] == "inpatient" and e["start"] == born]
        if not stay:
            continue
        stays += 1
        measured = {o["codes"][0]["code"]: o["value"] for o in rec["observations"] if o["encounter"] == stay[0]["id"]}
        assert 1.5 <= measured["29463-7"] <= 5.5  # kg
        assert 40 <= measured["8302-2"] <= 60  # cm
        assert 29 <= measured["9843-4"] <= 40  # cm
        assert all(o["time"] == born for o in rec["observations"] if o["encounter"] == stay[0]["id"])
    assert stays >= 3
