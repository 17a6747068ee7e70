"""Record rules and the former coherence checks, on hand-made records."""

from __future__ import annotations

import datetime as dt

from ehrsim.record.times import from_date
from tests.report.clinical.helpers import DAY, breaks, passes
from tests.report.records import RecordBuilder, code, diabetic_patient

A_POS = code("278149003", "SNOMED-CT", "Blood group A Rh(D) positive (finding)")
O_NEG = code("278153001", "SNOMED-CT", "Blood group O Rh(D) negative (finding)")


def test_blood_group_constant() -> None:
    b = RecordBuilder()
    b.observation("882-1", b.at_age(25), A_POS, unit="")
    b.observation("882-1", b.at_age(28), O_NEG, unit="")
    breaks("rec.blood_group_constant", [b.record()])
    g = RecordBuilder()
    g.observation("882-1", g.at_age(25), A_POS, unit="")
    g.observation("882-1", g.at_age(28), A_POS, unit="")
    passes("rec.blood_group_constant", [g.record()])


def test_duplicate_results() -> None:
    b = RecordBuilder()
    t = b.at_age(40)
    b.observation("2345-7", t, 95.0, unit="mg/dL")
    b.observation("2345-7", t, 95.0, unit="mg/dL")
    b.observation("2345-7", t + DAY, 99.0, unit="mg/dL")
    result = breaks("rec.duplicate_results", [b.record()])
    assert (result.events, result.events_breaking) == (3, 1)
    g = RecordBuilder()
    g.observation("2345-7", t, 95.0, unit="mg/dL")
    g.observation("2951-2", t, 140.0, unit="mmol/L")  # a panel: different tests at one instant
    passes("rec.duplicate_results", [g.record()])


def test_no_negative_zero() -> None:
    """s16old: DXA T-scores of "-0.0" (a range rounded to one decimal kept the sign of a small negative draw)."""
    t = RecordBuilder().at_age(70)
    b = RecordBuilder()
    b.observation("38265-5", t, -0.0, unit="{T-score}", category="imaging")
    b.observation("38265-5", t + 400 * DAY, -1.2, unit="{T-score}", category="imaging")
    result = breaks("rec.no_negative_zero", [b.record()])
    assert (result.events, result.events_breaking) == (2, 1) and "-0.0" in result.examples[0][1][0]
    g = RecordBuilder()
    g.observation("38265-5", t, 0.0, unit="{T-score}", category="imaging")
    g.blood_pressure(t, 120, 80)  # components are read too
    passes("rec.no_negative_zero", [g.record()])


def _infant(weights: list[float]) -> dict:
    b = RecordBuilder(birth=dt.date(2020, 1, 1))
    for i, w in enumerate(weights):
        b.observation("29463-7", b.birth + (0 if i == 0 else 30 * i) * DAY, w, unit="kg", category="vital-signs")
    return b.record()


def test_infant_measures_not_copied() -> None:
    breaks("rec.infant_measures_not_copied", [_infant([3.4, 3.4, 5.6])])
    passes("rec.infant_measures_not_copied", [_infant([3.4, 4.3, 5.6])])


def test_coherence_rules() -> None:
    good = [diabetic_patient(i) for i in range(3)]
    for check in (
        "lifespan",
        "encounter_overlap",
        "references",
        "medication_reasons",
        "labs_agree",
        "sex_age_limits",
        "chronic_endings",
    ):
        passes(f"coherence.{check}", good)
    after_death = RecordBuilder(birth=dt.date(1950, 1, 1), death=dt.date(2000, 1, 1))
    after_death.encounter(after_death.death + DAY)
    breaks("coherence.lifespan", [after_death.record()])
    overlap = RecordBuilder()
    first = overlap.encounter(overlap.at_age(30), hours=48, cls="inpatient")
    overlap.encounter(first["start"] + 3600)
    breaks("coherence.encounter_overlap", [overlap.record()])
    dangling = RecordBuilder()
    dangling.condition("59621000", dangling.at_age(30), enc={"id": "nope"})
    breaks("coherence.references", [dangling.record()])
    no_reason = RecordBuilder()
    no_reason.medication("860975", no_reason.at_age(40), [])
    breaks("coherence.medication_reasons", [no_reason.record()])
    no_lab = RecordBuilder()
    no_lab.condition("44054006", no_lab.at_age(50))
    breaks("coherence.labs_agree", [no_lab.record()])
    male_pregnancy = RecordBuilder(gender="M")
    male_pregnancy.condition("72892002", male_pregnancy.at_age(30))
    breaks("coherence.sex_age_limits", [male_pregnancy.record()])
    ended = RecordBuilder()
    ended.condition("44054006", ended.at_age(50), stop=ended.at_age(55))
    breaks("coherence.chronic_endings", [ended.record()])


