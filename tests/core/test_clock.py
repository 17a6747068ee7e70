"""Local time: state time zones, office hours and the emergency arrival curve."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ehrsim.core import clock

NY = ZoneInfo("America/New_York")


def test_every_state_has_a_time_zone():
    assert clock.zone_for_state("AZ").key == "America/Phoenix"
    assert clock.zone_for_state("HI").key == "Pacific/Honolulu"
    assert clock.zone_for_state("CA").key == "America/Los_Angeles"


@settings(max_examples=200)
@given(t=st.integers(0, 2_000_000_000), seed=st.integers(0, 2**32))
def test_office_visits_start_on_weekdays_in_office_hours_and_never_earlier(t, seed):
    start = clock.place(t, "wellness", NY, np.random.default_rng(seed))
    local = dt.datetime.fromtimestamp(start, NY)
    assert start >= t and start - t < 4 * 86400
    assert local.weekday() < 5 and 8 <= local.hour < 17


def test_a_saturday_night_visit_moves_to_monday_morning():
    saturday = dt.datetime(2024, 3, 16, 23, 30, tzinfo=NY).timestamp()
    start = dt.datetime.fromtimestamp(clock.place(saturday, "ambulatory", NY, np.random.default_rng(1)), NY)
    assert start.date() == dt.date(2024, 3, 18) and 8 <= start.hour < 17


def test_emergency_arrivals_follow_the_diurnal_curve():
    rng = np.random.default_rng(7)
    base = dt.datetime(2024, 1, 1, tzinfo=NY).timestamp()
    hours = [
        dt.datetime.fromtimestamp(clock.place(base + rng.random() * 86400 * 365, "emergency", NY, rng), NY).hour
        for _ in range(20000)
    ]
    counts = np.bincount(hours, minlength=24) / len(hours)
    assert counts[4] < 0.025 and counts[11] > 0.045  # trough before dawn, plateau late morning
    assert abs(counts[11] / counts[4] - 5.4 / 1.4) < 1.0


def test_classes_without_a_rule_keep_their_time():
    assert clock.place(1_000_000, "no-such-class", NY, np.random.default_rng(0)) == 1_000_000


def test_federal_holidays_by_era_with_observed_dates():
    assert clock.holidays(2024) == {
        dt.date(2024, 1, 1),
        dt.date(2024, 5, 27),  # last Monday in May
        dt.date(2024, 7, 4),
        dt.date(2024, 9, 2),  # first Monday in September
        dt.date(2024, 11, 28),  # fourth Thursday
        dt.date(2024, 12, 25),
    }
    assert dt.date(2021, 12, 31) in clock.holidays(2022)  # New Year's Day 2022 was a Saturday
    assert dt.date(2020, 7, 3) in clock.holidays(2020)  # 4 July 2020 was a Saturday
    assert dt.date(1968, 5, 30) in clock.holidays(1968) and dt.date(1968, 5, 27) not in clock.holidays(1968)
    assert dt.date(1939, 11, 30) in clock.holidays(1939)  # last Thursday before 1942


def test_offices_are_closed_on_holidays_but_urgent_care_is_open():
    christmas_eve = dt.datetime(2024, 12, 24, 18, 0, tzinfo=NY).timestamp()
    for seed in range(30):
        start = dt.datetime.fromtimestamp(clock.place(christmas_eve, "wellness", NY, np.random.default_rng(seed)), NY)
        assert start.date() == dt.date(2024, 12, 26)
    new_years_eve = dt.datetime(2021, 12, 30, 18, 0, tzinfo=NY).timestamp()  # Friday 31 Dec observed
    start = dt.datetime.fromtimestamp(clock.place(new_years_eve, "ambulatory", NY, np.random.default_rng(0)), NY)
    assert start.date() == dt.date(2022, 1, 3)
    christmas = dt.datetime(2024, 12, 25, 10, 0, tzinfo=NY).timestamp()
    assert clock.place(christmas, "urgentcare", NY, np.random.default_rng(0)) == christmas


def test_clock_draws_give_the_generators_own_numbers():
    """``ClockDraws`` replaces ``rng.integers`` for speed: the same numbers in the same order, mixed with
    ``random()`` draws, over ranges that take Lemire's rejection path often (2**31 + k) and never (2)."""
    picker = np.random.default_rng(99)
    for seed in range(5):
        numpy_rng, draws = np.random.default_rng(seed), clock.ClockDraws(np.random.default_rng(seed))
        for _ in range(5_000):
            if picker.random() < 0.3:
                assert draws.random() == numpy_rng.random()
                continue
            n = int(picker.choice([1, 2, 7, 36, 3600, 2**31 + 12345, 2**32 - 1]))
            low = int(picker.integers(-3, 3))
            assert draws.integers(low, low + n) == int(numpy_rng.integers(low, low + n))
    with pytest.raises(ValueError):
        clock.ClockDraws(np.random.default_rng(0)).integers(0, 0)


@settings(max_examples=200)
@given(t=st.integers(0, 2_000_000_000), seed=st.integers(0, 2**32))
def test_a_stay_a_module_ends_at_night_runs_on_to_a_daytime_discharge(t, seed):
    stop = clock.discharge_after(t, NY, np.random.default_rng(seed))
    hour = dt.datetime.fromtimestamp(stop, NY).hour
    assert stop >= t and stop - t < 86400  # never shortened, at most to the next afternoon
    assert 8 <= hour < 21
    if 8 <= dt.datetime.fromtimestamp(t, NY).hour < 21:
        assert stop == t  # a daytime end is kept


def test_discharge_hours_follow_the_florida_figures():
    rng = np.random.default_rng(5)
    t0 = int(dt.datetime(2019, 3, 5, 23, 30, tzinfo=NY).timestamp())  # every draw runs on to 6 March
    hours = [dt.datetime.fromtimestamp(clock.discharge_after(t0, NY, rng), NY).hour for _ in range(4000)]
    before_noon = sum(h < 12 for h in hours) / len(hours)
    before_3pm = sum(h < 15 for h in hours) / len(hours)
    assert 0.11 < before_noon < 0.15 and 0.40 < before_3pm < 0.45  # Epstein 2019: 13.0 % and 42.2 %


def test_the_birth_stay_ends_at_the_drawn_hour_on_the_nearest_day():
    planned = int(dt.datetime(2019, 3, 7, 3, 0, tzinfo=NY).timestamp())  # 03:00 on the 7th
    birth = planned - 2 * 86400
    stops = [clock.discharge_nearest(planned, NY, u, 0.5, birth + 86400) for u in np.linspace(0.0, 0.999, 50)]
    for stop in stops:
        local = dt.datetime.fromtimestamp(stop, NY)
        assert 8 <= local.hour < 21 and abs(stop - planned) <= 12 * 3600  # the nearer of the 6th and the 7th
    assert {dt.datetime.fromtimestamp(s, NY).day for s in stops} == {6, 7}  # late hours on the 6th, early on the 7th
    early = clock.discharge_nearest(planned, NY, 0.5, 0.5, planned)  # never before ``earliest``
    assert early >= planned and dt.datetime.fromtimestamp(early, NY).day == 7
