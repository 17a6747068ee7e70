"""Physiology rules on hand-made results with known values (and CKD-EPI 2021 computed by hand)."""

from __future__ import annotations

import datetime as dt

import pytest

from ehrsim.report.clinical.kinds_phys import ckd_epi_2021
from tests.report.clinical.helpers import (
    AMLODIPINE,
    ATORVASTATIN_20,
    ATORVASTATIN_80,
    DAY,
    METFORMIN,
    SIMVASTATIN_10,
    breaks,
    med,
    passes,
    run,
)
from tests.report.records import REFERENCE, YEAR, RecordBuilder


def _panel(values: list[float], index: int = 0) -> dict:
    b = RecordBuilder(index)
    for i, v in enumerate(values):
        b.observation("2951-2", b.at_age(40 + i), v, unit="mmol/L")
    return b.record()


def test_bmp_varies() -> None:
    result = breaks("phys.bmp_varies", [_panel([140.0] * 5)])
    assert "sodium: 5 results all 140" in result.examples[0][1][0]
    passes("phys.bmp_varies", [_panel([140.0, 139.0, 141.0, 140.0, 142.0])])


def _statin(drug: tuple[str, str], before: float, after: float, index: int) -> dict:
    b = RecordBuilder(index)
    start = b.at_age(55)
    b.observation("18262-6", start - 30 * DAY, before, unit="mg/dL")
    med(b, drug, start)
    b.observation("18262-6", start + 90 * DAY, after, unit="mg/dL")
    return b.record()


def _step_up(index: int) -> dict:
    """On simvastatin 10 mg for a year, then 20 mg (moderate): the second start is a dose step, not a start."""
    b = RecordBuilder(index)
    start = b.at_age(55)
    med(b, SIMVASTATIN_10, start - 365 * DAY, stop=start)
    b.observation("18262-6", start - 30 * DAY, 120.0, unit="mg/dL")
    med(b, ATORVASTATIN_20, start)
    b.observation("18262-6", start + 90 * DAY, 115.0, unit="mg/dL")
    return b.record()


def test_a_statin_dose_step_up_is_not_read_as_starting_a_statin() -> None:
    """Synthea titrates simvastatin 10 -> 20 mg: the LDL change at the step is not a moderate statin's effect."""
    good = [_statin(ATORVASTATIN_20, 200.0, 130.0, i) for i in range(3)]
    passes("phys.ldl_after_statin_moderate", good + [_step_up(i) for i in range(3, 9)])


@pytest.mark.parametrize(
    ("rule", "drug", "good_after"),
    [
        ("phys.ldl_after_statin_high", ATORVASTATIN_80, 100.0),  # -50 %
        ("phys.ldl_after_statin_moderate", ATORVASTATIN_20, 130.0),  # -35 %
        ("phys.ldl_after_statin_low", SIMVASTATIN_10, 160.0),  # -20 %
    ],
)
def test_ldl_after_statin(rule: str, drug: tuple[str, str], good_after: float) -> None:
    result = passes(rule, [_statin(drug, 200.0, good_after, i) for i in range(3)])
    assert result.measure == pytest.approx((good_after - 200) / 2)
    breaks(rule, [_statin(drug, 203.0, 210.0, i) for i in range(3)])  # +3 % on a statin


def test_ldl_after_a_stopped_statin_is_not_read_as_no_response() -> None:
    """s15lipid: a statin stopped (muscle pain, the patient's choice) before the next panel: that LDL is off it."""
    good = [_statin(ATORVASTATIN_20, 200.0, 130.0, i) for i in range(3)]
    stopped = []
    for i in range(3, 9):
        b = RecordBuilder(i)
        start = b.at_age(55)
        b.observation("18262-6", start - 30 * DAY, 203.0, unit="mg/dL")
        med(b, ATORVASTATIN_20, start, stop=start + 60 * DAY)
        b.observation("18262-6", start + 90 * DAY, 210.0, unit="mg/dL")
        stopped.append(b.record())
    result = passes("phys.ldl_after_statin_moderate", good + stopped)
    assert result.measure == pytest.approx(-35.0)  # only the three still taking it are judged
    breaks("phys.ldl_after_statin_moderate", good + [_statin(ATORVASTATIN_20, 203.0, 210.0, i) for i in range(3, 9)])


def _metformin(before: float, after: float, index: int) -> dict:
    b = RecordBuilder(index)
    start = b.at_age(50)
    b.observation("4548-4", start - 10 * DAY, before)
    b.condition("44054006", start)
    med(b, METFORMIN, start)
    b.observation("4548-4", start + 120 * DAY, after)
    return b.record()


