"""A positive AUDIT-C is counselled the same day (USPSTF 2018; the lead's session-12 chart read)."""

from __future__ import annotations

import datetime as dt

from tests.report.clinical.helpers import breaks, passes, run
from tests.report.records import RecordBuilder

RULE = "care.positive_auditc_counselled"


def _screened(index: int, score: float, counselled: bool, year: int = 2016, disorder: bool = False) -> dict:
    b = RecordBuilder(index=index, birth=dt.date(1970, 1, 1))
    t = b.at_age(year - 1970)
    enc = b.encounter(t, cls="wellness")
    if disorder:
        b.condition("7200002", t - 400 * 86400.0, display="Alcoholism (disorder)")
    b.observation("75626-2", t, score, unit="{score}", enc=enc, category="survey")
    if counselled:
        b.procedure("413473000", t, enc=enc)
    return b.record()


def test_a_positive_audit_c_with_nothing_done_breaks_the_rule() -> None:
    result = breaks(RULE, [_screened(0, 6, False), _screened(1, 5, True)])
    assert result.denominator == 2 and result.events_breaking == 1


def test_counselled_negative_before_2004_or_in_care_passes() -> None:
    passes(RULE, [_screened(0, 6, True), _screened(1, 4, True)])
    assert run(RULE, [_screened(0, 2, False), _screened(1, 7, False, year=2001)]).denominator == 0
    assert run(RULE, [_screened(0, 9, False, disorder=True)]).denominator == 0  # in care for alcoholism
