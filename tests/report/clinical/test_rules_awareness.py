"""phys.hypertension_awareness (s16htn, issue 11): NHANES's awareness, read on the record's survey exam."""

from __future__ import annotations

import datetime as dt

from tests.report.clinical.helpers import AMLODIPINE, DAY, breaks, med, passes, run
from tests.report.records import REFERENCE, RecordBuilder

RULE = "phys.hypertension_awareness"


def _adult(
    systolic: float, diastolic: float, index: int, *, diagnosed: bool = False, treated: bool = False, exam: bool = True
) -> dict:
    b = RecordBuilder(index, birth=dt.date(1960, 1, 1))
    if diagnosed:
        b.condition("59621000", b.at_age(50))
    if treated:
        med(b, AMLODIPINE, b.at_age(50))
    b.blood_pressure(REFERENCE - 60 * DAY, 120, 75)  # the office reading is not what is judged
    rec = b.record()
    if exam:
        rec["latent"] = {"exam": {"time": REFERENCE, "values": {"8480-6": systolic, "8462-4": diastolic}}}
    return rec


def test_awareness_counts_the_raised_exam_and_the_treated() -> None:
    people = [_adult(128, 80, i, diagnosed=True, treated=True) for i in range(5)]  # treated, controlled: aware
    people += [_adult(150, 85, 5 + i, diagnosed=True) for i in range(2)]  # diagnosed, untreated, raised: aware
    people += [_adult(152, 88, 7 + i) for i in range(2)]  # undiagnosed, raised: unaware
    people.append(_adult(132, 92, 9))  # undiagnosed, diastolic raised: unaware
    people.append(_adult(126, 78, 10, diagnosed=True))  # diagnosed, untreated, normal exam: not hypertensive
    people.append(_adult(124, 76, 11, treated=True))  # amlodipine without the diagnosis: not hypertensive
    people += [_adult(118, 74, 12 + i) for i in range(4)]  # normotensive
    people.append(_adult(160, 95, 16, exam=False))  # no survey exam (another simulator's record): not judged
    result = passes(RULE, people)
    assert result.measure == 0.7  # 7 of the 10 hypertensives


def test_awareness_breaks_when_every_hypertensive_is_diagnosed_or_few_are() -> None:
    breaks(RULE, [_adult(150, 90, i, diagnosed=True, treated=True) for i in range(9)] + [_adult(150, 90, 9)])  # 90 %
    breaks(RULE, [_adult(150, 90, i, diagnosed=i < 4) for i in range(10)])  # 40 %
    assert run(RULE, [_adult(118, 74, i) for i in range(5)]).measure is None  # nobody hypertensive
