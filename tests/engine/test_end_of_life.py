"""A death from a slow disease outside any stay gets a terminal course (core.terminal, engine.end_of_life)."""

from __future__ import annotations

import collections
import datetime as dt

from tests.engine.harness import simulate

DAY = 86_400
EXPIRED = {"20", "40", "41"}


def test_a_slow_death_at_home_gets_hospice_a_last_admission_or_a_nursing_facility() -> None:
    places: collections.Counter[str] = collections.Counter()
    for seed in range(40):
        _sim, record = simulate("slow_death", gender="M", born=dt.date(1935, 1, 1), seed=seed)
        death = record["death"]
        t = death["time"]
        (hf,) = [c for c in record["conditions"] if c["codes"][0]["code"] == "88805009"]
        (cert,) = [e for e in record["encounters"] if e["codes"][0]["code"] == "308646001"]
        courses = [e for e in record["encounters"] if e["module"] == "death" and e is not cert]
        for key in ("encounters", "observations", "conditions", "procedures", "careplans", "medications"):
            for entry in record[key]:  # nothing after the death, nothing running past it
                assert entry.get("time", entry.get("start")) <= t
                assert key not in ("careplans", "medications") or (entry["stop"] is not None and entry["stop"] <= t)
        if not courses:
            places["home"] += 1
            assert cert["class"] == "home"
            continue
        (course,) = courses
        places[course["class"]] += 1
        assert hf["start"] <= course["start"] < course["stop"] == t  # after the diagnosis, until the death
        assert course["discharge"]["system"] == "NUBC" and course["discharge"]["code"] in EXPIRED
        assert course["reason"][0]["code"] == "88805009"
        assert cert["class"] == course["class"] and cert["organization"] == course["organization"]  # died there
        others = [e for e in record["encounters"] if e is not course and e is not cert and e["start"] < t]
        assert all(e["stop"] <= course["start"] for e in others)  # begins after the care already in the chart
        plans = [p for p in record["careplans"] if p["encounter"] == course["id"]]
        if course["class"] == "hospice":
            assert course["discharge"]["code"] in ("40", "41")
            assert [p["codes"][0]["code"] for p in plans] == ["385763009"] and plans[0]["stop"] == t
            assert course["stop"] - course["start"] <= 180 * DAY
        else:
            assert course["discharge"]["code"] == "20" and not plans
    # died 2013: hospice 48 %, hospital 20 %, nursing facility 14 %, home 18 % (deaths/terminal_course.csv)
    assert places["hospice"] >= 10 and places["inpatient"] >= 2 and places["snf"] >= 1 and places["home"] >= 1, places


def test_before_the_hospice_benefit_there_is_no_hospice() -> None:
    classes = set()
    for seed in range(15):
        _sim, record = simulate("slow_death", gender="F", born=dt.date(1900, 1, 1), seed=seed)  # dies 1978
        classes |= {e["class"] for e in record["encounters"] if e["module"] == "death"}
    assert "hospice" not in classes and "inpatient" in classes


def test_a_sudden_death_gets_no_terminal_course() -> None:
    _sim, record = simulate("death", born=dt.date(1950, 1, 1))
    assert [e["class"] for e in record["encounters"] if e["module"] == "death"] == ["home"]


def test_a_terminal_course_records_a_do_not_resuscitate_order_at_its_start_in_most_deaths() -> None:
    """Comfort care (s14eol): the code status at the admission (deaths/terminal_code_status.csv: 62-85 %)."""
    with_order, courses = 0, 0
    for seed in range(40):
        _sim, record = simulate("slow_death", gender="M", born=dt.date(1935, 1, 1), seed=seed)
        status = [o for o in record["observations"] if o["codes"][0]["code"] == "304251008"]
        course = next((e for e in record["encounters"] if e["module"] == "death" and e["class"] != "home"), None)
        if course is None:
            assert not status  # a death at home without a course: no order recorded by the core
            continue
        courses += 1
        (obs,) = status  # every course from 1976 records the resuscitation status
        assert obs["value"]["code"] in ("304253006", "304252001") and obs["time"] == course["start"]
        assert obs["encounter"] == course["id"]
        with_order += obs["value"]["code"] == "304253006"  # Not for resuscitation
    assert 0.5 * courses <= with_order < courses, (with_order, courses)
