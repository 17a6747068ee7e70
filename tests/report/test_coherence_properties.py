"""Invariants of the engine-level checks on random records (hypothesis)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from ehrsim.report.coherence import check_encounter_overlap, check_lifespan, check_references
from tests.report.records import REFERENCE, RecordBuilder

gaps = st.lists(st.tuples(st.floats(0.01, 5.0), st.floats(0.1, 72.0)), min_size=1, max_size=25)


def _lived(steps: list[tuple[float, float]]) -> RecordBuilder:
    """Encounters one after another from age 1, each ``hours`` long, ``years`` after the previous one."""
    b = RecordBuilder(gender="F", birth=dt.date(1940, 1, 1))
    t = b.at_age(1)
    for years, hours in steps:
        t += int(years * 365 * 86400)
        enc = b.encounter(t, hours=hours)
        b.condition("10509002", t, stop=t + 3600, enc=enc)
        t = enc["stop"]
    return b


@settings(max_examples=60, deadline=None)
@given(gaps)
def test_sequential_lives_are_coherent(steps: list[tuple[float, float]]) -> None:
    b = _lived(steps)
    record = b.record()
    last = record["encounters"][-1]["stop"]
    assert check_encounter_overlap(record) == []
    assert check_references(record) == []
    assert check_lifespan(record, end_time=max(last, REFERENCE)) == []


@settings(max_examples=60, deadline=None)
@given(gaps, st.data())
def test_any_encounter_moved_into_another_is_caught(steps: list[tuple[float, float]], data: st.DataObject) -> None:
    record = _lived([*steps, (1.0, 2.0)]).record()
    encounters = record["encounters"]
    i = data.draw(st.integers(0, len(encounters) - 2))
    j = data.draw(st.integers(0, len(encounters) - 1).filter(lambda k: k != i))
    host = encounters[i]
    length = encounters[j]["stop"] - encounters[j]["start"]
    encounters[j]["start"] = host["start"] + 60
    encounters[j]["stop"] = encounters[j]["start"] + length
    assert check_encounter_overlap(record) != []
