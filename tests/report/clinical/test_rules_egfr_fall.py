"""eGFR does not halve within a year without something acute around it (s15adult finding #5)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.report.clinical.helpers import DAY, breaks, passes, run
from tests.report.records import RecordBuilder

RULE = "phys.egfr_steep_fall_without_acute_illness"
AKI, CKD3 = "14669001", "433144002"


def _series(values: list[tuple[float, float]], *, stay_at: float | None = None, aki_at: float | None = None) -> Any:
    """eGFR results (age, value); optionally an inpatient stay or an AKI diagnosis at an age."""
    b = RecordBuilder(birth=dt.date(1940, 1, 1))
    for age, value in values:
        b.observation("98979-8", b.at_age(age), value, unit="mL/min/{1.73_m2}")
    if stay_at is not None:
        b.encounter(b.at_age(stay_at), hours=72, cls="inpatient")
    if aki_at is not None:
        b.condition(AKI, b.at_age(aki_at), stop=b.at_age(aki_at) + 20 * DAY)
    return b.record()


def test_a_fall_from_86_to_38_within_a_year_with_nothing_acute_breaks_it() -> None:
    result = breaks(RULE, [_series([(80.0, 86.0), (80.5, 80.0), (81.0, 38.0)])])
    assert result.denominator == 1


def test_gradual_decline_or_an_acute_cause_around_the_fall_keeps_it() -> None:
    gradual = _series([(80.0, 86.0), (81.0, 57.0), (82.0, 54.0), (84.0, 48.0)])  # 34 % at most within a year
    assert run(RULE, [gradual]).denominator == 0
    passes(RULE, [_series([(80.0, 86.0), (80.9, 38.0)], stay_at=80.85)])  # a stay just before the low result
    passes(RULE, [_series([(80.0, 86.0), (80.9, 38.0)], aki_at=80.92)])  # AKI diagnosed just after it
    assert run(RULE, [_series([(80.0, 86.0), (82.0, 38.0)])]).denominator == 0  # over two years: not within one
    assert run(RULE, [_series([(80.0, 50.0), (80.5, 25.0)])]).denominator == 0  # baseline below 60


def test_an_acute_cause_far_from_the_fall_does_not_explain_it() -> None:
    breaks(RULE, [_series([(80.0, 86.0), (80.9, 38.0)], stay_at=83.0)])
