"""Encounter classes by era (terminology/clock/class_eras.csv)."""

from __future__ import annotations

import datetime as dt

from ehrsim.core.class_eras import class_at


def _t(year: int) -> float:
    return dt.datetime(year, 6, 1, tzinfo=dt.UTC).timestamp()


def test_an_urgent_care_visit_before_1970_is_an_office_visit() -> None:
    assert class_at("urgentcare", _t(1931)) == "ambulatory"
    assert class_at("urgentcare", _t(1985)) == "urgentcare"
    assert class_at("emergency", _t(1931)) == "emergency"  # classes without an era are kept