def _lipids(b: RecordBuilder, t: int, total: float, hdl: float, ldl: float) -> None:
    b.observation("2093-3", t, total, unit="mg/dL")
    b.observation("2085-9", t, hdl, unit="mg/dL")
    b.observation("18262-6", t, ldl, unit="mg/dL")


def test_ldl_within_non_hdl() -> None:
    b = RecordBuilder()
    _lipids(b, b.at_age(26), 139.0, 28.0, 127.0)  # non-HDL 111 < LDL 127: impossible
    _lipids(b, b.at_age(30), 164.0, 31.0, 102.0)
    result = breaks("rec.ldl_within_non_hdl", [b.record()])
    assert (result.events, result.events_breaking) == (2, 1)
    g = RecordBuilder()
    _lipids(g, g.at_age(30), 164.0, 31.0, 102.0)
    _lipids(g, g.at_age(31), 150.0, 40.0, 113.0)  # within the 5 mg/dL margin of a direct assay
    g.observation("18262-6", g.at_age(32), 190.0, unit="mg/dL")  # LDL alone: nothing to compare
    passes("rec.ldl_within_non_hdl", [g.record()])


def test_instrument_before_published() -> None:
    b = RecordBuilder(birth=dt.date(1975, 3, 23))
    b.observation("44261-6", b.at_age(14), 14.0, unit="{score}", category="survey")  # PHQ-9 in 1989
    b.observation("70274-6", b.at_age(40), 3.0, unit="{score}", category="survey")  # GAD-7 in 2015: fine
    result = breaks("rec.instrument_before_published", [b.record()])
    assert (result.events, result.events_breaking) == (2, 1)
    g = RecordBuilder(birth=dt.date(1975, 3, 23))
    g.observation("44261-6", g.at_age(25), 8.0, unit="{score}", category="survey")  # 2000
    g.observation("55758-7", g.at_age(29), 1.0, unit="{score}", category="survey")  # 2004
    g.observation("75626-2", g.at_age(24), 2.0, unit="{score}", category="survey")  # 1999
    passes("rec.instrument_before_published", [g.record()])


def test_lab_before_available() -> None:
    b = RecordBuilder(birth=dt.date(1946, 5, 10))
    b.observation("98979-8", b.at_age(26), 105.0, unit="mL/min/{1.73_m2}")  # CKD-EPI 2021 in 1972
    b.observation("33762-6", b.at_age(50), 18410.0, unit="pg/mL")  # NT-proBNP in 1996
    b.observation("33762-6", b.at_age(60), 900.0, unit="pg/mL")  # 2006: fine
    result = breaks("rec.lab_before_available", [b.record()])
    assert (result.events, result.events_breaking) == (3, 2)
    g = RecordBuilder(birth=dt.date(1946, 5, 10))
    g.observation("33914-3", g.at_age(60), 70.0, unit="mL/min/{1.73_m2}")  # MDRD in 2006
    g.observation("62238-1", g.at_age(70), 65.0, unit="mL/min/{1.73_m2}")  # CKD-EPI 2009 in 2016
    g.observation("98979-8", g.at_age(77), 61.0, unit="mL/min/{1.73_m2}")  # CKD-EPI 2021 in 2023
    passes("rec.lab_before_available", [g.record()])


