"""No acute bronchitis under 2 years: a viral lower respiratory infection at that age is bronchiolitis (AAP 2014;
s15kids finding #6)."""

from __future__ import annotations

import datetime as dt

from tests.report.clinical.helpers import breaks, passes, run
from tests.report.records import RecordBuilder

RULE = "care.no_acute_bronchitis_under_2"
BRONCHITIS, BRONCHIOLITIS = "10509002", "4120002"


def _child(code: str, age: float) -> dict:
    b = RecordBuilder(birth=dt.date(2015, 3, 1))
    b.condition(code, b.at_age(age), stop=b.at_age(age) + 14 * 86_400)
    return b.record()


def test_acute_bronchitis_at_4_months_or_at_1_9_years_breaks_it() -> None:
    result = breaks(RULE, [_child(BRONCHITIS, 0.33)])
    assert "at 0.3 years" in result.examples[0][1][0]
    breaks(RULE, [_child(BRONCHITIS, 1.9), _child(BRONCHITIS, 6.0)])


def test_bronchitis_from_2_or_bronchiolitis_under_2_keeps_it() -> None:
    passes(RULE, [_child(BRONCHITIS, 2.0), _child(BRONCHITIS, 9.0)])
    assert run(RULE, [_child(BRONCHIOLITIS, 0.5)]).denominator == 0
