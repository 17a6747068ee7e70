"""Pregnancy with disease (s18mom): severe pre-eclampsia delivered, pre-existing diabetes coded and monitored in
pregnancy, no gestational diabetes before screening existed."""

from __future__ import annotations

import datetime as dt

from tests.report.clinical.helpers import DAY, breaks, passes, run
from tests.report.records import RecordBuilder

WEEK = 7 * DAY
HOUR = 3600
PREGNANCY, PREECLAMPSIA, T2DM, PREGESTATIONAL, GDM = "72892002", "398254007", "44054006", "609567009", "11687002"
VAGINAL_DELIVERY = "177184002"


def _preeclampsia(index: int, readings: list[tuple[float, float, float]], delivered_after_days: float) -> RecordBuilder:
    """Pre-eclampsia diagnosed at 34 weeks (2021); readings (days after the diagnosis, systolic, diastolic)."""
    b = RecordBuilder(index, birth=dt.date(1992, 1, 1))
    start = b.at_age(29)
    onset = start + 26 * WEEK
    born = int(onset + delivered_after_days * DAY)
    b.condition(PREGNANCY, start, born + 2 * DAY)
    b.condition(PREECLAMPSIA, onset, born + 30 * DAY)
    for days, s, d in readings:
        b.blood_pressure(int(onset + days * DAY), s, d)
    b.procedure(VAGINAL_DELIVERY, born)
    return b


def test_severe_preeclampsia_managed_to_37_weeks_breaks() -> None:
    """The chart review's case: 162/98, then 172/99 two weeks later, delivered at 37 weeks."""
    b = _preeclampsia(0, [(0, 162, 98), (0.2, 150, 95), (14, 172, 99)], delivered_after_days=21)
    result = breaks("care.severe_preeclampsia_delivered", [b.record()])
    assert "162/98, 172/99, delivered 7 days later" in result.examples[0][1][0]
    same_visit = _preeclampsia(1, [(0, 165, 100), (5 / 24, 161, 104)], delivered_after_days=20)
    breaks("care.severe_preeclampsia_delivered", [same_visit.record()])


def test_severe_preeclampsia_delivered_within_two_days_passes() -> None:
    b = _preeclampsia(0, [(0, 165, 100), (5 / 24, 161, 104)], delivered_after_days=1)
    judged = passes("care.severe_preeclampsia_delivered", [b.record()])
    assert judged.events == 1
    # one severe reading, two within 4 hours, or severe readings only after the birth are not judged
    one = _preeclampsia(1, [(0, 165, 100), (0.2, 150, 95)], delivered_after_days=21)
    close = _preeclampsia(2, [(0, 165, 100), (2 / 24, 162, 101)], delivered_after_days=21)
    after = _preeclampsia(3, [(0, 150, 95), (22, 170, 112), (22.3, 168, 111)], delivered_after_days=21)
    records = [one.record(), close.record(), after.record()]
    assert run("care.severe_preeclampsia_delivered", records).denominator == 0


def _diabetic_delivery(index: int, coded: bool, hba1c: bool, diabetes_years_before: float = 3) -> RecordBuilder:
    """A woman with type 2 diabetes delivers in 2021 after a pregnancy charted from 8 weeks."""
    b = RecordBuilder(index, birth=dt.date(1990, 1, 1))
    start = b.at_age(31)
    born = start + 31 * WEEK
    b.condition(T2DM, int(start - diabetes_years_before * 365 * DAY))
    b.condition(PREGNANCY, start, born + 2 * DAY)
    if coded:
        b.condition(PREGESTATIONAL, start, born + 2 * DAY)
    if hba1c:
        b.observation("4548-4", start + 4 * WEEK, 6.4)
    b.procedure(VAGINAL_DELIVERY, born)
    return b


def test_diabetic_pregnancy_charted_as_normal_breaks() -> None:
    result = breaks(
        "care.pregestational_diabetes_in_pregnancy", [_diabetic_delivery(0, coded=False, hba1c=True).record()]
    )
    assert "without pre-existing diabetes in pregnancy coded" in result.examples[0][1][0]
    unmonitored = _diabetic_delivery(1, coded=True, hba1c=False)
    result = breaks("care.pregestational_diabetes_in_pregnancy", [unmonitored.record()])
    assert "without an HbA1c in the pregnancy" in result.examples[0][1][0]


def test_diabetic_pregnancy_coded_and_monitored_passes() -> None:
    judged = passes(
        "care.pregestational_diabetes_in_pregnancy", [_diabetic_delivery(0, coded=True, hba1c=True).record()]
    )
    assert judged.events == 1
    # diabetes found in the pregnancy (gestational, not pre-existing) is not judged
    late = _diabetic_delivery(1, coded=False, hba1c=False, diabetes_years_before=-0.2)
    assert run("care.pregestational_diabetes_in_pregnancy", [late.record()]).denominator == 0


ESSENTIAL_HYPERTENSION, HYPERTENSION_IN_PREGNANCY = "59621000", "78808002"


def _hypertensive_delivery(index: int, coded: bool, years_before: float = 3) -> RecordBuilder:
    """A woman with essential hypertension delivers in 2021 after a pregnancy charted from 8 weeks."""
    b = RecordBuilder(index, birth=dt.date(1990, 1, 1))
    start = b.at_age(31)
    born = start + 31 * WEEK
    b.condition(ESSENTIAL_HYPERTENSION, int(start - years_before * 365 * DAY))
    b.condition(PREGNANCY, start, born + 2 * DAY)
    if coded:
        b.condition(HYPERTENSION_IN_PREGNANCY, start, born + 2 * DAY)
    b.procedure(VAGINAL_DELIVERY, born)
    return b


def test_chronic_hypertension_pregnancy_charted_as_normal_breaks() -> None:
    rule = "care.chronic_hypertension_in_pregnancy_coded"
    result = breaks(rule, [_hypertensive_delivery(0, coded=False).record()])
    assert "without hypertension complicating pregnancy coded" in result.examples[0][1][0]


def test_chronic_hypertension_pregnancy_coded_passes() -> None:
    rule = "care.chronic_hypertension_in_pregnancy_coded"
    assert passes(rule, [_hypertensive_delivery(0, coded=True).record()]).events == 1
    # hypertension found in the pregnancy (from 20 weeks: gestational) is not judged
    late = _hypertensive_delivery(1, coded=False, years_before=-0.3)
    assert run(rule, [late.record()]).denominator == 0


def test_gestational_diabetes_before_screening_existed_breaks() -> None:
    b = RecordBuilder(0, birth=dt.date(1930, 1, 1))
    t = b.at_age(28)  # 1958
    b.condition(GDM, t, t + 12 * WEEK)
    result = breaks("rec.gestational_diabetes_before_era", [b.record()])
    assert result.examples[0][1][0].startswith("1958-01-01")
    challenge = RecordBuilder(1, birth=dt.date(1940, 1, 1))
    challenge.observation("1504-0", challenge.at_age(30), 150, unit="mg/dL")  # 1970, before the 1973 screen
    breaks("rec.gestational_diabetes_before_era", [challenge.record()])


def test_gestational_diabetes_in_its_era_passes() -> None:
    b = RecordBuilder(0, birth=dt.date(1960, 1, 1))
    t = b.at_age(28)  # 1988
    b.observation("1504-0", t - 2 * WEEK, 152, unit="mg/dL")
    b.observation("1501-6", t - WEEK, 195, unit="mg/dL")
    b.condition(GDM, t, t + 12 * WEEK)
    judged = passes("rec.gestational_diabetes_before_era", [b.record()])
    assert judged.events == 3