def test_hba1c_after_treatment() -> None:
    assert passes("phys.hba1c_after_treatment", [_metformin(8.2, 7.0, i) for i in range(3)]).measure == pytest.approx(
        -1.2
    )
    breaks("phys.hba1c_after_treatment", [_metformin(8.2, 8.2, i) for i in range(3)])


def _diagnosed(results: list[tuple[str, float]], index: int, days_before: int = 20) -> dict:
    """A diabetes diagnosis at 55 after ``results`` (LOINC, value), the first ``days_before`` days earlier, weekly."""
    b = RecordBuilder(index)
    t = b.at_age(55)
    b.observation("2339-0", b.at_age(30), 90.0, unit="mg/dL")  # the record covers the years before
    for k, (loinc, value) in enumerate(results):
        b.observation(loinc, t - (days_before - 7 * k) * DAY, value, unit="%" if loinc == "4548-4" else "mg/dL")
    b.condition("44054006", t)
    return b.record()


def test_diabetes_diagnosis_confirmed() -> None:
    rule = "phys.diabetes_diagnosis_confirmed"
    passes(rule, [_diagnosed([("4548-4", 6.9), ("4548-4", 6.7)], 0)])  # two HbA1c >= 6.5
    passes(rule, [_diagnosed([("4548-4", 6.6), ("2345-7", 131.0)], 1)])  # HbA1c and fasting glucose
    passes(rule, [_diagnosed([("2345-7", 260.0)], 2)])  # one unequivocal glucose
    result = breaks(rule, [_diagnosed([("4548-4", 6.8)], 3)])  # one result, not confirmed
    assert "1 diagnostic result" in result.examples[0][1][0]
    breaks(rule, [_diagnosed([], 4)])  # a diagnosis with no result at all
    breaks(rule, [_diagnosed([("4548-4", 6.8), ("4548-4", 6.2)], 5)])  # the repeat test was not diagnostic
    breaks(rule, [_diagnosed([("4548-4", 6.9), ("4548-4", 6.7)], 6, days_before=500)])  # results too old


def _abnormal(value: float, diagnosed_after_days: int | None, index: int, age: float = 55) -> dict:
    b = RecordBuilder(index, birth=dt.date(1960, 1, 1))
    t = b.at_age(age)
    b.observation("4548-4", t - 3 * YEAR, 5.6)
    b.observation("4548-4", t, value)
    if diagnosed_after_days is not None:
        b.condition("44054006", t + diagnosed_after_days * DAY)
    return b.record()


def test_diabetes_result_diagnosed() -> None:
    rule = "phys.diabetes_result_diagnosed"
    people = [_abnormal(7.1, 14 if i < 7 else None, i) for i in range(10)]  # 7 of 10 diagnosed within a year
    people += [_abnormal(7.1, 600, 20)]  # diagnosed, but only after 600 days: counts as not within a year
    people += [_abnormal(5.9, None, 21), _abnormal(7.0, None, 22, age=64.5)]  # normal; followed only 6 months
    assert passes(rule, people).measure == pytest.approx(7 / 11)
    breaks(rule, [_abnormal(7.1, 14, i) for i in range(10)])  # every result diagnosed: written to fit
    breaks(rule, [_abnormal(7.1, None, i) for i in range(10)])  # results ignored


def test_ckd_epi_2021_by_hand() -> None:
    # 142 x (1.0/0.7)^-1.200 x 0.9938^50 x 1.012 = 68.6; 142 x (1.2/0.9)^-1.200 x 0.9938^60 = 69.2
    assert ckd_epi_2021(1.0, 50, True) == pytest.approx(68.6, abs=0.1)
    assert ckd_epi_2021(1.2, 60, False) == pytest.approx(69.2, abs=0.1)


def _egfr(creatinine: float, egfr: float, code: str = "98979-8") -> dict:
    b = RecordBuilder(gender="M", birth=dt.date(1950, 1, 1))
    t = b.at_age(60) + 100  # within a day of the creatinine
    b.observation("2160-0", b.at_age(60), creatinine, unit="mg/dL")
    b.observation(code, t, egfr, unit="mL/min/{1.73_m2}")
    return b.record()


def test_egfr_is_ckd_epi_2021() -> None:
    result = breaks("phys.egfr_is_ckd_epi_2021", [_egfr(2.2, 51.0)])  # 142 x (2.2/0.9)^-1.2 x 0.9938^60 = 33.5
    assert "ckd_epi_2021 gives 33" in result.examples[0][1][0]
    passes("phys.egfr_is_ckd_epi_2021", [_egfr(2.2, 33.0), _egfr(1.2, 69.0)])