def test_facility_stay_length() -> None:
    b = RecordBuilder()
    b.encounter(b.at_age(90), hours=24, cls="snf")  # a nursing-home admission of one day
    b.encounter(b.at_age(91), hours=24 * 30, cls="snf")
    result = breaks("rec.facility_stay_length", [b.record()])
    assert (result.events, result.events_breaking) == (2, 1)
    g = RecordBuilder()
    g.encounter(g.at_age(90), hours=24 * 20, cls="hospice")
    g.encounter(g.at_age(80), hours=24, cls="inpatient")  # other classes are not judged
    d = RecordBuilder(index=1, death=RecordBuilder().at_age(60))
    d.encounter(d.at_age(60) - 10 * 3600, hours=10, cls="hospice")  # died during the stay
    passes("rec.facility_stay_length", [g.record(), d.record()])


def test_test_before_available() -> None:
    b = RecordBuilder(birth=dt.date(1942, 7, 12))
    hiv = {"system": "SNOMED-CT", "code": "260385009", "display": "Negative (qualifier value)"}
    b.observation("7917-8", from_date(dt.date(1971, 6, 21)), hiv)  # HIV antibody in a 1971 prenatal panel
    b.observation("33959-8", from_date(dt.date(1970, 7, 26)), 1.68, unit="ng/mL")  # procalcitonin in 1970
    b.procedure("104375008", from_date(dt.date(1980, 1, 5)))  # hepatitis C antibody test (procedure) in 1980
    b.observation("33959-8", from_date(dt.date(2015, 1, 5)), 0.2, unit="ng/mL")  # fine
    result = breaks("rec.test_before_available", [b.record()])
    assert (result.events, result.events_breaking) == (4, 3)
    g = RecordBuilder(birth=dt.date(1942, 7, 12))
    g.observation("7917-8", from_date(dt.date(1990, 6, 21)), hiv)
    g.observation("56888-1", from_date(dt.date(2015, 6, 21)), hiv)  # the 4th-generation combination test
    g.observation("89579-7", from_date(dt.date(2019, 3, 1)), 4.0, unit="ng/L")
    g.observation("4548-4", from_date(dt.date(1995, 3, 1)), 6.1)
    passes("rec.test_before_available", [g.record()])
    late = RecordBuilder(birth=dt.date(1942, 7, 12))
    late.observation("56888-1", from_date(dt.date(2005, 6, 21)), hiv)  # the combination assay came in 2010
    breaks("rec.test_before_available", [late.record()])


def test_procedure_before_available() -> None:
    b = RecordBuilder(birth=dt.date(1951, 1, 4))
    b.procedure("6025007", from_date(dt.date(1962, 5, 1)))  # laparoscopic appendectomy in 1962
    b.procedure("169553002", from_date(dt.date(1975, 5, 1)))  # contraceptive implant in 1975
    b.procedure("303653007", from_date(dt.date(1990, 5, 1)))  # CT of the head in 1990: fine
    result = breaks("rec.procedure_before_available", [b.record()])
    assert (result.events, result.events_breaking) == (3, 2)
    g = RecordBuilder(birth=dt.date(1951, 1, 4))
    g.procedure("6025007", from_date(dt.date(1995, 5, 1)))
    g.procedure("169553002", from_date(dt.date(1996, 5, 1)))
    g.procedure("80146002", from_date(dt.date(1962, 5, 1)))  # an open appendectomy in 1962 is not judged
    passes("rec.procedure_before_available", [g.record()])


def test_care_before_its_era() -> None:
    b = RecordBuilder(birth=dt.date(1920, 1, 4))
    b.condition("714628002", from_date(dt.date(1987, 5, 1)))  # prediabetes in 1987 (IFG defined 1997)
    b.procedure("225323000", from_date(dt.date(1950, 5, 1)))  # cessation education 1950 (Surgeon General 1964)
    b.procedure("225323000", from_date(dt.date(1970, 5, 1)))  # fine
    result = breaks("rec.care_before_its_era", [b.record()])
    assert (result.events, result.events_breaking) == (3, 2)
    g = RecordBuilder(birth=dt.date(1920, 1, 4))
    g.condition("714628002", from_date(dt.date(2005, 5, 1)))
    g.procedure("225323000", from_date(dt.date(1980, 5, 1)))
    passes("rec.care_before_its_era", [g.record()])


