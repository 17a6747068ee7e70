"""Diagnosis and care rules on hand-made records (evidence present or missing, on known days)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.report.clinical.helpers import (
    AMOXICILLIN,
    ATORVASTATIN_20,
    BIKTARVY,
    DAY,
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


def _smoker(
    index: int,
    *,
    birth: dt.date,
    years: float,
    care: str | None = None,
    from_age: float = 55,
    death: dt.date | None = None,
) -> dict:
    b = RecordBuilder(index, birth=birth, death=death)
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
    # a life ending before March 2021 was judged by USPSTF 2013: 25 pack-years were not enough, 35 were
    early = [_smoker(k, birth=born, years=4, death=dt.date(2020, 6, 1)) for k in (7, 8)]
    for record, packs in zip(early, (25.0, 35.0), strict=True):
        record["observations"].append(
            {**record["observations"][0], "id": f"early-{packs}", "n": 96, "codes": [code("401201003")], "value": packs}
        )
    assert run("care.ldct_when_eligible", early[:1]).denominator == 0
    breaks("care.ldct_when_eligible", early[1:])


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
