"""Wellness visit timing and codes."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from ehrsim.core.wellness import next_visit_time, wellness_code
from ehrsim.record.times import from_date

YEAR = round(365.25 * 86_400)
BIRTH = from_date(dt.date(1980, 5, 17))


@given(offset=st.integers(-YEAR, 120 * YEAR), chronic=st.booleans())
def test_next_visit_is_strictly_after_now_and_within_three_years(offset, chronic):
    now = BIRTH + offset
    nxt = next_visit_time(BIRTH, now, chronic)
    assert now < nxt <= now + 3 * YEAR + 86_400
    if chronic:
        assert nxt - now <= YEAR + 1


def _visits(until_years: float) -> list[float]:
    t, ages = BIRTH - 1, []
    while t < BIRTH + until_years * YEAR:
        t = next_visit_time(BIRTH, t, False)
        ages.append((t - BIRTH) / YEAR)
    return ages


def test_visit_frequency_follows_the_age_bands():
    ages = _visits(70)
    count = lambda low, high: sum(low <= a < high for a in ages)  # noqa: E731
    assert count(0, 1) == 6  # newborn, 1, 2, 4, 6, 9 months
    assert count(1, 4) == 6  # 12, 15, 18, 24, 30, 36 months
    assert count(4, 20) == 16  # yearly
    assert count(20, 40) == 7  # every 3 years
    assert count(40, 50) == 5  # every 2 years
    assert count(50, 60) == 10  # yearly


def test_codes_switch_at_18():
    assert wellness_code(17.9)["code"] == "410620009"
    assert wellness_code(18.0) == {
        "system": "SNOMED-CT",
        "code": "162673000",
        "display": "General examination of patient (procedure)",
    }
