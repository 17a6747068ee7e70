"""Diagnosis and care rules on hand-made records (evidence present or missing, on known days)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.report.clinical.helpers import (
    AMLODIPINE,
    AMOXICILLIN,
    ATORVASTATIN_20,
    BIKTARVY,
    DAY,
    LISINOPRIL,
    NICOTINE_PATCH,
    Record,
    breaks,
    med,
    passes,
    run,
)
from tests.report.records import RecordBuilder, code

SMOKER = code("449868002", display="Smokes tobacco daily (finding)")


def test_hypertension_two_readings() -> None:
    b = RecordBuilder()
    onset = b.at_age(50)
    b.blood_pressure(onset, 150, 95)
    b.condition("59621000", onset)
    breaks("care.hypertension_two_readings", [b.record()])
    g = RecordBuilder()
    g.blood_pressure(onset - 30 * DAY, 128, 84)  # diastolic raised on the first day
    g.blood_pressure(onset, 150, 95)
    g.condition("59621000", onset)
    passes("care.hypertension_two_readings", [g.record()])


def test_gestational_diabetes_by_ogtt() -> None:
    b = RecordBuilder(birth=dt.date(1990, 1, 1))
    onset = b.at_age(30)
    b.observation("1504-0", onset - 1 * DAY, 162.0, unit="mg/dL")  # a positive 1-hour screen alone
    b.condition("11687002", onset)
    breaks("care.gestational_diabetes_by_ogtt", [b.record()])
    g = RecordBuilder(birth=dt.date(1990, 1, 1))
    g.observation("1504-0", onset - 14 * DAY, 162.0, unit="mg/dL")
    g.observation("1501-6", onset, 196.0, unit="mg/dL")
    g.observation("1514-9", onset, 171.0, unit="mg/dL")
    g.condition("11687002", onset)
    passes("care.gestational_diabetes_by_ogtt", [g.record()])


def _depression(phq9: float, screen: bool) -> dict:
    b = RecordBuilder()
    onset = b.at_age(40)
    b.observation("44261-6", onset, phq9, unit="{score}", category="survey")
    if screen:
        b.procedure("225337009", onset)
    b.condition("370143000", onset)
    return b.record()


def test_depression_phq9_or_suicide_screen() -> None:
    breaks("care.depression_phq9_or_suicide_screen", [_depression(7, False)])
    passes("care.depression_phq9_or_suicide_screen", [_depression(7, True)])
    passes("care.depression_phq9_or_suicide_screen", [_depression(14, False)])


def _ablation(af_days_before: int, ecg: bool) -> dict:
    b = RecordBuilder()
    t = b.at_age(60)
    b.condition("49436004", t - af_days_before * DAY)
    if ecg:
        b.procedure("268400002", t - max(af_days_before, 1) * DAY)
    b.procedure("18286008", t)
    return b.record()


def test_ablation_after_workup() -> None:
    result = breaks("care.ablation_after_workup", [_ablation(0, False)])  # diagnosed and ablated in one visit
    assert "AF diagnosed 30+ days earlier" in result.examples[0][1][0] and "an ECG" in result.examples[0][1][0]
    breaks("care.ablation_after_workup", [_ablation(90, False)])
    passes("care.ablation_after_workup", [_ablation(90, True)])


def _smoker(index: int, *, birth: dt.date, years: float, care: str | None = None, from_age: float = 55) -> dict:
    b = RecordBuilder(index, birth=birth)
    start = b.at_age(from_age)
    for k in range(int(years) + 1):
        b.observation("72166-2", start + int(k * 365.25 * DAY), SMOKER, unit="", category="social-history")
    if care == "counsel":
        b.procedure("225323000", start + 100 * DAY)
    elif care == "patch":
        med(b, NICOTINE_PATCH, start + 100 * DAY)
    elif care == "ldct":
        b.procedure("16334891000119106", start + 400 * DAY)
    return b.record()


def test_smoker_cessation() -> None:
    born = dt.date(1960, 1, 1)
    breaks("care.smoker_cessation", [_smoker(0, birth=born, years=3)])
    passes("care.smoker_cessation", [_smoker(0, birth=born, years=3, care="counsel")])
    passes("care.smoker_cessation", [_smoker(0, birth=born, years=3, care="patch")])


def test_ldct_when_eligible() -> None:
    born = dt.date(1960, 1, 1)  # 55 in 2015
    breaks("care.ldct_when_eligible", [_smoker(0, birth=born, years=4), _smoker(1, birth=born, years=4)])
    passes("care.ldct_when_eligible", [_smoker(0, birth=born, years=4, care="ldct")])
    # a smoker who quit in 2005 was never eligible in the screening era: not judged
    quitter = _smoker(2, birth=dt.date(1945, 1, 1), years=4)
    quitter["observations"].append(
        {
            **quitter["observations"][-1],
            "id": "quit",
            "n": 99,
            "time": quitter["observations"][-1]["time"] + 365 * DAY,
            "value": code("8517006", display="Ex-smoker (finding)"),
        }
    )
    result = passes("care.ldct_when_eligible", [_smoker(1, birth=born, years=4, care="ldct"), quitter])
    assert result.patients == 1
    # aged 50-54 in 2013-2017: eligible only from 55 until USPSTF 2021 lowered the age to 50 (not judged) ...
    young = _smoker(3, birth=dt.date(1963, 1, 1), years=4, from_age=50)
    young["observations"].append(
        {
            **young["observations"][-1],
            "id": "quit-young",
            "n": 98,
            "time": young["observations"][-1]["time"] + 180 * DAY,  # quit at 54.5, in 2017
            "value": code("8517006", display="Ex-smoker (finding)"),
        }
    )
    assert run("care.ldct_when_eligible", [young]).denominator == 0
    # ... but 50-54 from March 2021 is eligible
    breaks("care.ldct_when_eligible", [_smoker(4, birth=dt.date(1970, 1, 1), years=3, from_age=51)])
    # fewer than 20 pack-years charted: not eligible, not judged; 20 or more: judged
    light, heavy = _smoker(5, birth=born, years=4), _smoker(6, birth=born, years=4)
    light_t, heavy_t = light["observations"][0]["time"], heavy["observations"][0]["time"]
    for record, t, packs in ((light, light_t, 10.0), (heavy, heavy_t, 25.0)):
        record["observations"].append(
            {
                **record["observations"][0],
                "id": f"packs-{packs}",
                "n": 97,
                "time": t,
                "codes": [code("401201003")],
                "value": packs,
                "unit": "{pack-years}",
            }
        )
    assert run("care.ldct_when_eligible", [light]).denominator == 0
    breaks("care.ldct_when_eligible", [heavy])


def _diabetic(foot: bool = False, statin: bool = False, birth: dt.date = dt.date(1960, 1, 1)) -> dict:
    b = RecordBuilder(birth=birth)
    onset = b.at_age(55)
    b.condition("44054006", onset)
    if foot:
        b.lists["procedures"].append(
            {
                "id": "foot",
                "n": 99,
                "start": onset + 200 * DAY,
                "stop": onset + 200 * DAY,
                "encounter": None,
                "reason": [],
                "codes": [code("401191002", display="Foot examination (procedure)")],
            }
        )
    if statin:
        med(b, ATORVASTATIN_20, onset + 30 * DAY)
    return b.record()


def test_diabetic_foot_exam() -> None:
    breaks("care.diabetic_foot_exam", [_diabetic()])
    passes("care.diabetic_foot_exam", [_diabetic(foot=True)])


def test_statin_diabetes_40_75() -> None:
    breaks("care.statin_diabetes_40_75", [_diabetic()])
    passes("care.statin_diabetes_40_75", [_diabetic(statin=True)])


def test_no_antibiotics_bronchitis() -> None:
    b = RecordBuilder()
    onset = b.at_age(30)
    b.condition("10509002", onset, stop=onset + 14 * DAY)
    med(b, AMOXICILLIN, onset, reason=["10509002"])
    breaks("care.no_antibiotics_bronchitis", [b.record()])
    g = RecordBuilder()
    g.condition("10509002", onset, stop=onset + 14 * DAY)
    med(g, AMOXICILLIN, onset + 200 * DAY, reason=["43878008"])  # a later strep throat
    passes("care.no_antibiotics_bronchitis", [g.record()])


def _cancer(visits_every_days: int) -> dict:
    b = RecordBuilder(birth=dt.date(1950, 1, 1))
    onset = b.at_age(62)
    b.condition("363406005", onset, display="Malignant neoplasm of colon (disorder)")
    t = onset + visits_every_days * DAY
    while t < onset + 5 * 365 * DAY:
        enc = b.encounter(t)
        enc["reason"] = [code("363406005", display="Malignant neoplasm of colon (disorder)")]
        t += visits_every_days * DAY
    return b.record()


def test_cancer_follow_up() -> None:
    result = breaks("care.cancer_follow_up", [_cancer(4 * 365)])
    assert "no contact for it for 4.0 years" in result.examples[0][1][0]
    passes("care.cancer_follow_up", [_cancer(180)])


def test_hiv_treated() -> None:
    b = RecordBuilder(birth=dt.date(1970, 1, 1))
    onset = b.at_age(27)  # 1997
    b.condition("86406008", onset)
    med(b, BIKTARVY, onset + int(8.5 * 365 * DAY))
    breaks("care.hiv_treated", [b.record()])
    g = RecordBuilder(birth=dt.date(1970, 1, 1))
    g.condition("86406008", g.at_age(45))
    med(g, BIKTARVY, g.at_age(45) + 20 * DAY)
    passes("care.hiv_treated", [g.record()])


def _hiv(treated: bool) -> Record:
    b = RecordBuilder(birth=dt.date(1970, 1, 1))
    b.condition("86406008", b.at_age(40))
    med(b, BIKTARVY, b.at_age(40) + (20 if treated else 3 * 365) * DAY)
    return b.record()


def test_hiv_treated_is_judged_by_a_binomial_test_of_its_tolerance() -> None:
    """1 untreated of 4 (25 %) is over the 10 % tolerance by chance (P = 0.34 at 10 %): it passes, with its interval.
    3 of 4 (P = 0.004) and 5 of 20 (P = 0.043) are significantly over it: they fail."""
    result = passes("care.hiv_treated", [_hiv(False)] + [_hiv(True)] * 3)
    assert (result.breaking, result.denominator, result.rule.judge) == (1, 4, "binomial")
    assert result.p_value == pytest.approx(1 - 0.9**4)
    assert result.interval is not None and result.interval[0] < 0.1 < result.interval[1]
    result = run("care.hiv_treated", [_hiv(False)] * 3 + [_hiv(True)])
    assert result.status == "FAIL" and result.p_value == pytest.approx(0.0037)
    result = run("care.hiv_treated", [_hiv(False)] * 5 + [_hiv(True)] * 15)
    assert result.status == "FAIL" and result.p_value == pytest.approx(0.0432, abs=1e-4)
    assert run("care.hiv_treated", [_hiv(False)] * 4 + [_hiv(True)] * 16).status == "pass"  # P = 0.133


def _thin_child(workup: bool) -> dict:
    b = RecordBuilder(birth=dt.date(2012, 1, 1))
    for age in (6, 7, 8):
        b.observation("59576-9", b.at_age(age), 1.0, category="vital-signs")  # 1st BMI percentile, three years
    b.observation("59576-9", b.at_age(9), 40.0, category="vital-signs")
    if workup:
        b.condition("248342006", b.at_age(7), display="Underweight (finding)")
    return b.record()


def test_underweight_child_workup() -> None:
    result = breaks("care.underweight_child_workup", [_thin_child(False)])
    assert "3.0 years qualifying" in result.examples[0][1][0]
    passes("care.underweight_child_workup", [_thin_child(True)])


ALENDRONATE = ("904419", "alendronic acid 10 MG Oral Tablet")
DENOSUMAB = ("993452", "1 ML denosumab 60 MG/ML Prefilled Syringe")


def _osteoporosis(drug: tuple[str, str] | None, delay_days: float, age: float = 70) -> dict:
    b = RecordBuilder(birth=dt.date(1940, 1, 1))
    onset = b.at_age(age)
    b.condition("64859006", onset, display="Osteoporosis (disorder)")
    if drug is not None:
        med(b, drug, onset + int(delay_days * DAY))
    return b.record()


def test_osteoporosis_treated() -> None:
    result = breaks("care.osteoporosis_treated", [_osteoporosis(None, 0)])
    assert "no osteoporosis_drugs by" in result.examples[0][1][0]
    breaks("care.osteoporosis_treated", [_osteoporosis(ALENDRONATE, 3 * 365)])  # treated only three years later
    breaks("care.osteoporosis_treated", [_osteoporosis(ATORVASTATIN_20, 30)])  # another drug is not treatment
    passes("care.osteoporosis_treated", [_osteoporosis(ALENDRONATE, 30)])
    passes("care.osteoporosis_treated", [_osteoporosis(DENOSUMAB, 0)])
    # diagnosed in 1990, before alendronate existed: judged from 1996, treated in 1996
    late_1996 = (dt.date(1996, 6, 1) - dt.date(1990, 1, 1)).days
    passes("care.osteoporosis_treated", [_osteoporosis(ALENDRONATE, late_1996, 50)])


def test_stroke_brain_imaging() -> None:
    b = RecordBuilder(index=0, birth=dt.date(1966, 9, 19))
    t = b.at_age(41)
    b.condition("422504002", t, display="Ischemic stroke (disorder)")  # diagnosed in the ED with no scan
    breaks("care.stroke_brain_imaging", [b.record()])
    g = RecordBuilder(index=1, birth=dt.date(1966, 9, 19))
    g.procedure("303653007", t - 1800)  # CT of the head half an hour before the diagnosis
    g.condition("422504002", t, display="Ischemic stroke (disorder)")
    old = RecordBuilder(index=2, birth=dt.date(1910, 1, 1))
    old.condition("274100004", old.at_age(55), display="Cerebral hemorrhage (disorder)")  # 1965: before CT
    passes("care.stroke_brain_imaging", [g.record(), old.record()])
    birth = dt.date(1963, 3, 1)
    died = RecordBuilder(index=3, birth=birth, death=RecordBuilder(birth=birth).at_age(50.4))
    died.condition("422504002", died.at_age(50.4), display="Ischemic stroke (disorder)")  # recorded at death
    result = run("care.stroke_brain_imaging", [died.record()])
    assert result.denominator == 0  # the certificate's finding, no work-up to judge


FLOVENT = ("895994", "120 ACTUAT fluticasone propionate 0.044 MG/ACTUAT Metered Dose Inhaler")


def _obstructed_child(controller: bool) -> dict:
    b = RecordBuilder(birth=dt.date(2014, 11, 5))
    b.condition("233678006", b.at_age(5), display="Childhood asthma (disorder)")
    for age, ratio in ((6, 71.0), (7, 79.0), (8, 68.0), (9, 70.0), (10, 70.0)):
        b.observation("19926-5", b.at_age(age), ratio, category="procedure")
    if controller:
        med(b, FLOVENT, b.at_age(8.1))
    return b.record()


def test_obstruction_maintenance_inhaler() -> None:
    result = breaks("care.obstruction_maintenance_inhaler", [_obstructed_child(False)])
    assert "no maintenance inhaler" in result.examples[0][1][0]
    passes("care.obstruction_maintenance_inhaler", [_obstructed_child(True)])


def test_procedure_after_removal() -> None:
    b = RecordBuilder()
    t = b.at_age(61)
    b.procedure("108034003", t)  # bladder excision
    for k in range(1, 4):
        b.procedure("386745004", t + k * 91 * DAY)  # then cystoscopies of a bladder that is gone
    result = breaks("care.procedure_after_removal", [b.record()])
    assert (result.events, result.events_breaking) == (1, 1)
    g = RecordBuilder()
    g.procedure("386745004", g.at_age(60))  # the diagnostic cystoscopy before the operation is fine
    g.procedure("108034003", g.at_age(61))
    passes("care.procedure_after_removal", [g.record()])


STAGE_4 = {"system": "SNOMED-CT", "code": "258228008", "display": "Stage 4 (qualifier value)"}
STAGE_1 = {"system": "SNOMED-CT", "code": "258215001", "display": "Stage 1 (qualifier value)"}


def _thyroid(born: dt.date, age: float, stage: dict, index: int = 0) -> dict:
    b = RecordBuilder(index=index, birth=born)
    t = b.at_age(age)
    b.condition("363478007", t, display="Malignant neoplasm of thyroid gland (disorder)")
    b.observation("21908-9", t, stage, category="exam")
    return b.record()


def test_thyroid_cancer_stage_by_age() -> None:
    breaks("care.thyroid_cancer_stage_by_age", [_thyroid(dt.date(1952, 1, 1), 43, STAGE_4)])
    breaks("care.thyroid_cancer_stage_by_age", [_thyroid(dt.date(1970, 1, 1), 50, STAGE_4)])  # 8th edition: < 55
    fine = [
        _thyroid(dt.date(1952, 1, 1), 43, STAGE_1),
        _thyroid(dt.date(1945, 1, 1), 50, STAGE_4, index=1),  # 1995: 7th edition, 45 and over may be stage IV
        _thyroid(dt.date(1950, 1, 1), 70, STAGE_4, index=2),
    ]
    passes("care.thyroid_cancer_stage_by_age", fine)


CEFAZOLIN_2G = ("1665060", "cefazolin 2000 MG Injection")


def test_cesarean_antibiotic_prophylaxis() -> None:
    b = RecordBuilder(birth=dt.date(1990, 1, 1))
    t = b.at_age(30)
    b.procedure("11466000", t)  # a caesarean in 2020 with no antibiotic
    result = breaks("care.cesarean_antibiotic_prophylaxis", [b.record()])
    assert (result.events, result.events_breaking) == (1, 1)
    g = RecordBuilder(birth=dt.date(1980, 1, 1))
    t = g.at_age(35)
    med(g, CEFAZOLIN_2G, t - 1800, t - 1700)  # half an hour before the incision
    g.procedure("11466000", t)
    old = RecordBuilder(index=1, birth=dt.date(1950, 1, 1))
    old.procedure("11466000", old.at_age(30))  # 1980: before the 2010 recommendation, not judged
    passes("care.cesarean_antibiotic_prophylaxis", [g.record(), old.record()])


def test_gbs_screen_before_delivery() -> None:
    b = RecordBuilder(birth=dt.date(1990, 1, 1))
    t = b.at_age(30)
    b.procedure("177184002", t)  # a delivery in 2020 with no GBS culture
    b.observation("72607-5", t - 200 * DAY, "negative")  # a culture in an earlier pregnancy does not count
    result = breaks("care.gbs_screen_before_delivery", [b.record()])
    assert (result.events, result.events_breaking) == (1, 1)
    g = RecordBuilder(birth=dt.date(1980, 1, 1))
    t = g.at_age(35)
    g.observation("72607-5", t - 20 * DAY, "negative")
    g.procedure("11466000", t)
    old = RecordBuilder(index=1, birth=dt.date(1950, 1, 1))
    old.procedure("177184002", old.at_age(30))  # 1980: before universal screening, not judged
    passes("care.gbs_screen_before_delivery", [g.record(), old.record()])


def _hypertensive(readings: list[tuple[float, float, float]], switch_at: float | None = None) -> Record:
    """Hypertension from 50 on amlodipine; readings (age, systolic, diastolic); lisinopril added at ``switch_at``."""
    b = RecordBuilder(birth=dt.date(1950, 1, 1))
    b.condition("59621000", b.at_age(50))
    med(b, AMLODIPINE, b.at_age(50))
    if switch_at is not None:
        med(b, LISINOPRIL, b.at_age(switch_at))
    for age, systolic, diastolic in readings:
        b.blood_pressure(b.at_age(age), systolic, diastolic)
    return b.record()


def test_hypertension_intensified() -> None:
    # 108 of the s10review chart review: 145-172 systolic for years on amlodipine 5 mg alone
    stuck = _hypertensive([(50.5, 158, 80), (51.0, 172, 79), (51.6, 160, 80)])
    result = breaks("care.hypertension_intensified", [stuck])
    assert (result.patients, result.patients_breaking) == (1, 1)
    diastolic = _hypertensive([(50.5, 132, 98), (51.2, 135, 97), (51.7, 131, 99)])  # diastolic alone counts
    breaks("care.hypertension_intensified", [diastolic])
    titrated = _hypertensive([(50.5, 158, 80), (51.0, 172, 79), (51.6, 160, 80)], switch_at=50.7)  # a drug added
    controlled = _hypertensive([(50.5, 158, 80), (50.8, 134, 80), (51.6, 156, 80)])  # one high reading a year apart
    short = _hypertensive([(50.5, 158, 80), (51.2, 160, 80)])  # above goal for 8 months only
    untreated = RecordBuilder(birth=dt.date(1950, 1, 1))
    untreated.condition("59621000", untreated.at_age(50))
    for age in (50.5, 51.5, 52.5):
        untreated.blood_pressure(untreated.at_age(age), 160, 90)  # not on a drug: other rules judge it
    passes("care.hypertension_intensified", [titrated, controlled, short, untreated.record()])


def test_hypertension_mean_above_goal() -> None:
    # s13htn: 142-147 systolic for years on one unchanged drug, no reading >= 150/95 (the older rule passes it)
    stuck = _hypertensive([(50.5, 146, 80), (50.9, 138, 78), (51.3, 147, 82), (51.7, 142, 79)])
    passes("care.hypertension_intensified", [stuck])
    result = breaks("care.hypertension_mean_above_goal", [stuck])
    assert result.patients_breaking == result.patients and "mean 143 of 4" in result.examples[0][1][0]
    diastolic = _hypertensive([(50.5, 132, 92), (51.0, 128, 88), (51.6, 130, 91)])  # mean diastolic 90.3
    breaks("care.hypertension_mean_above_goal", [diastolic])
    titrated = _hypertensive([(50.5, 146, 80), (51.0, 147, 82), (51.6, 142, 80)], switch_at=50.7)  # a drug added
    near_goal = _hypertensive([(50.5, 146, 80), (50.9, 134, 78), (51.3, 141, 82), (51.7, 136, 79)])  # mean 139
    short = _hypertensive([(50.5, 150, 80), (51.2, 148, 80)])  # above goal for 8 months only
    old = RecordBuilder(birth=dt.date(1910, 1, 1))  # 1960-1962: before JNC 1977's stepped care, not judged
    old.condition("59621000", old.at_age(50))
    med(old, AMLODIPINE, old.at_age(50))
    for age in (50.5, 51.2, 51.9):
        old.blood_pressure(old.at_age(age), 150, 95)
    passes("care.hypertension_mean_above_goal", [titrated, near_goal, short, old.record()])


SERTRALINE_50 = ("312941", "sertraline 50 MG Oral Tablet")
SERTRALINE_100 = ("312938", "sertraline 100 MG Oral Tablet")


def _depressed(scores: list[tuple[float, float]], stepped_at: float | None = None) -> Record:
    """Major depression from 30 on sertraline 50 mg; PHQ-9 scores (age, score); 100 mg from ``stepped_at``."""
    b = RecordBuilder(birth=dt.date(1980, 1, 1))
    b.condition("370143000", b.at_age(30))
    first = med(b, SERTRALINE_50, b.at_age(30))
    if stepped_at is not None:
        first["stop"] = b.at_age(stepped_at)
        med(b, SERTRALINE_100, b.at_age(stepped_at))
    for age, score in scores:
        b.observation("44261-6", b.at_age(age), score, unit="{score}", category="survey")
    return b.record()


def test_antidepressant_adjusted() -> None:
    # 116 of the s13review chart review: PHQ-9 16-19 for 17 months on the starting dose
    stuck = _depressed([(30.2, 17), (30.5, 19), (30.9, 16)])
    result = breaks("care.antidepressant_adjusted", [stuck])
    assert (result.patients, result.patients_breaking) == (1, 1)
    scores = [(30.1, 17), (30.3, 18), (30.5, 16), (30.55, 9)]
    breaks("care.antidepressant_adjusted", [_depressed(scores)])  # 146 days at 15+ on 50 mg
    stepped = _depressed(scores, stepped_at=30.32)  # raised to 100 mg after 73 days, then a response
    responded = _depressed([(30.2, 17), (30.4, 9), (30.9, 6)])
    restarted = RecordBuilder(birth=dt.date(1980, 1, 1))  # a month's course, then a new one 15 months later
    restarted.condition("370143000", restarted.at_age(30))
    first = med(restarted, SERTRALINE_50, restarted.at_age(30))
    first["stop"] = restarted.at_age(30.08)
    med(restarted, SERTRALINE_50, restarted.at_age(31.3))
    for age, score in [(30.0, 18), (31.3, 24), (31.4, 9)]:
        restarted.observation("44261-6", restarted.at_age(age), score, unit="{score}", category="survey")
    passes("care.antidepressant_adjusted", [stepped, responded, restarted.record()])


def test_elevated_psa_followed_up() -> None:
    """s13review: a PSA of 7.2 at 58 with nothing done (14 of 26 PSAs of 4 or more)."""

    def man(psa: float, follow: str | None, index: int) -> Record:
        b = RecordBuilder(index, birth=dt.date(1960, 1, 1))
        t = b.at_age(58)
        b.observation("2857-1", t, psa, unit="ng/mL")
        if follow == "referral":
            b.procedure("306206005", t)
        elif follow == "cancer":
            b.condition("399068003", t + 40 * DAY)
        return b.record()

    result = breaks("care.elevated_psa_followed_up", [man(7.2, None, 0), man(4.6, "referral", 1)])
    assert result.denominator == 2
    passes("care.elevated_psa_followed_up", [man(7.2, "referral", 0), man(5.0, "cancer", 1), man(2.1, None, 2)])


def _raised(readings: list[tuple[float, float, float]], cls: str = "wellness", dx_at: float | None = None) -> Record:
    """Office readings (age, systolic, diastolic) at visits of class ``cls``; hypertension diagnosed at ``dx_at``."""
    b = RecordBuilder(birth=dt.date(1960, 1, 1))
    for age, systolic, diastolic in readings:
        visit = b.encounter(b.at_age(age), cls=cls)
        b.blood_pressure(b.at_age(age), systolic, diastolic)["encounter"] = visit["id"]
    if dx_at is not None:
        b.condition("59621000", b.at_age(dx_at))
    return b.record()


def test_raised_readings_diagnosed() -> None:
    # s13htn2: office readings averaging >= 140/90 every year, never diagnosed
    yearly = [(50.0, 146, 86), (51.0, 142, 84), (52.0, 150, 88), (53.0, 148, 90), (54.0, 147, 86)]
    result = breaks("care.raised_readings_diagnosed", [_raised(yearly)])
    assert "mean 146/86 of 3 readings" in result.examples[0][1][0]
    diastolic = [(50.0, 132, 92), (50.6, 128, 90), (51.2, 130, 91)]  # only the diastolic mean is raised
    breaks("care.raised_readings_diagnosed", [_raised(diastolic)])
    diagnosed = _raised(yearly, dx_at=52.5)  # diagnosed within a year of the third reading
    normal = _raised([(50.0, 146, 80), (51.0, 132, 78), (52.0, 138, 84), (53.0, 136, 82)])  # mean 139 at most
    emergency = _raised(yearly, cls="emergency")  # not office readings
    known = _raised(yearly, dx_at=49.0)  # diagnosed before the readings: treatment's rules judge it
    late = _raised([(63.8, 146, 86), (64.1, 150, 88), (64.4, 148, 90)])  # the record ends within the year
    spread = _raised([(40.0, 146, 86), (44.0, 150, 88), (48.0, 148, 90)])  # 8 years apart, not one window
    pregnant = RecordBuilder(birth=dt.date(1990, 1, 1))  # raised readings in a pregnancy are the pregnancy's
    pregnant.condition("72892002", pregnant.at_age(30.0), stop=pregnant.at_age(30.7))
    for age in (30.2, 30.4, 30.6):
        visit = pregnant.encounter(pregnant.at_age(age), cls="wellness")
        pregnant.blood_pressure(pregnant.at_age(age), 146, 92)["encounter"] = visit["id"]
    others = [normal, emergency, known, late, spread, pregnant.record()]
    result = passes("care.raised_readings_diagnosed", [diagnosed, *others])
    assert (result.denominator, result.breaking) == (1, 0)  # only the diagnosed record is judged
