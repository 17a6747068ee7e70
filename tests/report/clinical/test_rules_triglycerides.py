"""phys.triglycerides_500_rare: adults' triglyceride results at 500 mg/dL or more stay rare (s18syn: 392 of 2,795
panels of Synthea's library sat at the 2,000 mg/dL clamp)."""

from __future__ import annotations

import datetime as dt

from tests.report.clinical.helpers import breaks, passes, run
from tests.report.records import RecordBuilder

RULE = "phys.triglycerides_500_rare"
TG = "2571-8"


def _adults(severe: int, normal: int, age: float = 50.0) -> list[dict]:
    """People with one triglyceride result each at ``age``: ``severe`` at 2,000 mg/dL, the rest at 140."""
    out = []
    for i in range(severe + normal):
        b = RecordBuilder(i, birth=dt.date(1960, 3, 1))
        t = b.at_age(age)
        b.observation(TG, t, 2000.0 if i < severe else 140.0, unit="mg/dL", enc=b.encounter(t, cls="wellness"))
        out.append(b.record())
    return out


def test_triglycerides_at_the_clamp_in_many_adults_break_the_rule() -> None:
    result = breaks(RULE, _adults(28, 172))  # 14 %, as Synthea's library on the s18syn start code
    assert result.measure == 28 / 200
    assert passes(RULE, _adults(4, 196)).measure == 4 / 200  # 2 %: NHANES 1.7 %
    assert run(RULE, _adults(28, 172, age=15.0)).denominator == 0  # children are not judged here
