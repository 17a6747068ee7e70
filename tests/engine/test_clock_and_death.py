"""Encounters in local office hours; deaths during a stay are 'Expired' with a certified cause."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from tests.engine.harness import simulate

NY = ZoneInfo("America/New_York")  # the harness patient has no state: the default zone


def test_module_visits_wait_for_office_hours() -> None:
    _sim, record = simulate("office_visit", end=dt.date(2001, 1, 1))
    visits = [e for e in record["encounters"] if e["class"] in ("ambulatory", "wellness") and e["module"] != "death"]
    assert len(visits) > 10 and any(e["class"] == "wellness" for e in visits)
    for enc in visits:
        local = dt.datetime.fromtimestamp(enc["start"], NY)
        assert local.weekday() < 5 and 8 <= local.hour < 17, local


def test_a_death_during_an_admission_is_expired_with_a_known_cause() -> None:
    _sim, record = simulate("hospital_death", born=dt.date(1990, 1, 1))
    assert record["alive"] is False
    (stay,) = [e for e in record["encounters"] if e["class"] == "inpatient"]
    assert stay["discharge"] == {"system": "NUBC", "code": "20", "display": "Expired"}
    assert stay["stop"] == record["death"]["time"] and stay["stop"] - stay["start"] >= 2 * 86400
    assert record["death"]["codes"][0]["code"] != "9855000"  # 30 years old: an injury, overdose, suicide...
    cert = [o for o in record["observations"] if o["codes"][0]["code"] == "69453-9"]
    assert cert[0]["value"] == record["death"]["codes"][0]


def test_a_death_in_the_instant_of_admission_comes_after_a_real_stay() -> None:
    _sim, record = simulate("admission_death", born=dt.date(1940, 1, 1))
    (stay,) = [e for e in record["encounters"] if e["class"] == "inpatient"]
    assert 12 * 3600 <= stay["stop"] - stay["start"] <= 168 * 3600
    assert stay["stop"] == record["death"]["time"]
    assert stay["discharge"]["code"] == "20"
    assert record["death"]["codes"][0]["code"] == "410429000"  # a module's own cause is kept
