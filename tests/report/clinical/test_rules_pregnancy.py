"""Pregnancy and child-care rules (s10preg): aspirin in high-risk pregnancy, anti-D, diabetes drugs in pregnancy."""

from __future__ import annotations

import datetime as dt

from tests.report.clinical.helpers import DAY, breaks, med, passes
from tests.report.records import REFERENCE, RecordBuilder, code

ASPIRIN_81 = ("243670", "aspirin 81 MG Oral Tablet")
LIRAGLUTIDE = ("897122", "3 ML liraglutide 6 MG/ML Pen Injector")
GLARGINE = ("311041", "insulin glargine 100 UNT/ML Injectable Solution")
DELIVERY = "177184002"
PREGNANCY = "72892002"
HYPERTENSION = "59621000"


def test_aspirin_in_high_risk_pregnancy() -> None:
    b = RecordBuilder(birth=dt.date(1990, 1, 1))
    t = b.at_age(30)  # 2020
    b.condition(HYPERTENSION, b.at_age(27))  # chronic hypertension before the pregnancy
    b.procedure(DELIVERY, t)
    result = breaks("care.aspirin_high_risk_pregnancy", [b.record()])
    assert (result.events, result.events_breaking) == (1, 1)

    g = RecordBuilder(birth=dt.date(1990, 1, 1))
    t = g.at_age(31)
    g.condition(HYPERTENSION, g.at_age(27))
    med(g, ASPIRIN_81, t - 190 * DAY, stop=t)  # from 13 weeks to delivery
    g.procedure(DELIVERY, t)
    gestational = RecordBuilder(index=1, birth=dt.date(1990, 1, 1))
    t = gestational.at_age(30)
    gestational.condition(HYPERTENSION, t - 60 * DAY)  # began at 31 weeks: gestational, not judged
    gestational.procedure(DELIVERY, t)
    old = RecordBuilder(index=2, birth=dt.date(1970, 1, 1))
    old.condition(HYPERTENSION, old.at_age(25))
    old.procedure(DELIVERY, old.at_age(30))  # 2000: before the USPSTF recommendation
    low_risk = RecordBuilder(index=3, birth=dt.date(1992, 1, 1))
    low_risk.procedure(DELIVERY, low_risk.at_age(30))
    passes("care.aspirin_high_risk_pregnancy", [g.record(), gestational.record(), old.record(), low_risk.record()])


def test_anti_d_for_rh_negative_deliveries() -> None:
    b = RecordBuilder(birth=dt.date(1980, 1, 1))
    t = b.at_age(30)
    b.observation("882-1", t - 250 * DAY, "O Rh(D) negative", unit="")
    b.procedure("J2790", t - 400 * DAY)  # a dose in an earlier pregnancy does not count
    b.procedure(DELIVERY, t)
    result = breaks("care.anti_d_rh_negative_pregnancy", [b.record()])
    assert (result.events, result.events_breaking) == (1, 1)

    antenatal = RecordBuilder(birth=dt.date(1980, 1, 1))
    t = antenatal.at_age(30)
    antenatal.observation("882-1", t - 250 * DAY, "A Rh(D) negative", unit="")
    antenatal.procedure("J2790", t - 80 * DAY)  # 28 weeks
    antenatal.procedure(DELIVERY, t)
    postpartum = RecordBuilder(index=1, birth=dt.date(1980, 1, 1))
    t = postpartum.at_age(31)
    postpartum.observation("882-1", t - 250 * DAY, "B Rh(D) negative", unit="")
    postpartum.procedure(DELIVERY, t)
    postpartum.procedure("J2790", t + 2 * DAY)  # within 72 hours of the birth
    positive = RecordBuilder(index=2, birth=dt.date(1980, 1, 1))
    t = positive.at_age(30)
    positive.observation("882-1", t - 250 * DAY, "O Rh(D) positive", unit="")
    positive.procedure(DELIVERY, t)
    old = RecordBuilder(index=3, birth=dt.date(1950, 1, 1))
    t = old.at_age(30)  # 1980: before the antenatal dose was routine, not judged
    old.observation("882-1", t - 250 * DAY, "O Rh(D) negative", unit="")
    old.procedure(DELIVERY, t)
    passes(
        "care.anti_d_rh_negative_pregnancy", [antenatal.record(), postpartum.record(), positive.record(), old.record()]
    )