def test_egfr_is_checked_with_the_equation_its_code_names() -> None:
    # MDRD 175 x 2.2^-1.154 x 60^-0.203 = 30.7 (186: 32.6); CKD-EPI 2009: 141 x (2.2/0.9)^-1.209 x 0.993^60 = 31.4
    passes("phys.egfr_is_ckd_epi_2021", [_egfr(2.2, 31.0, "33914-3"), _egfr(2.2, 33.0, "33914-3")])
    passes("phys.egfr_is_ckd_epi_2021", [_egfr(2.2, 31.0, "62238-1")])
    result = breaks("phys.egfr_is_ckd_epi_2021", [_egfr(2.2, 40.0, "62238-1")])
    assert "ckd_epi_2009 gives 31" in result.examples[0][1][0]
    breaks("phys.egfr_is_ckd_epi_2021", [_egfr(2.2, 40.0, "33914-3")])


def _child_egfr(creatinine: float, egfr: float, height: float | None) -> dict:
    b = RecordBuilder(birth=dt.date(2000, 1, 1))
    t = b.at_age(16)
    if height is not None:
        b.observation("8302-2", t - 5 * DAY, height, unit="cm", category="vital-signs")
    b.observation("2160-0", t, creatinine, unit="mg/dL")
    b.observation("33914-3", t + 100, egfr, unit="mL/min/{1.73_m2}")
    return b.record()


def test_a_childs_egfr_is_checked_with_bedside_schwartz() -> None:
    # 0.413 x 165 / 2.59 = 26.3; the adult MDRD would give about 26 too at this creatinine, so use 0.6: 113.6
    passes("phys.egfr_is_ckd_epi_2021", [_child_egfr(2.59, 26.0, 165.0), _child_egfr(0.6, 114.0, 165.0)])
    result = breaks("phys.egfr_is_ckd_epi_2021", [_child_egfr(2.59, 93.0, 165.0)])  # Synthea run: eGFR 93 at 2.59
    assert "Schwartz gives 26" in result.examples[0][1][0]
    assert run("phys.egfr_is_ckd_epi_2021", [_child_egfr(2.59, 93.0, None)]).status == "n/a"  # no height: not judged


def _ckd(stage: str, egfr: float) -> dict:
    b = RecordBuilder()
    b.condition(stage, b.at_age(60))
    b.observation("98979-8", b.at_age(61), egfr, unit="mL/min/{1.73_m2}")
    return b.record()


def test_ckd_stage_matches_egfr() -> None:
    breaks("phys.ckd_stage_matches_egfr", [_ckd("433144002", 85.0)])  # stage 3 at eGFR 85
    passes("phys.ckd_stage_matches_egfr", [_ckd("433144002", 45.0), _ckd("431857002", 22.0)])


def _treated(systolic: float, index: int) -> dict:
    b = RecordBuilder(index, birth=dt.date(1960, 1, 1))
    b.condition("59621000", b.at_age(50))
    med(b, AMLODIPINE, b.at_age(50))
    b.blood_pressure(REFERENCE - 60 * DAY, systolic, 82)
    return b.record()


def test_bp_control_treated() -> None:
    two_thirds = [_treated(128 if i < 7 else 152, i) for i in range(10)]
    assert passes("phys.bp_control_treated", two_thirds).measure == 0.7  # US 67.7 % of the treated
    breaks("phys.bp_control_treated", [_treated(128 if i < 4 else 152, i) for i in range(10)])  # 40 %: too few
    breaks("phys.bp_control_treated", [_treated(128, i) for i in range(10)])  # 100 % controlled


def _adult(systolic: float, diastolic: float, index: int, *, diagnosed: bool = False, treated: bool = False) -> dict:
    b = RecordBuilder(index, birth=dt.date(1960, 1, 1))
    if diagnosed:
        b.condition("59621000", b.at_age(50))
    if treated:
        med(b, AMLODIPINE, b.at_age(50))
    b.blood_pressure(REFERENCE - 60 * DAY, systolic, diastolic)
    return b.record()


def test_bp_control_among_all_hypertensives_counts_the_untreated_and_the_undiagnosed() -> None:
    """Muntner 2020's definition: diagnosed (treated or not) or a reading >= 140/90; normotensive adults and a drug
    without the diagnosis are not counted."""
    people = [_adult(128, 82, i, diagnosed=True, treated=True) for i in range(4)]
    people.append(_adult(152, 82, 4, diagnosed=True, treated=True))  # treated, uncontrolled
    people.append(_adult(128, 80, 5, diagnosed=True))  # diagnosed, untreated, controlled
    people += [_adult(150, 95, 6 + i) for i in range(3)]  # undiagnosed, high
    people.append(_adult(132, 92, 9))  # undiagnosed, diastolic high
    people += [_adult(118, 75, 10 + i) for i in range(5)]  # normotensive: not hypertensive, not judged
    people.append(_adult(124, 78, 15, treated=True))  # amlodipine without the diagnosis, controlled: not judged
    result = passes("phys.bp_control_hypertensives", people)
    assert result.measure == 0.5  # 5 of the 10 hypertensives
    # the same records read by the treated-only rule: 4 of 5 (the undiagnosed and untreated are not its population)
    assert run("phys.bp_control_treated", people).measure == 0.8
    breaks("phys.bp_control_hypertensives", [_adult(128, 82, i, diagnosed=True, treated=True) for i in range(10)])
    breaks("phys.bp_control_hypertensives", people[:5] + [_adult(150, 95, 20 + i) for i in range(8)])  # 4 of 13


