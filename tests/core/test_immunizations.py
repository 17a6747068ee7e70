"""The immunization schedule: infant series, catch-up limits, licensure dates, recurrence."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given
from hypothesis import strategies as st

from ehrsim.core.immunizations import due, schedule
from ehrsim.core.wellness import next_visit_time
from ehrsim.record.times import DAY, from_date


def _vaccinate(birth: dt.date, until_years: float) -> list[tuple[float, str]]:
    """Give every due vaccine at every scheduled wellness visit; return (age in years, key)."""
    born = from_date(birth)
    given: dict[str, int] = {}
    last: dict[str, int] = {}
    out = []
    t = born - 1
    while (t - born) / (365.25 * DAY) < until_years:
        t = next_visit_time(born, t, False)
        for key, _code in due((t - born) / DAY, given, t, last):
            given[key] = given.get(key, 0) + 1
            last[key] = t
            out.append(((t - born) / (365.25 * DAY), key))
    return out


def test_a_child_born_in_2015_completes_the_routine_series():
    shots = _vaccinate(dt.date(2015, 3, 1), 18)
    counts = {key: sum(1 for _, k in shots if k == key) for key in schedule()}
    assert counts["hepb_child"] == 3 and counts["dtap"] == 5 and counts["ipv"] == 4
    assert counts["mmr"] == 2 and counts["varicella"] == 2 and counts["rv_mono"] == 2
    assert counts["hpv"] == 2 and counts["mening"] == 2 and counts["tdap"] == 1
    assert counts["flu"] >= 15
    assert next(age for age, k in shots if k == "hepb_child") < 0.05  # birth dose


def test_vaccines_are_never_given_before_their_us_licensure():
    shots = _vaccinate(dt.date(1990, 6, 1), 30)
    born = from_date(dt.date(1990, 6, 1))
    first = {k: born + age * 365.25 * DAY for age, k in reversed(shots)}
    for key, when in first.items():
        assert when >= schedule()[key][0].available_from, key
    assert "rv_mono" not in first  # licensed 2008, past the 8-month limit by then
    assert "varicella" in first  # licensed 1995, caught up at age 5


@given(age_days=st.floats(0, 40_000), doses=st.integers(0, 6))
def test_due_is_deterministic_and_respects_the_latest_age(age_days, doses):
    time = from_date(dt.date(2024, 1, 1))
    given = dict.fromkeys(schedule(), doses)
    last = dict.fromkeys(schedule(), time - 400 * DAY)
    first = due(age_days, given, time, last)
    assert first == due(age_days, given, time, last)
    for key, code in first:
        assert code["system"] == "CVX" and code["code"]
        dose = schedule()[key][min(doses, len(schedule()[key]) - 1)]
        assert age_days >= dose.age_days
        assert dose.max_age_days is None or age_days < dose.max_age_days


def test_flu_recurs_yearly_and_td_every_ten_years():
    shots = _vaccinate(dt.date(1950, 1, 1), 75)
    td_ages = [age for age, k in shots if k == "td"]
    assert all(b - a >= 10 for a, b in itertools.pairwise(td_ages))
    assert any(k == "zoster" for _, k in shots) and any(k == "ppsv23" for _, k in shots)