def test_t_score_before_who_1994() -> None:
    b = RecordBuilder(birth=dt.date(1900, 1, 1))
    b.observation("38265-5", from_date(dt.date(1967, 5, 1)), -2.8, unit="{T-score}", category="imaging")
    b.observation("38265-5", from_date(dt.date(1998, 5, 1)), -2.6, unit="{T-score}", category="imaging")
    result = breaks("rec.t_score_before_who_1994", [b.record()])
    assert (result.events, result.events_breaking) == (2, 1)
    g = RecordBuilder(birth=dt.date(1930, 1, 1))
    g.observation("38265-5", from_date(dt.date(2001, 5, 1)), -1.2, unit="{T-score}", category="imaging")
    passes("rec.t_score_before_who_1994", [g.record()])


def test_stay_vital_signs() -> None:
    b = RecordBuilder()
    stay = b.encounter(b.at_age(60), hours=24 * 6, cls="inpatient")  # a 6-day admission with nothing in it
    ed = b.encounter(b.at_age(61), hours=1, cls="emergency")
    b.observation("8867-4", ed["start"], 88.0, unit="/min", enc=ed, category="vital-signs")  # triage heart rate
    b.encounter(b.at_age(62), hours=1, cls="ambulatory")  # an office visit is not judged
    result = breaks("rec.stay_vital_signs", [b.record()])
    assert (result.events, result.events_breaking) == (2, 1)
    assert stay["class"] == "inpatient"
    g = RecordBuilder()
    ward = g.encounter(g.at_age(70), hours=48, cls="inpatient")
    bp = g.blood_pressure(ward["start"], 132, 81)  # a blood pressure panel counts by its components too
    bp["encounter"] = ward["id"]
    passes("rec.stay_vital_signs", [g.record()])


def test_egfr_with_creatinine() -> None:
    b = RecordBuilder()
    t = b.at_age(40)
    b.observation("33914-3", t, 137.0, unit="mL/min/{1.73_m2}")  # an eGFR alone
    b.observation("62238-1", t + DAY * 400, 92.0, unit="mL/min/{1.73_m2}")
    b.observation("2160-0", t + DAY * 400, 0.9, unit="mg/dL")
    result = breaks("rec.egfr_with_creatinine", [b.record()])
    assert (result.events, result.events_breaking) == (2, 1)
    g = RecordBuilder()
    g.observation("98979-8", g.at_age(50), 71.0, unit="mL/min/{1.73_m2}")
    g.observation("38483-4", g.at_age(50), 1.1, unit="mg/dL")
    passes("rec.egfr_with_creatinine", [g.record()])


def test_urgent_care_before_1970() -> None:
    b = RecordBuilder(birth=dt.date(1918, 7, 12))
    b.encounter(from_date(dt.date(1931, 3, 1)), hours=0.2, cls="urgentcare")  # an urgent care clinic in 1931
    b.encounter(from_date(dt.date(1985, 3, 1)), hours=0.2, cls="urgentcare")
    result = breaks("rec.urgent_care_before_1970", [b.record()])
    assert (result.events, result.events_breaking) == (2, 1)
    g = RecordBuilder(birth=dt.date(1918, 7, 12))
    g.encounter(from_date(dt.date(1931, 3, 1)), hours=0.2, cls="ambulatory")  # an office visit then
    g.encounter(from_date(dt.date(1995, 3, 1)), hours=0.2, cls="urgentcare")
    passes("rec.urgent_care_before_1970", [g.record()])


def test_stay_after_major_surgery() -> None:
    b = RecordBuilder()
    stay = b.encounter(b.at_age(61), hours=24, cls="inpatient")
    b.procedure("108034003", stay["start"] + 3600, enc=stay)  # a radical cystectomy discharged the next day
    result = breaks("rec.stay_after_major_surgery", [b.record()])
    assert (result.events, result.events_breaking) == (1, 1)
    g = RecordBuilder()
    ward = g.encounter(g.at_age(61), hours=24 * 8, cls="inpatient")
    g.procedure("108034003", ward["start"] + 3600, enc=ward)
    kidney = g.encounter(g.at_age(65), hours=24 * 3, cls="inpatient")
    g.procedure("108022006", kidney["start"] + 3600, enc=kidney)
    passes("rec.stay_after_major_surgery", [g.record()])