def test_no_glp1_agonist_in_pregnancy() -> None:
    b = RecordBuilder(birth=dt.date(1985, 1, 1))
    start = b.at_age(33)
    b.condition(PREGNANCY, start, stop=start + 270 * DAY)
    med(b, LIRAGLUTIDE, start + 150 * DAY, stop=start + 500 * DAY)  # renewed at 30 weeks (the chart review)
    breaks("rx.diabetes_drug_in_pregnancy", [b.record()])

    g = RecordBuilder(birth=dt.date(1985, 1, 1))
    start = g.at_age(33)
    med(g, LIRAGLUTIDE, start - 400 * DAY, stop=start)  # stopped when the pregnancy is recognised
    g.condition(PREGNANCY, start, stop=start + 270 * DAY)
    med(g, GLARGINE, start, stop=start + 270 * DAY)
    med(g, LIRAGLUTIDE, start + 300 * DAY)  # resumed after delivery
    passes("rx.diabetes_drug_in_pregnancy", [g.record()])


def test_no_vaccine_admission() -> None:
    b = RecordBuilder(birth=dt.date(2015, 1, 1))
    stay = b.encounter(b.birth, hours=24, cls="inpatient")
    stay["codes"] = [{"system": "SNOMED-CT", "code": "33879002", "display": "Administration of vaccine"}]
    result = breaks("rec.vaccine_visit_not_a_stay", [b.record()])
    assert (result.events, result.events_breaking) == (1, 1)
    g = RecordBuilder(birth=dt.date(2015, 1, 1))
    birth = g.encounter(g.birth, hours=48, cls="inpatient")
    birth["codes"] = [{"system": "SNOMED-CT", "code": "32485007", "display": "Hospital admission (procedure)"}]
    flu = g.encounter(g.at_age(1), cls="ambulatory")  # a flu-shot visit in the office is fine
    flu["codes"] = [{"system": "SNOMED-CT", "code": "33879002", "display": "Administration of vaccine"}]
    passes("rec.vaccine_visit_not_a_stay", [g.record()])


def test_severe_phq9_is_followed_up() -> None:
    b = RecordBuilder(birth=dt.date(1990, 1, 1))
    t = b.at_age(30)
    b.observation("44261-6", t, 19, unit="{score}", category="survey")
    b.condition("370143000", t + 90 * DAY)  # diagnosed 3 months later (the chart review)
    result = breaks("care.phq9_severe_followed_up", [b.record()])
    assert (result.events, result.events_breaking) == (1, 1)

    referred = RecordBuilder(birth=dt.date(1990, 1, 1))
    t = referred.at_age(30)
    referred.observation("44261-6", t, 19, unit="{score}", category="survey")
    referred.procedure("183524004", t)
    treated = RecordBuilder(index=1, birth=dt.date(1990, 1, 1))
    t = treated.at_age(30)
    med(treated, ("312938", "sertraline 50 MG Oral Tablet"), t - 30 * DAY)  # already on an antidepressant
    treated.observation("44261-6", t, 17, unit="{score}", category="survey")
    mild = RecordBuilder(index=2, birth=dt.date(1990, 1, 1))
    mild.observation("44261-6", mild.at_age(30), 12, unit="{score}", category="survey")  # below 15
    recent = RecordBuilder(index=3, birth=dt.date(1990, 1, 1))
    recent.observation("44261-6", REFERENCE - 20 * DAY, 22, unit="{score}", category="survey")  # not followed yet
    passes("care.phq9_severe_followed_up", [referred.record(), treated.record(), mild.record(), recent.record()])


