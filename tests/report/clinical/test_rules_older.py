"""Care of older adults (s15elder): diabetes drugs deintensified below the HbA1c goal; AF without an anticoagulant
has a documented reason."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.report.clinical.helpers import DAY, breaks, med, passes, run
from tests.report.records import RecordBuilder

OVER_RULE = "older.hypoglycaemic_overtreatment"
AF_RULE = "older.af_anticoagulation_reason"
GLARGINE = ("311041", "insulin glargine 100 UNT/ML Injectable Solution")
GLIPIZIDE = ("310490", "glipizide 5 MG Oral Tablet")
ALZHEIMER, HYPERTENSION, OA_KNEE, CKD3, HEART_FAILURE = "26929004", "59621000", "239873007", "433144002", "84114007"
AF, DIABETES, DECLINED = "49436004", "44054006", "413559006"
APIXABAN = ("1364445", "apixaban 5 MG Oral Tablet")


def _units(n: float) -> dict[str, Any]:
    return {"amount": n, "frequency": 1, "period": 1.0, "unit": "days", "dose_unit": "[iU]"}


def _older(age: float, conditions: tuple[str, ...], then: str, hba1c: float = 6.6) -> dict[str, Any]:
    """On insulin 30 units from 70; an HbA1c at ``age``; ``then``: 'kept', 'reduced', 'raised' or 'stopped'."""
    b = RecordBuilder(birth=dt.date(1930, 1, 1))
    for c in conditions:
        b.condition(c, b.at_age(60))
    t = b.at_age(age)
    b.observation("4548-4", t, hba1c)
    later = {"kept": None, "reduced": t, "raised": t, "stopped": t + 2 * DAY}[then]
    med(b, GLARGINE, b.at_age(70), stop=later, dosage=_units(30))
    if then in ("reduced", "raised"):
        med(b, GLARGINE, t, dosage=_units(22 if then == "reduced" else 38))
    return b.record()


def test_insulin_kept_or_raised_below_7_with_dementia_or_80_and_multimorbid_breaks_it() -> None:
    breaks(OVER_RULE, [_older(82, (ALZHEIMER,), "kept")])
    breaks(OVER_RULE, [_older(82, (ALZHEIMER,), "raised")])
    breaks(OVER_RULE, [_older(84, (HYPERTENSION, OA_KNEE, CKD3), "kept")])


def test_insulin_reduced_or_stopped_or_not_an_older_complex_patient_keeps_it() -> None:
    passes(OVER_RULE, [_older(82, (ALZHEIMER,), "reduced")])
    passes(OVER_RULE, [_older(82, (ALZHEIMER,), "stopped")])
    assert run(OVER_RULE, [_older(84, (HYPERTENSION, OA_KNEE), "kept")]).denominator == 0  # two illnesses only
    assert run(OVER_RULE, [_older(76, (HYPERTENSION, OA_KNEE, CKD3), "kept")]).denominator == 0  # under 80
    assert run(OVER_RULE, [_older(82, (ALZHEIMER,), "kept", hba1c=7.4)]).denominator == 0  # within the goal


def test_a_sulfonylurea_reordered_after_a_low_hba1c_breaks_it_stopped_keeps_it() -> None:
    for reordered in (True, False):
        b = RecordBuilder(birth=dt.date(1930, 1, 1))
        b.condition(ALZHEIMER, b.at_age(80))
        t = b.at_age(83)
        b.observation("4548-4", t, 6.5)
        med(b, GLIPIZIDE, b.at_age(75), stop=t)
        if reordered:
            med(b, GLIPIZIDE, t)
            breaks(OVER_RULE, [b.record()])
        else:
            passes(OVER_RULE, [b.record()])


def _af(gender: str, conditions: tuple[str, ...], *, anticoagulated: bool = False, reason: bool = False) -> Any:
    b = RecordBuilder(birth=dt.date(1940, 1, 1), gender=gender)
    b.condition(AF, b.at_age(78))
    for c in conditions:
        b.condition(c, b.at_age(70))
    if anticoagulated:
        med(b, APIXABAN, b.at_age(78))
    if reason:
        b.condition(DECLINED, b.at_age(78))
    return b.record()


def test_eligible_af_without_anticoagulant_or_reason_breaks_it() -> None:
    result = breaks(AF_RULE, [_af("F", (HYPERTENSION,))])  # 75+ (2) + female (1) + hypertension (1) = 4
    assert "CHA2DS2-VASc 4" in result.examples[0][1][0]
    breaks(AF_RULE, [_af("M", ())])  # a man of 85: age alone scores 2


def test_anticoagulated_or_a_documented_reason_keeps_it() -> None:
    passes(AF_RULE, [_af("F", (HYPERTENSION, DIABETES), anticoagulated=True)])
    passes(AF_RULE, [_af("F", (HYPERTENSION, HEART_FAILURE), reason=True)])
    young = RecordBuilder(birth=dt.date(1975, 1, 1), gender="F")  # 50, female, hypertension: score 2 < 3
    young.condition(AF, young.at_age(45))
    young.condition(HYPERTENSION, young.at_age(40))
    assert run(AF_RULE, [young.record()]).denominator == 0


ASPIRIN_RULE = "older.aspirin_primary_prevention_past_70"
ASPIRIN_81 = ("243670", "aspirin 81 MG Oral Tablet")


def _aspirin(stop_years_after_70: float | None, ascvd: bool = False) -> Any:
    """Born 1945 (70 in 2015), on low-dose aspirin from 60; judged from 2019-03-17 (age 74.2)."""
    b = RecordBuilder(birth=dt.date(1945, 1, 1))
    if ascvd:
        b.condition("22298006", b.at_age(58))
    stop = b.at_age(74.2 + stop_years_after_70) if stop_years_after_70 is not None else None
    med(b, ASPIRIN_81, b.at_age(60), stop=stop)
    return b.record()


def test_aspirin_for_primary_prevention_going_on_past_70_breaks_it() -> None:
    result = breaks(ASPIRIN_RULE, [_aspirin(None)])
    assert "aspirin 81 MG Oral Tablet still taken" in result.examples[0][1][0]
    breaks(ASPIRIN_RULE, [_aspirin(2.0)])


def test_aspirin_stopped_within_a_year_or_after_an_mi_keeps_it() -> None:
    passes(ASPIRIN_RULE, [_aspirin(0.5)])
    assert run(ASPIRIN_RULE, [_aspirin(None, ascvd=True)]).denominator == 0


BP_RULE = "older.antihypertensive_intensified_in_severe_dementia"
LISINOPRIL_10 = ("314076", "lisinopril 10 MG Oral Tablet")
LISINOPRIL_20 = ("314077", "lisinopril 20 MG Oral Tablet")


def _severe(systolic: float, mmse: float, then: tuple[str, str]) -> Any:
    """Alzheimer from 80, lisinopril 10 mg from 75; at 85 an MMSE, a reading, then ``then`` ordered."""
    b = RecordBuilder(birth=dt.date(1930, 1, 1))
    b.condition(ALZHEIMER, b.at_age(80))
    old = med(b, LISINOPRIL_10, b.at_age(75))
    t = b.at_age(85)
    b.observation("72106-8", t - 30 * DAY, mmse, unit="{score}")
    b.blood_pressure(t - DAY, systolic, 70)
    old["stop"] = t
    med(b, then, t)
    return b.record()


def test_an_antihypertensive_raised_or_added_at_a_low_systolic_in_severe_dementia_breaks_it() -> None:
    breaks(BP_RULE, [_severe(118, 7, LISINOPRIL_20)])
    b = RecordBuilder(birth=dt.date(1930, 1, 1))  # a new drug added
    b.condition(ALZHEIMER, b.at_age(80))
    t = b.at_age(85)
    b.observation("72106-8", t - 30 * DAY, 6, unit="{score}")
    b.blood_pressure(t - DAY, 122, 70)
    med(b, ("197361", "amlodipine 5 MG Oral Tablet"), t)
    breaks(BP_RULE, [b.record()])


def test_renewed_at_the_same_dose_or_above_130_or_not_severe_keeps_it() -> None:
    passes(BP_RULE, [_severe(118, 7, LISINOPRIL_10)])
    assert run(BP_RULE, [_severe(138, 7, LISINOPRIL_20)]).denominator == 0
    assert run(BP_RULE, [_severe(118, 18, LISINOPRIL_20)]).denominator == 0


def test_a_drug_taking_the_place_of_one_of_its_class_is_not_an_intensification() -> None:
    b = RecordBuilder(birth=dt.date(1930, 1, 1))
    b.condition(ALZHEIMER, b.at_age(80))
    t = b.at_age(85)
    med(b, ("314076", "enalapril maleate 5 MG Oral Tablet"), b.at_age(75), stop=t)
    b.observation("72106-8", t - 30 * DAY, 7, unit="{score}")
    b.blood_pressure(t - DAY, 120, 70)
    med(b, LISINOPRIL_10, t)
    passes(BP_RULE, [b.record()])


def test_an_anticoagulant_taken_until_the_death_keeps_it() -> None:
    """The death closes every running order at its instant (final2000 idx 175: warfarin to the day she died was read as
    'no anticoagulant at the end'); a course stopped a day before the death still breaks it."""
    for stop_before_death, rule_holds in ((0, True), (86_400, False)):
        b = RecordBuilder(birth=dt.date(1925, 1, 1), gender="F", death=dt.date(2008, 2, 5))
        b.condition(AF, b.at_age(78))
        b.condition(HYPERTENSION, b.at_age(70))
        assert b.death is not None
        med(b, APIXABAN, b.at_age(78), stop=b.death - stop_before_death)
        (passes if rule_holds else breaks)(AF_RULE, [b.record()])


def test_a_dpp4_inhibitor_kept_below_7_in_dementia_breaks_it_stopped_keeps_it() -> None:
    for kept in (True, False):
        b = RecordBuilder(birth=dt.date(1930, 1, 1))
        b.condition(ALZHEIMER, b.at_age(80))
        t = b.at_age(83)
        b.observation("4548-4", t, 6.5)
        med(b, ("665033", "sitagliptin 100 MG Oral Tablet"), b.at_age(75), stop=None if kept else t)
        (breaks if kept else passes)("older.dpp4_overtreatment", [b.record()])


GLUCOSE_RULE = "older.glucose_lowering_started_in_severe_dementia"
CANAGLIFLOZIN = ("1373463", "canagliflozin 100 MG Oral Tablet")


def test_a_glucose_lowering_drug_started_within_the_goal_in_severe_dementia_breaks_it() -> None:
    """s18old: canagliflozin started at HbA1c 7.6 % with MMSE 3 (patient 127); at 9.1 % or MMSE 18 it is not judged."""
    for hba1c, mmse, judged in ((7.6, 3, True), (9.1, 3, False), (7.6, 18, False)):
        b = RecordBuilder(birth=dt.date(1938, 1, 1))
        b.condition(ALZHEIMER, b.at_age(78))
        t = b.at_age(81)
        b.observation("72106-8", t - 60 * DAY, mmse, unit="{score}")
        b.observation("4548-4", t - 5 * DAY, hba1c, unit="%")
        med(b, CANAGLIFLOZIN, t)
        if judged:
            result = breaks(GLUCOSE_RULE, [b.record()])
            assert "at HbA1c 7.6, MMSE 3" in result.examples[0][1][0]
        else:
            assert run(GLUCOSE_RULE, [b.record()]).denominator == 0