def test_stay_after_lobectomy_and_radical_hysterectomy() -> None:
    b = RecordBuilder()
    stay = b.encounter(b.at_age(66), hours=24, cls="inpatient")
    b.procedure("173171007", stay["start"] + 3600, enc=stay)  # a lung lobectomy discharged after 24 hours
    result = breaks("rec.stay_after_major_surgery", [b.record()])
    assert "Lobectomy" in result.examples[0][1][0] or "173171007" in result.examples[0][1][0]
    h = RecordBuilder()
    stay = h.encounter(h.at_age(45), hours=24, cls="inpatient")
    h.procedure("236886002", stay["start"] + 3600, enc=stay)  # radical hysterectomy for cervical cancer
    breaks("rec.stay_after_major_surgery", [h.record()])
    g = RecordBuilder()
    ward = g.encounter(g.at_age(66), hours=24 * 4, cls="inpatient")
    g.procedure("173171007", ward["start"] + 3600, enc=ward)
    ward = g.encounter(g.at_age(70), hours=24 * 3, cls="inpatient")
    g.procedure("236886002", ward["start"] + 3600, enc=ward)
    passes("rec.stay_after_major_surgery", [g.record()])


def test_pulse_oximetry_before_1983() -> None:
    b = RecordBuilder(birth=dt.date(1932, 3, 1))
    b.observation("59408-5", from_date(dt.date(1932, 9, 17)), 88.0, category="vital-signs")  # SpO2 in a 1932 sepsis
    breaks("rec.test_before_available", [b.record()])
    g = RecordBuilder(birth=dt.date(1932, 3, 1))
    g.observation("59408-5", from_date(dt.date(1990, 9, 17)), 96.0, category="vital-signs")
    g.observation("2708-6", from_date(dt.date(1960, 9, 17)), 93.0)  # an arterial blood gas saturation then
    passes("rec.test_before_available", [g.record()])


def test_urgent_care_code_before_1970() -> None:
    b = RecordBuilder(birth=dt.date(1918, 7, 12))
    old = b.encounter(from_date(dt.date(1920, 3, 8)), hours=0.2, cls="ambulatory")  # the office class, mapped
    old["codes"] = [code("702927004", display="Urgent care clinic (environment)")]  # but still coded urgent care
    new = b.encounter(from_date(dt.date(1985, 3, 1)), hours=0.2, cls="urgentcare")
    new["codes"] = [code("702927004", display="Urgent care clinic (environment)")]
    b.encounter(from_date(dt.date(1931, 3, 1)), hours=0.2, cls="ambulatory")  # another code: not judged
    result = breaks("rec.urgent_care_code_before_1970", [b.record()])
    assert (result.events, result.events_breaking) == (2, 1)
    g = RecordBuilder(birth=dt.date(1918, 7, 12))
    office = g.encounter(from_date(dt.date(1920, 3, 8)), hours=0.2, cls="ambulatory")
    office["codes"] = [code("185345009", display="Encounter for symptom (procedure)")]
    later = g.encounter(from_date(dt.date(1995, 3, 1)), hours=0.2, cls="urgentcare")
    later["codes"] = [code("702927004", display="Urgent care clinic (environment)")]
    passes("rec.urgent_care_code_before_1970", [g.record()])


def test_newborn_weighed_at_birth() -> None:
    """s13review: 51 of 51 birth stays had heart rate, respiratory rate and saturation but no weight."""

    def born(index: int, weighed: bool) -> dict:
        b = RecordBuilder(index)
        stay = b.encounter(b.birth, hours=48, cls="inpatient")
        stay["reason"] = [code("442311008", display="Liveborn born in hospital (situation)")]
        b.observation("8867-4", b.birth, 140, unit="/min", enc=stay, category="vital-signs")
        if weighed:
            b.observation("29463-7", b.birth, 3.4, unit="kg", enc=stay, category="vital-signs")
        other = b.encounter(b.at_age(30), hours=72, cls="inpatient")  # an adult stay: not a birth stay
        b.observation("8867-4", other["start"], 80, unit="/min", enc=other, category="vital-signs")
        return b.record()

    result = breaks("rec.newborn_weighed_at_birth", [born(0, False), born(1, True)])
    assert result.denominator == 2
    passes("rec.newborn_weighed_at_birth", [born(0, True), born(1, True)])


