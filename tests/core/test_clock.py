"""Local time: state time zones, office hours and the emergency arrival curve."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
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