def _child(percentile: float, index: int) -> dict:
    b = RecordBuilder(index, birth=REFERENCE - int(10 * YEAR))
    b.observation("59576-9", REFERENCE - 100 * DAY, percentile, category="vital-signs")
    return b.record()


def test_child_obesity() -> None:
    passes("phys.child_obesity", [_child(97 if i < 2 else 50, i) for i in range(10)])
    breaks("phys.child_obesity", [_child(50, i) for i in range(10)])


def _pregnancy(first: float, last: float, bmi: float = 23.0) -> dict:
    b = RecordBuilder(birth=dt.date(1990, 1, 1))
    start = b.at_age(28)
    b.observation("39156-5", start - 60 * DAY, bmi, unit="kg/m2", category="vital-signs")
    b.condition("72892002", start, stop=start + 270 * DAY)
    b.observation("29463-7", start + 40 * DAY, first, unit="kg", category="vital-signs")
    b.observation("29463-7", start + 260 * DAY, last, unit="kg", category="vital-signs")
    return b.record()


def test_pregnancy_weight_gain() -> None:
    breaks("phys.pregnancy_weight_gain", [_pregnancy(62.0, 62.4)])  # 0.4 kg
    passes("phys.pregnancy_weight_gain", [_pregnancy(62.0, 75.5)])
    passes("phys.pregnancy_weight_gain", [_pregnancy(95.0, 102.0, bmi=34)])  # obese: 5-9 kg


def _series(values: list[float]) -> dict:
    b = RecordBuilder()
    for i, v in enumerate(values):
        b.blood_pressure(b.at_age(30) + i * 30 * DAY, v, 80 + i)
    return b.record()


def test_no_identical_consecutive() -> None:
    breaks("phys.no_identical_consecutive", [_series([118.0] * 11)])  # the same BP at 11 prenatal visits
    passes("phys.no_identical_consecutive", [_series([118.0, 124.0, 121.0, 117.0, 126.0])])


def test_vitals_whole_numbers() -> None:
    breaks("phys.vitals_whole_numbers", [_series([118.4, 121.7])])
    passes("phys.vitals_whole_numbers", [_series([118.0, 121.0])])


def test_labs_have_reference_range() -> None:
    b = RecordBuilder()
    b.observation("2345-7", b.at_age(40), 95.0, unit="mg/dL")
    breaks("phys.labs_have_reference_range", [b.record()])
    g = RecordBuilder()
    g.observation("2345-7", g.at_age(40), 95.0, unit="mg/dL", reference_range={"low": 70.0, "high": 99.0})
    g.observation("44261-6", g.at_age(40), 4.0, unit="{score}", category="survey")  # not a laboratory result
    passes("phys.labs_have_reference_range", [g.record()])


def _esrd(urea: float, hb: float) -> dict:
    b = RecordBuilder()
    b.condition("46177005", b.at_age(60))
    b.observation("3094-0", b.at_age(61), urea, unit="mg/dL")
    b.observation("718-7", b.at_age(61), hb, unit="g/dL")
    return b.record()


def test_esrd_labs() -> None:
    breaks("phys.esrd_urea_raised", [_esrd(12.0, 10.5)])  # urea 12 in kidney failure
    passes("phys.esrd_urea_raised", [_esrd(62.0, 10.5)])
    breaks("phys.esrd_haemoglobin", [_esrd(62.0, 14.5)])
    passes("phys.esrd_haemoglobin", [_esrd(62.0, 10.5)])


def _treated_diabetic(last_hba1c: float, index: int) -> dict:
    b = RecordBuilder(index, birth=dt.date(1960, 1, 1))
    start = REFERENCE - 3 * YEAR
    b.condition("44054006", start)
    med(b, METFORMIN, start)
    b.observation("4548-4", REFERENCE - 100 * DAY, last_hba1c)
    return b.record()


def test_diabetes_control_treated() -> None:
    rule = "phys.diabetes_control_treated"
    people = [_treated_diabetic(6.6 if i < 5 else 7.8, i) for i in range(10)]
    assert passes(rule, people).measure == pytest.approx(0.5)
    breaks(rule, [_treated_diabetic(6.4, i) for i in range(10)])  # treatment always works
    breaks(rule, [_treated_diabetic(8.5, i) for i in range(10)])  # never