def test_hospice_before_its_era() -> None:
    """A hospice stay in 1971 (class), a stay coded as a hospice admission in 1960 (any class): 2 of 3 break."""
    b = RecordBuilder(birth=dt.date(1900, 7, 12))
    b.encounter(from_date(dt.date(1971, 3, 25)), hours=24, cls="hospice")
    coded = b.encounter(from_date(dt.date(1960, 3, 1)), hours=24, cls="inpatient")
    coded["codes"] = [code("305336008", display="Admission to hospice (procedure)")]
    b.encounter(from_date(dt.date(1990, 3, 1)), hours=24 * 20, cls="hospice")
    result = breaks("rec.hospice_before_its_era", [b.record()])
    assert (result.events, result.events_breaking) == (3, 2)
    g = RecordBuilder(birth=dt.date(1900, 7, 12))
    g.encounter(from_date(dt.date(1971, 3, 25)), hours=24 * 10, cls="inpatient")  # a terminal hospital stay then
    g.encounter(from_date(dt.date(1975, 3, 1)), hours=24 * 20, cls="hospice")  # the Connecticut Hospice existed
    passes("rec.hospice_before_its_era", [g.record()])


def test_hospice_care_before_its_era() -> None:
    b = RecordBuilder(birth=dt.date(1900, 7, 12))
    b.procedure("385763009", from_date(dt.date(1942, 5, 1)))  # hospice care in 1942
    b.condition("876882001", from_date(dt.date(1942, 5, 20)))  # died in hospice
    b.procedure("385763009", from_date(dt.date(1992, 5, 1)))
    result = breaks("rec.hospice_care_before_its_era", [b.record()])
    assert (result.events, result.events_breaking) == (3, 2)
    g = RecordBuilder(birth=dt.date(1900, 7, 12))
    g.procedure("182964004", from_date(dt.date(1942, 5, 1)))  # terminal care then
    g.procedure("385763009", from_date(dt.date(1992, 5, 1)))
    passes("rec.hospice_care_before_its_era", [g.record()])


def test_assay_before_published() -> None:
    """s17review: a rapid influenza antigen in 1934, a dipstick leukocyte esterase in 1935, ALT in 1945, a Glasgow
    coma score in 1960, a peanut IgE in 1958 and hepatitis C screening in 1970 are anachronisms."""
    neg = {"system": "SNOMED-CT", "code": "260385009", "display": "Negative (qualifier value)"}
    b = RecordBuilder(birth=dt.date(1926, 5, 1))
    b.observation("80382-5", from_date(dt.date(1934, 11, 12)), neg)
    b.observation("5799-2", from_date(dt.date(1935, 6, 1)), neg)
    b.observation("1742-6", from_date(dt.date(1945, 4, 30)), 24.0, unit="U/L")
    b.observation("9269-2", from_date(dt.date(1960, 3, 1)), 15.0, unit="{score}")
    b.observation("6206-7", from_date(dt.date(1958, 3, 1)), 0.1, unit="kU/L")
    b.procedure("413107006", from_date(dt.date(1970, 1, 5)))
    b.procedure("68071007", from_date(dt.date(1930, 4, 1)))  # topical fluoride came in the 1940s
    b.observation("1742-6", from_date(dt.date(1980, 4, 30)), 24.0, unit="U/L")  # fine
    result = breaks("rec.assay_before_published", [b.record()])
    assert (result.events, result.events_breaking) == (8, 7)
    g = RecordBuilder(birth=dt.date(1926, 5, 1))
    g.observation("80383-3", from_date(dt.date(2010, 1, 12)), neg)
    g.observation("5802-4", from_date(dt.date(1970, 6, 1)), neg)  # the nitrite test is older than the esterase
    g.observation("1920-8", from_date(dt.date(1960, 4, 30)), 20.0, unit="U/L")
    g.observation("6206-7", from_date(dt.date(1995, 3, 1)), 0.1, unit="kU/L")
    g.procedure("413107006", from_date(dt.date(2005, 1, 5)))
    passes("rec.assay_before_published", [g.record()])