def test_obese_child_is_addressed() -> None:
    b = RecordBuilder(birth=dt.date(2005, 1, 1))
    for age in (12, 13, 14):
        b.observation("59576-9", b.at_age(age), 97.5, category="vital-signs")  # never diagnosed (the chart review)
    b.procedure("409063005", b.at_age(13))  # generic counselling for something else does not count
    result = breaks("care.obese_child_addressed", [b.record()])
    assert result.breaking == 1

    g = RecordBuilder(birth=dt.date(2005, 1, 1))
    for age in (12, 13, 14):
        g.observation("59576-9", g.at_age(age), 97.5, category="vital-signs")
    g.condition("414916001", g.at_age(12))
    g.procedure("386373004", g.at_age(12))
    lean = RecordBuilder(index=1, birth=dt.date(2005, 1, 1))
    for age in (12, 13, 14):
        lean.observation("59576-9", lean.at_age(age), 60.0, category="vital-signs")
    adult = RecordBuilder(index=2, birth=dt.date(1980, 1, 1))
    adult.observation("59576-9", adult.at_age(30), 99.0, category="vital-signs")  # not a child
    mend = RecordBuilder(index=3, birth=dt.date(2005, 1, 1))  # Synthea's MEND program: a weight management plan
    for age in (12, 13, 14):
        mend.observation("59576-9", mend.at_age(age), 97.5, category="vital-signs")
    mend._entry("careplans", start=mend.at_age(12.5), stop=None, codes=[code("718361005")], activities=[], reason=[])
    passes("care.obese_child_addressed", [g.record(), lean.record(), adult.record(), mend.record()])


def test_no_fetotoxic_drug_in_pregnancy() -> None:
    b = RecordBuilder(birth=dt.date(1975, 1, 1))
    start = b.at_age(25)
    b.condition(PREGNANCY, start, stop=start + 270 * DAY)
    med(b, ("313096", "spironolactone 25 MG Oral Tablet"), start - 100 * DAY)  # continued through the pregnancy
    breaks("rx.fetotoxic_drug_in_pregnancy", [b.record()])
    g = RecordBuilder(birth=dt.date(1975, 1, 1))
    start = g.at_age(25)
    med(g, ("314076", "lisinopril 10 MG Oral Tablet"), start - 400 * DAY, stop=start)  # stopped when detected
    g.condition(PREGNANCY, start, stop=start + 270 * DAY)
    med(g, ("896758", "labetalol hydrochloride 100 MG Oral Tablet"), start, stop=start + 300 * DAY)
    med(g, ("314076", "lisinopril 10 MG Oral Tablet"), start + 300 * DAY)  # resumed after delivery
    passes("rx.fetotoxic_drug_in_pregnancy", [g.record()])


def test_no_nsaid_in_pregnancy() -> None:
    b = RecordBuilder(birth=dt.date(1990, 1, 1))
    start = b.at_age(30)
    b.condition(PREGNANCY, start, stop=start + 270 * DAY)
    med(b, ("310965", "ibuprofen 200 MG Oral Tablet"), start + 150 * DAY, stop=start + 155 * DAY)  # at 23 weeks
    breaks("rx.nsaid_in_pregnancy", [b.record()])
    g = RecordBuilder(birth=dt.date(1990, 1, 1))
    start = g.at_age(30)
    med(g, ("198014", "Naproxen 500 MG Oral Tablet"), start - 100 * DAY, stop=start)  # stopped when detected
    g.condition(PREGNANCY, start, stop=start + 270 * DAY)
    med(g, ("313782", "acetaminophen 325 MG Oral Tablet"), start + 150 * DAY, stop=start + 155 * DAY)
    med(g, ASPIRIN_81, start + 90 * DAY, stop=start + 270 * DAY)  # low-dose aspirin is not an NSAID here
    med(g, ("310965", "ibuprofen 200 MG Oral Tablet"), start + 280 * DAY, stop=start + 285 * DAY)  # after the birth
    passes("rx.nsaid_in_pregnancy", [g.record()])
