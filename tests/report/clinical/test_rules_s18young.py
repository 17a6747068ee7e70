"""Rules of the s18young chart review (ages 0-45): blood counts that agree, the first newborn visit after
discharge, the hepatitis B dose of small preterm newborns, acetaminophen chewables from 12 years."""

from __future__ import annotations

import datetime as dt

from tests.report.clinical.helpers import breaks, med, passes
from tests.report.records import RecordBuilder

HB, HCT, RBC, MCV, MCH, MCHC = "718-7", "4544-3", "789-8", "787-2", "785-6", "786-4"


def _count(index: int, hb: float, hct: float, rbc: float, mcv: float, mch: float, mchc: float) -> dict:
    b = RecordBuilder(index=index, birth=dt.date(1990, 1, 1))
    t = b.at_age(30)
    visit = b.encounter(t, cls="wellness")
    for loinc, value in ((HB, hb), (HCT, hct), (RBC, rbc), (MCV, mcv), (MCH, mch), (MCHC, mchc)):
        b.observation(loinc, t, value, enc=visit)
    return b.record()


def test_an_anaemic_haemoglobin_with_a_normal_haematocrit_breaks_the_identities() -> None:
    # the chart review's count (patient 171): Hb 9.9, Hct 39.2, RBC 4.02, MCV 89.8, MCH 31.3, MCHC 32.7
    breaks("rec.red_cell_indices_agree", [_count(0, 9.9, 39.2, 4.02, 89.8, 31.3, 32.7)])


def test_counts_whose_indices_follow_from_their_results_pass() -> None:
    # Hb 9.9 / MCHC 33.0 -> Hct 30.0; MCV 88.0 -> RBC 3.41; MCH = 9.9 / 3.41 x 10 = 29.0
    passes(
        "rec.red_cell_indices_agree",
        [_count(0, 9.9, 30.0, 3.41, 88.0, 29.0, 33.0), _count(1, 14.0, 41.2, 4.58, 90.0, 30.6, 34.0)],
    )


def _newborn(index: int, visit_after_hours: float, stay_hours: float = 80) -> dict:
    b = RecordBuilder(index=index, birth=dt.date(2024, 2, 5), gender="F")
    b.encounter(b.birth, hours=stay_hours, cls="inpatient")
    b.encounter(int(b.birth + (stay_hours + visit_after_hours) * 3600), hours=0.25, cls="wellness")
    return b.record()


def test_a_well_visit_at_the_minute_of_birth_discharge_breaks_the_rule() -> None:
    # patient 43 of the review: discharged at 3.7 days, well visit at the same minute
    breaks("care.newborn_first_visit_after_discharge", [_newborn(0, 0)])
    breaks("care.newborn_first_visit_after_discharge", [_newborn(0, 3)])


def test_a_well_visit_a_day_or_two_after_discharge_passes() -> None:
    passes("care.newborn_first_visit_after_discharge", [_newborn(0, 20), _newborn(1, 44, stay_hours=40)])


CHEWABLE_160 = ("313820", "acetaminophen 160 MG Chewable Tablet")
TABLET_325 = ("313782", "acetaminophen 325 MG Oral Tablet")


def _dose(units: float) -> dict:
    return {"amount": units, "frequency": 4, "period": 1, "unit": "days", "dose_unit": "{tablet}"}


def test_one_160_mg_chewable_at_12_years_breaks_the_rule() -> None:
    # patients 9, 24, 29, 66 of the review: influenza at 12, one chewable four times a day
    b = RecordBuilder(index=0, birth=dt.date(2010, 3, 1))
    med(b, CHEWABLE_160, b.at_age(5), dosage=_dose(1))  # a 5-year-old's dose: not judged
    med(b, CHEWABLE_160, b.at_age(12.4), dosage=_dose(1))
    result = breaks("rx.child_acetaminophen_chewable_from_12", [b.record()])
    assert (result.events, result.events_breaking) == (1, 1)


def test_two_325_mg_tablets_or_enough_chewables_from_12_pass() -> None:
    g = RecordBuilder(index=0, birth=dt.date(2010, 3, 1))
    med(g, TABLET_325, g.at_age(12.4), dosage=_dose(2))
    med(g, CHEWABLE_160, g.at_age(12.9), dosage=_dose(4))  # 640 mg
    passes("rx.child_acetaminophen_chewable_from_12", [g.record()])


def _preterm(index: int, kg: float, dose_hours: float, stay_days: float = 67) -> dict:
    b = RecordBuilder(index=index, birth=dt.date(2008, 9, 22), gender="M")
    stay = b.encounter(b.birth, hours=stay_days * 24, cls="inpatient")
    b.observation("29463-7", b.birth, kg, unit="kg", enc=stay, category="vital-signs")
    b.immunization("08", int(b.birth + dose_hours * 3600), display="Hep B, adolescent or pediatric")
    return b.record()


def test_hepatitis_b_at_birth_to_a_newborn_under_2_kg_breaks_the_rule() -> None:
    # patient 249 of the review: 0.94 kg at 27 weeks, dose 1 five hours after birth
    breaks("vax.hepb_small_newborn_deferred", [_preterm(0, 0.94, 5)])


def test_a_small_newborns_dose_at_1_month_or_discharge_and_a_term_birth_dose_pass() -> None:
    records = [_preterm(0, 0.94, 30 * 24), _preterm(1, 1.6, 20 * 24, stay_days=20), _preterm(2, 3.2, 5)]
    result = passes("vax.hepb_small_newborn_deferred", records)
    assert result.patients == 2  # the term newborn is not judged
