"""Blood pressure in pregnancy (s15preg): chronic hypertension before 20 weeks, severe readings treated,
hypertension of pregnancy ended only on a normal reading."""

from __future__ import annotations

import datetime as dt

from tests.report.clinical.helpers import DAY, breaks, med, passes, run
from tests.report.records import RecordBuilder

PREGNANCY = "72892002"
GESTATIONAL_HTN = "48194001"
ESSENTIAL_HTN = "59621000"
LABETALOL = ("896758", "labetalol hydrochloride 100 MG Oral Tablet")
WEEK = 7 * DAY


def _pregnancy(index: int = 0) -> tuple[RecordBuilder, int, int]:
    """A pregnancy charted from 8 weeks (2021) to delivery at 39 weeks; returns (builder, 8-week time, delivery)."""
    b = RecordBuilder(index, birth=dt.date(1995, 1, 1))
    start = b.at_age(26)
    delivery = start + 31 * WEEK
    b.condition(PREGNANCY, start, delivery)
    b.observation("18185-9", start, 8, unit="wk", category="exam")
    return b, start, delivery


def _early_readings(b: RecordBuilder, start: int, values: list[tuple[float, float]]) -> None:
    """Readings at 12, 16, ... weeks (4 and 8 weeks after the 8-week visit)."""
    for i, (s, d) in enumerate(values):
        t = start + (4 + 4 * i) * WEEK
        b.observation("18185-9", t, 12 + 4 * i, unit="wk", category="exam")
        b.blood_pressure(t, s, d)


def test_raised_readings_before_20_weeks_without_a_diagnosis_break() -> None:
    b, start, _ = _pregnancy()
    _early_readings(b, start, [(163, 85), (152, 76), (166, 85)])
    result = breaks("care.chronic_hypertension_before_20_weeks", [b.record()])
    assert "163/85, 152/76 before 20 weeks" in result.examples[0][1][0]
    # one severe reading alone qualifies too
    severe, start, _ = _pregnancy(1)
    _early_readings(severe, start, [(120, 112)])
    breaks("care.chronic_hypertension_before_20_weeks", [severe.record()])


def test_chronic_hypertension_diagnosed_in_time_or_before_pregnancy_passes() -> None:
    b, start, _ = _pregnancy()
    _early_readings(b, start, [(148, 92), (150, 94)])
    b.condition(ESSENTIAL_HTN, start + 8 * WEEK)  # at the second reading (16 weeks)
    known, start, _ = _pregnancy(1)
    known.condition(ESSENTIAL_HTN, start - 300 * DAY)
    _early_readings(known, start, [(148, 92), (150, 94)])
    judged = passes("care.chronic_hypertension_before_20_weeks", [b.record(), known.record()])
    assert judged.events == 2
    # one raised reading, or raised ones only from 20 weeks, are not judged
    one, start, _ = _pregnancy(2)
    _early_readings(one, start, [(146, 88), (128, 80)])
    late, start, _ = _pregnancy(3)
    late.observation("18185-9", start + 14 * WEEK, 22, unit="wk", category="exam")
    late.blood_pressure(start + 14 * WEEK, 150, 95)
    late.blood_pressure(start + 16 * WEEK, 150, 95)
    assert run("care.chronic_hypertension_before_20_weeks", [one.record(), late.record()]).denominator == 0


def test_untreated_severe_reading_in_pregnancy_breaks() -> None:
    b, start, _ = _pregnancy()
    b.blood_pressure(start + 16 * WEEK, 166, 96)
    result = breaks("care.severe_pregnancy_bp_treated", [b.record()])
    assert "166/96 in pregnancy, no antihypertensive" in result.examples[0][1][0]
    treated, start, delivery = _pregnancy(1)
    treated.blood_pressure(start + 16 * WEEK, 166, 96)
    med(treated, LABETALOL, start + 16 * WEEK + 3600, stop=delivery + 42 * DAY)
    on_drug, start, delivery = _pregnancy(2)
    med(on_drug, LABETALOL, start, stop=delivery)
    on_drug.blood_pressure(start + 20 * WEEK, 150, 112)
    judged = passes("care.severe_pregnancy_bp_treated", [treated.record(), on_drug.record()])
    assert judged.events == 2
    outside = RecordBuilder(3, birth=dt.date(1995, 1, 1))
    outside.blood_pressure(outside.at_age(28), 170, 100)  # not pregnant: other rules judge it
    assert run("care.severe_pregnancy_bp_treated", [outside.record()]).denominator == 0


def test_hypertension_of_pregnancy_ended_on_a_raised_reading_breaks() -> None:
    b, start, delivery = _pregnancy()
    end = delivery + 35 * DAY
    b.condition(GESTATIONAL_HTN, start + 16 * WEEK, end)
    b.blood_pressure(end, 149, 76)
    result = breaks("care.pregnancy_hypertension_resolved_on_normal_reading", [b.record()])
    assert "ended" in result.examples[0][1][0] and "149/76" in result.examples[0][1][0]
    no_reading, start, delivery = _pregnancy(1)
    no_reading.condition(GESTATIONAL_HTN, start + 16 * WEEK, delivery + 35 * DAY)
    breaks("care.pregnancy_hypertension_resolved_on_normal_reading", [no_reading.record()])


