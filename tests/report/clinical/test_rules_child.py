"""Infant haemoglobin work-up and severe pain scores (care.infant_low_haemoglobin_rechecked,
care.severe_pain_has_a_cause, care.severe_pain_addressed), on hand-made records."""

from __future__ import annotations

import datetime as dt

from tests.report.clinical.helpers import ACETAMINOPHEN, DAY, breaks, med, passes
from tests.report.records import RecordBuilder

HB = "718-7"
PAIN = "72514-3"
OA_KNEE = ("239873007", "Osteoarthritis of knee (disorder)")
HB_RULE = "care.infant_low_haemoglobin_rechecked"


def _infant(hb: float, recheck: float | None = None, index: int = 0, months: float = 12) -> dict:
    b = RecordBuilder(index, birth=dt.date(2018, 3, 1))
    t = b.at_age(months / 12)
    b.observation(HB, t, hb, unit="g/dL", enc=b.encounter(t, cls="wellness"))
    if recheck is not None:
        b.observation(HB, t + 30 * DAY, recheck, unit="g/dL", enc=b.encounter(t + 30 * DAY))
    return b.record()


def test_low_infant_haemoglobin_is_rechecked() -> None:
    result = breaks(HB_RULE, [_infant(10.5)])  # the chart review's 9-month-old at 10.5, nothing done
    assert "10.5, no recheck" in result.examples[0][1][0]
    passes(HB_RULE, [_infant(10.5, recheck=11.4), _infant(12.1, index=1), _infant(10.2, index=2, months=40)])


def test_iron_counts_as_acting_on_it() -> None:
    b = RecordBuilder(birth=dt.date(2018, 3, 1))
    t = b.at_age(1)
    b.observation(HB, t, 10.4, unit="g/dL", enc=b.encounter(t, cls="wellness"))
    b.medication("310325", t + 2 * DAY, [], display="ferrous sulfate 325 MG Oral Tablet")
    passes(HB_RULE, [b.record()])


def _pain(score: float, condition: tuple[str, str] | None = None, drug: bool = False, index: int = 0) -> dict:
    b = RecordBuilder(index, birth=dt.date(1950, 1, 1))
    t = b.at_age(70)
    enc = b.encounter(t, cls="wellness")
    if condition:
        b.condition(condition[0], t - 400 * DAY, display=condition[1])
    if drug:
        med(b, ACETAMINOPHEN, t + DAY, t + 15 * DAY)
    b.observation(PAIN, t, score, unit="{score}", enc=enc, category="survey")
    return b.record()


def test_severe_pain_needs_a_painful_condition() -> None:
    result = breaks("care.severe_pain_has_a_cause", [_pain(9)])
    assert "pain 9 with no painful condition" in result.examples[0][1][0]
    passes("care.severe_pain_has_a_cause", [_pain(8, OA_KNEE), _pain(3, index=1), _pain(6, index=2)])


def test_severe_pain_with_a_cause_is_treated() -> None:
    result = breaks("care.severe_pain_addressed", [_pain(8, OA_KNEE)])
    assert "Osteoarthritis of knee" in result.examples[0][1][0]
    passes("care.severe_pain_addressed", [_pain(8, OA_KNEE, drug=True), _pain(9, index=1), _pain(5, OA_KNEE, index=2)])