def test_diagnosis_before_named() -> None:
    """s17review: ADHD diagnosed in 1933 and chronic hepatitis C in 1970 are anachronisms; in 1995 and 2015 not."""
    b = RecordBuilder(birth=dt.date(1925, 3, 1))
    b.condition(
        "406506008", from_date(dt.date(1933, 5, 1)), display="Attention deficit hyperactivity disorder (disorder)"
    )
    b.condition("128302006", from_date(dt.date(1970, 5, 1)), display="Chronic hepatitis C (disorder)")
    result = breaks("rec.diagnosis_before_named", [b.record()])
    assert (result.events, result.events_breaking) == (2, 2)
    g = RecordBuilder(birth=dt.date(1985, 3, 1))
    g.condition(
        "406506008", from_date(dt.date(1995, 5, 1)), display="Attention deficit hyperactivity disorder (disorder)"
    )
    g.condition("128302006", from_date(dt.date(2015, 5, 1)), display="Chronic hepatitis C (disorder)")
    passes("rec.diagnosis_before_named", [g.record()])


def test_ckd_stage_before_kdoqi() -> None:
    """s17review: CKD stage 3 diagnosed in 1970; the era's 'chronic renal insufficiency' then, the stage from 2002."""
    b = RecordBuilder(birth=dt.date(1920, 3, 1))
    b.condition("433144002", from_date(dt.date(1970, 5, 1)), display="Chronic kidney disease stage 3 (disorder)")
    result = breaks("rec.diagnosis_before_named", [b.record()])
    assert "Chronic kidney disease stage 3" in result.examples[0][1][0]
    g = RecordBuilder(birth=dt.date(1920, 3, 1))
    g.condition("723190009", from_date(dt.date(1970, 5, 1)), display="Chronic renal insufficiency (disorder)")
    g.condition("433144002", from_date(dt.date(2002, 3, 4)), display="Chronic kidney disease stage 3 (disorder)")
    passes("rec.diagnosis_before_named", [g.record()])


def test_care_before_introduced() -> None:
    """s18era scan: a dipstick in 1936, a PSA in 1974, an RPR and Rh typing in 1936, a fetal ultrasound in 1936,
    cognitive-behavioural therapy in 1945 and depression screening in 1936 are anachronisms."""
    neg = {"system": "SNOMED-CT", "code": "260385009", "display": "Negative (qualifier value)"}
    b = RecordBuilder(birth=dt.date(1910, 5, 1))
    b.observation("25428-4", from_date(dt.date(1936, 3, 1)), neg)
    b.observation("2857-1", from_date(dt.date(1974, 3, 1)), 1.2, unit="ng/mL")
    b.observation("20507-0", from_date(dt.date(1936, 3, 1)), neg)
    b.procedure("167226008", from_date(dt.date(1936, 3, 1)))
    b.procedure("169230002", from_date(dt.date(1936, 3, 1)))
    b.procedure("228557008", from_date(dt.date(1945, 3, 1)))
    b.procedure("171207006", from_date(dt.date(1936, 3, 1)))
    b.observation("25428-4", from_date(dt.date(1960, 3, 1)), neg)  # fine
    result = breaks("rec.care_before_introduced", [b.record()])
    assert (result.events, result.events_breaking) == (8, 7)
    g = RecordBuilder(birth=dt.date(1950, 5, 1))
    g.observation("2857-1", from_date(dt.date(1995, 3, 1)), 1.2, unit="ng/mL")
    g.procedure("169230002", from_date(dt.date(1975, 3, 1)))
    g.procedure("228557008", from_date(dt.date(1990, 3, 1)))
    passes("rec.care_before_introduced", [g.record()])


def test_no_tooth_filling_under_2() -> None:
    """s17review: a filling at the first dental visit at 12 months; at 4 years it is care."""
    b = RecordBuilder(birth=dt.date(1990, 5, 1))
    b.procedure("275298007", b.at_age(1.0))
    assert "at 1.0 years" in breaks("care.no_tooth_filling_under_2", [b.record()]).examples[0][1][0]
    g = RecordBuilder(birth=dt.date(1990, 5, 1))
    g.procedure("275298007", g.at_age(4.0))
    passes("care.no_tooth_filling_under_2", [g.record()])