def test_hypertension_of_pregnancy_ended_on_a_normal_reading_passes() -> None:
    b, start, delivery = _pregnancy()
    end = delivery + 84 * DAY
    b.blood_pressure(delivery + 35 * DAY, 149, 76)  # still raised at the postpartum visit: kept
    b.condition(GESTATIONAL_HTN, start + 16 * WEEK, end)
    b.blood_pressure(end, 128, 82)
    ongoing, start, _ = _pregnancy(1)
    ongoing.condition(GESTATIONAL_HTN, start + 16 * WEEK)  # not ended: not judged
    chronic, start, delivery = _pregnancy(2)
    end = delivery + 84 * DAY
    chronic.condition(GESTATIONAL_HTN, start + 16 * WEEK, end)
    chronic.blood_pressure(end, 150, 95)  # still raised at 12 weeks: chronic hypertension, not judged
    chronic.condition(ESSENTIAL_HTN, end)
    records = [b.record(), ongoing.record(), chronic.record()]
    judged = passes("care.pregnancy_hypertension_resolved_on_normal_reading", records)
    assert judged.events == 1


PREECLAMPSIA = "398254007"
GESTATIONAL_DIABETES = "11687002"


def test_hypertension_of_pregnancy_recorded_with_only_normal_readings_breaks() -> None:
    """s16young: pre-eclampsia recorded at a 34-week visit read 91/48; the raised pressure came two weeks later."""
    b, start, _ = _pregnancy()
    t = start + 26 * WEEK
    b.blood_pressure(t, 91, 48)
    b.condition(PREECLAMPSIA, t)
    b.blood_pressure(t + 14 * DAY, 159, 99)  # the next visit: too late to be the diagnosis's reading
    result = breaks("care.pregnancy_hypertension_on_raised_reading", [b.record()])
    assert "91/48" in result.examples[0][1][0]
    no_reading, start, _ = _pregnancy(1)
    no_reading.condition(GESTATIONAL_HTN, start + 20 * WEEK)
    result = breaks("care.pregnancy_hypertension_on_raised_reading", [no_reading.record()])
    assert "no reading" in result.examples[0][1][0]


def test_hypertension_of_pregnancy_recorded_on_raised_readings_passes() -> None:
    b, start, _ = _pregnancy()
    t = start + 26 * WEEK
    b.condition(PREECLAMPSIA, t)
    b.blood_pressure(t, 139, 88)
    b.blood_pressure(t + 4 * 3600, 152, 97)  # the confirming reading 4 hours later (ACOG PB 222)
    gestational, start, _ = _pregnancy(1)
    gestational.blood_pressure(start + 20 * WEEK, 144, 86)
    gestational.blood_pressure(start + 22 * WEEK, 138, 92)  # diastolic alone counts
    gestational.condition(GESTATIONAL_HTN, start + 22 * WEEK)
    judged = passes("care.pregnancy_hypertension_on_raised_reading", [b.record(), gestational.record()])
    assert judged.events == 2


def _delivery(b: RecordBuilder, t: int, reason: list[str]) -> dict:  # type: ignore[type-arg]
    enc = b.encounter(t, hours=48, cls="inpatient")
    enc["reason"] = [{"system": "SNOMED-CT", "code": c, "display": c} for c in reason]
    return enc


def test_delivery_admitted_for_normal_pregnancy_with_a_complication_active_breaks() -> None:
    b, start, delivery = _pregnancy()
    b.condition(PREECLAMPSIA, start + 26 * WEEK, delivery + 40 * DAY)
    _delivery(b, delivery - DAY, [PREGNANCY])
    result = breaks("care.delivery_names_complication", [b.record()])
    assert "admission for" in result.examples[0][1][0]
    gdm, start, delivery = _pregnancy(1)
    gdm.condition(GESTATIONAL_DIABETES, start + 20 * WEEK, delivery)
    _delivery(gdm, delivery - DAY, [PREGNANCY])
    breaks("care.delivery_names_complication", [gdm.record()])


def test_delivery_naming_its_complication_or_uncomplicated_passes() -> None:
    b, start, delivery = _pregnancy()
    b.condition(PREECLAMPSIA, start + 26 * WEEK, delivery + 40 * DAY)
    _delivery(b, delivery - DAY, [PREECLAMPSIA, PREGNANCY])
    judged = passes("care.delivery_names_complication", [b.record()])
    assert judged.events == 1
    plain, start, delivery = _pregnancy(1)
    _delivery(plain, delivery - DAY, [PREGNANCY])  # no complication: 'Normal pregnancy' is right
    ended, start, delivery = _pregnancy(2)
    ended.condition(GESTATIONAL_HTN, start + 20 * WEEK, start + 24 * WEEK)  # over before the delivery
    _delivery(ended, delivery - DAY, [PREGNANCY])
    visit, start, delivery = _pregnancy(3)
    visit.condition(PREECLAMPSIA, start + 26 * WEEK, delivery + 40 * DAY)
    office = visit.encounter(start + 28 * WEEK)  # a prenatal office visit is not an admission
    office["reason"] = [{"system": "SNOMED-CT", "code": PREGNANCY, "display": "Normal pregnancy"}]
    records = [plain.record(), ended.record(), visit.record()]
    assert run("care.delivery_names_complication", records).denominator == 0


def test_pre_eclampsia_ended_as_eclampsia_begins_is_not_judged_as_resolved() -> None:
    """Synthea's pregnancy module ends pre-eclampsia as eclampsia begins at the 36-week visit, whose reading is raised:
    the disorder progressed, it did not resolve (s18syn)."""
    b, start, _ = _pregnancy()
    progression = start + 28 * WEEK
    b.condition(PREECLAMPSIA, start + 24 * WEEK, progression)
    b.condition("198992004", progression)  # Eclampsia in pregnancy (disorder), still active: not judged
    b.blood_pressure(progression, 165, 108)
    result = run("care.pregnancy_hypertension_resolved_on_normal_reading", [b.record()])
    assert result.events == 0 and result.status != "FAIL"
