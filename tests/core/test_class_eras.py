"""Encounter classes by era (terminology/clock/class_eras.csv)."""

from __future__ import annotations

import datetime as dt

from ehrsim.core.class_eras import class_at, codes_at


def _t(year: int) -> float:
    return dt.datetime(year, 6, 1, tzinfo=dt.UTC).timestamp()


def test_an_urgent_care_visit_before_1970_is_an_office_visit() -> None:
    assert class_at("urgentcare", _t(1931)) == "ambulatory"
    assert class_at("urgentcare", _t(1985)) == "urgentcare"
    assert class_at("emergency", _t(1931)) == "emergency"  # classes without an era are kept


def test_the_setting_code_follows_the_class() -> None:
    urgent = [{"system": "SNOMED-CT", "code": "702927004", "display": "Urgent care clinic (environment)"}]
    then = codes_at("urgentcare", _t(1923), urgent)
    assert [(c["code"], c["display"]) for c in then] == [("185345009", "Encounter for symptom (procedure)")]
    assert codes_at("urgentcare", _t(1985), urgent) == urgent  # urgent care existed
    other = [{"system": "SNOMED-CT", "code": "185347001", "display": "Encounter for problem (procedure)"}]
    assert codes_at("urgentcare", _t(1923), other) == other  # another code of the visit is kept
