"""Dose rules on hand-made records."""

from __future__ import annotations

import datetime as dt

from tests.report.clinical.helpers import DAY, breaks, local, med, passes
from tests.report.records import RecordBuilder

FLUOXETINE_40 = ("313989", "fluoxetine 40 MG Oral Capsule")
FLUOXETINE_20 = ("310385", "fluoxetine 20 MG Oral Capsule")
LISINOPRIL_10 = ("314076", "lisinopril 10 MG Oral Tablet")


def _dose(amount: float, unit: str = "{capsule}", frequency: int = 1, period: float = 1.0, per: str = "d") -> dict:
    return {"amount": amount, "frequency": frequency, "period": period, "unit": per, "dose_unit": unit}


def test_max_daily_dose() -> None:
    b = RecordBuilder()
    t = b.at_age(40)
    med(b, FLUOXETINE_40, t, t + 365 * DAY, dosage=_dose(3.0))  # 120 mg a day
    med(b, LISINOPRIL_10, t, t + 365 * DAY, dosage=_dose(1.0, "{tablet}"))
    result = breaks("rx.max_daily_dose", [b.record()])
    assert (result.events, result.events_breaking) == (2, 1)
    g = RecordBuilder()
    med(g, FLUOXETINE_20, t, t + 365 * DAY, dosage=_dose(2.0))  # 40 mg a day
    med(g, LISINOPRIL_10, t, t + 365 * DAY, dosage=_dose(1.0, "{tablet}", frequency=1, period=12.0, per="h"))  # 20 mg
    med(g, FLUOXETINE_40, t, t + 365 * DAY, dosage=_dose(2.0))  # 80 mg: the maximum itself
    passes("rx.max_daily_dose", [g.record()])


ATORVASTATIN_80 = ("259255", "atorvastatin 80 MG Oral Tablet")
NSTEMI = ("401314000", "Acute non-ST segment elevation myocardial infarction (disorder)")


def test_statin_continued_after_mi() -> None:
    b = RecordBuilder()
    t = b.at_age(48)
    b.condition(NSTEMI[0], t, stop=t + 52 * DAY, display=NSTEMI[1])
    med(b, ATORVASTATIN_80, t + 3 * DAY, t + 52 * DAY)  # ended with the acute MI ...
    med(b, ATORVASTATIN_80, t + 385 * DAY, None)  # ... and restarted 11 months later
    result = breaks("care.statin_continued_after_mi", [b.record()])
    assert result.patients_breaking == result.patients  # every copy of the record breaks it
    g = RecordBuilder()
    g.condition(NSTEMI[0], t, stop=t + 52 * DAY, display=NSTEMI[1])
    med(g, ATORVASTATIN_80, t + 3 * DAY, t + 365 * DAY)
    med(g, ATORVASTATIN_80, t + 365 * DAY, None)  # renewed yearly, no gap
    u = RecordBuilder(index=1)
    u.condition(NSTEMI[0], t, stop=t + 52 * DAY, display=NSTEMI[1])  # never given a statin: not judged here
    passes("care.statin_continued_after_mi", [g.record(), u.record()])


ISCHEMIC_STROKE = ("422504002", "Ischemic stroke (disorder)")
ASPIRIN_81 = ("243670", "aspirin 81 MG Oral Tablet")
APIXABAN_5 = ("1364445", "apixaban 5 MG Oral Tablet")


def test_prevention_continued_after_stroke() -> None:
    """Aspirin and the statin ending with the acute stroke break both rules; a switch to apixaban does not."""
    b = RecordBuilder()
    t = b.at_age(60)  # 2020
    b.condition(ISCHEMIC_STROKE[0], t, stop=t + 100 * DAY, display=ISCHEMIC_STROKE[1])
    med(b, ASPIRIN_81, t + 5 * DAY, t + 100 * DAY)  # ended with the acute stroke
    med(b, ATORVASTATIN_80, t + 5 * DAY, t + 100 * DAY)
    for rule in ("care.antithrombotic_continued_after_stroke", "care.statin_continued_after_stroke"):
        result = breaks(rule, [b.record()])
        assert result.patients_breaking == result.patients
    g = RecordBuilder()
    g.condition(ISCHEMIC_STROKE[0], t, stop=t + 100 * DAY, display=ISCHEMIC_STROKE[1])
    med(g, ASPIRIN_81, t + 5 * DAY, t + 200 * DAY)
    med(g, APIXABAN_5, t + 200 * DAY, None)  # atrial fibrillation found: anticoagulated instead
    med(g, ATORVASTATIN_80, t + 5 * DAY, None)
    u = RecordBuilder(index=1)
    u.condition(ISCHEMIC_STROKE[0], t, stop=t + 100 * DAY, display=ISCHEMIC_STROKE[1])  # never given: not judged
    for rule in ("care.antithrombotic_continued_after_stroke", "care.statin_continued_after_stroke"):
        passes(rule, [g.record(), u.record()])


ZOLEDRONIC = ("1114085", "100 ML zoledronic acid 0.04 MG/ML Injection")


def test_zoledronic_acid_holiday() -> None:
    b = RecordBuilder()
    t = b.at_age(60)
    for year in range(7):  # seven yearly infusions in a row (s18old: patient 136 had 13)
        med(b, ZOLEDRONIC, t + year * 365 * DAY, t + year * 365 * DAY + 900, administered=True)
    result = breaks("care.zoledronic_acid_holiday", [b.record()])
    assert result.patients_breaking == result.patients
    g = RecordBuilder()
    for year in (0, 1, 2, 5, 6, 7, 8):  # three, a holiday of 3 years, four more
        med(g, ZOLEDRONIC, t + year * 365 * DAY, t + year * 365 * DAY + 900, administered=True)
    passes("care.zoledronic_acid_holiday", [g.record()])


def test_chemotherapy_after_diagnosis() -> None:
    b = RecordBuilder()
    t = b.at_age(61)
    b.condition("423121009", t, display="Non-small cell carcinoma of lung, TNM stage 4 (disorder)")
    b.procedure("367336001", t + 1800)  # the same afternoon
    b.procedure("367336001", t + 22 * DAY)  # cycle 2 is fine
    result = breaks("care.chemotherapy_after_diagnosis", [b.record()])
    assert (result.patients_breaking, result.events, result.events_breaking) == (1, 2, 1)
    g = RecordBuilder()
    g.condition("254837009", t, display="Malignant neoplasm of breast (disorder)")
    g.procedure("367336001", t + 30 * DAY)
    passes("care.chemotherapy_after_diagnosis", [g.record()])


def test_hepb_birth_dose() -> None:
    def infant(index: int, first_dose_day: int) -> dict:
        b = RecordBuilder(index, birth=dt.date(2014, 2, 12))
        b.immunization("08", b.birth + first_dose_day * DAY, "Hep B, adolescent or pediatric")
        b.immunization("08", b.birth + 33 * DAY, "Hep B, adolescent or pediatric")
        return b.record()

    breaks("vax.hepb_birth_dose", [infant(0, 5), infant(1, 5), infant(2, 0)])  # 2 of 3 late: over 40 %
    passes("vax.hepb_birth_dose", [infant(0, 0), infant(1, 1), infant(2, 2), infant(3, 5)])  # 1 of 4 late


def test_holiday_visits() -> None:
    def visit(day: dt.date, hour: int, cls: str = "ambulatory") -> dict:
        b = RecordBuilder()
        b.encounter(local(day, hour), cls=cls)
        return b.record()

    breaks("time.holiday_visits", [visit(dt.date(2000, 12, 25), 14)])  # Christmas Day, a Monday
    passes("time.holiday_visits", [visit(dt.date(2000, 12, 26), 14), visit(dt.date(2000, 12, 25), 14, "urgentcare")])


MIRENA = ("807283", "levonorgestrel 0.000833 MG/HR Intrauterine System [Mirena]")


def test_long_acting_contraceptive_reinserted() -> None:
    b = RecordBuilder()
    t = b.at_age(30)
    for year in range(3):  # a new IUD at each yearly visit
        med(b, MIRENA, int(t + year * 365 * DAY), int(t + (year + 1) * 365 * DAY), administered=True)
    result = breaks("rx.long_acting_contraceptive_reinserted", [b.record()])
    assert (result.events, result.events_breaking) == (2, 2)
    g = RecordBuilder()
    med(g, MIRENA, t, t + 5 * 365 * DAY, administered=True)
    med(g, MIRENA, int(t + 5 * 365 * DAY), None, administered=True)  # replaced after 5 years
    passes("rx.long_acting_contraceptive_reinserted", [g.record()])


DENOSUMAB = ("993452", "1 ML denosumab 60 MG/ML Prefilled Syringe")


def test_denosumab_every_6_months() -> None:
    b = RecordBuilder()
    t = b.at_age(70)
    for year in range(3):  # one injection a year: every second dose is missing
        med(b, DENOSUMAB, int(t + year * 365 * DAY), int(t + year * 365 * DAY + 3600), administered=True)
    result = breaks("rx.denosumab_every_6_months", [b.record()])
    assert (result.events, result.events_breaking) == (2, 2)
    g = RecordBuilder()
    for dose in range(4):  # every 182 days
        med(g, DENOSUMAB, int(t + dose * 182 * DAY), int(t + dose * 182 * DAY + 3600), administered=True)
    passes("rx.denosumab_every_6_months", [g.record()])


AMOXICILLIN = ("308192", "amoxicillin 500 MG Oral Tablet")


def test_bacterial_infection_treated() -> None:
    b = RecordBuilder()
    t = b.at_age(33)  # 1993
    b.condition("43878008", t, stop=t + 9 * DAY, display="Streptococcal sore throat (disorder)")  # no antibiotic
    b.condition("307426000", t + 400 * DAY, stop=t + 405 * DAY, display="Acute infective cystitis (disorder)")
    med(b, AMOXICILLIN, t + 400 * DAY, t + 407 * DAY)
    result = breaks("care.bacterial_infection_treated", [b.record()])
    assert (result.events, result.events_breaking) == (2, 1)
    g = RecordBuilder()
    g.condition("128045006", t, stop=t + 10 * DAY, display="Cellulitis (disorder)")
    med(g, AMOXICILLIN, t + DAY, t + 8 * DAY)
    old = RecordBuilder(1, birth=dt.date(1940, 1, 1))
    old.condition("128045006", old.at_age(10), stop=old.at_age(10) + 10 * DAY, display="Cellulitis (disorder)")  # 1950
    passes("care.bacterial_infection_treated", [g.record(), old.record()])
    # s17review: the prescribing layer's substitute of the 1950s-60s (tetracycline for nitrofurantoin) is an antibiotic
    tet = RecordBuilder(2, birth=dt.date(1938, 6, 1))
    cystitis = tet.at_age(19.7)  # 1958
    tet.condition("307426000", cystitis, stop=cystitis + 7 * DAY, display="Acute infective cystitis (disorder)")
    med(tet, ("198250", "tetracycline hydrochloride 250 MG Oral Capsule"), cystitis, cystitis + 5 * DAY)
    passes("care.bacterial_infection_treated", [tet.record()])


TETRACYCLINE = ("198250", "tetracycline hydrochloride 250 MG Oral Capsule")


def test_tetracycline_treats_a_bacterial_infection() -> None:
    """The prescribing layer's era antibiotic for cystitis before ampicillin (1963) is an antibiotic (s17syn: 8 of
    25 breaches on Synthea's library were cystitis treated with tetracycline in the 1950s)."""
    b = RecordBuilder(1, birth=dt.date(1940, 1, 1))
    t = b.at_age(19)  # 1959
    b.condition("307426000", t, stop=t + 5 * DAY, display="Acute infective cystitis (disorder)")
    med(b, TETRACYCLINE, t + DAY, t + 8 * DAY)
    passes("care.bacterial_infection_treated", [b.record()])


CEFAZOLIN = ("1665060", "cefazolin 2000 MG Injection")
CEPHALEXIN = ("309114", "cephalexin 500 MG Oral Capsule")


def test_inpatient_antibiotic_coverage() -> None:
    b = RecordBuilder()
    t = b.at_age(90)
    stay = b.encounter(t, hours=87, cls="inpatient")
    stay["reason"] = [{"system": "SNOMED-CT", "code": "128045006", "display": "Cellulitis (disorder)"}]
    med(b, CEFAZOLIN, t, t + DAY)  # IV for the first day only ...
    med(b, CEPHALEXIN, t + 87 * 3600, t + 92 * 3600)  # ... then oral at discharge
    result = breaks("rx.inpatient_antibiotic_coverage", [b.record()])
    assert "63 h untreated" in result.examples[0][1][0]
    g = RecordBuilder()
    stay = g.encounter(t, hours=87, cls="inpatient")
    stay["reason"] = [{"system": "SNOMED-CT", "code": "128045006", "display": "Cellulitis (disorder)"}]
    med(g, CEFAZOLIN, t, t + 87 * 3600)
    med(g, CEPHALEXIN, t + 87 * 3600, t + 92 * 3600)
    passes("rx.inpatient_antibiotic_coverage", [g.record()])


LIRAGLUTIDE_PEN = ("897122", "3 ML liraglutide 6 MG/ML Pen Injector")


def test_injectable_max_daily_dose() -> None:
    b = RecordBuilder()
    t = b.at_age(45)
    med(b, LIRAGLUTIDE_PEN, t, t + 365 * DAY, dosage=_dose(1.2, "mL"))  # 1.2 mL = 7.2 mg a day
    med(b, FLUOXETINE_40, t, t + 365 * DAY, dosage=_dose(3.0))  # tablets are another rule's
    result = breaks("rx.injectable_max_daily_dose", [b.record()])
    assert (result.events, result.events_breaking) == (1, 1)
    g = RecordBuilder()
    med(g, LIRAGLUTIDE_PEN, t, t + 365 * DAY, dosage=_dose(0.2, "mL"))  # 1.2 mg
    med(g, LIRAGLUTIDE_PEN, t + 365 * DAY, None, dosage=_dose(0.3, "mL"))  # 1.8 mg: the maximum itself
    passes("rx.injectable_max_daily_dose", [g.record()])


def test_injectable_max_daily_dose_of_a_pen_dosed_in_mg() -> None:
    """A pen's dose written in mg (the prescribing layer's label dose) is judged as mg, not mg/mL times mg."""
    b = RecordBuilder()
    t = b.at_age(45)
    med(b, LIRAGLUTIDE_PEN, t, t + 365 * DAY, dosage=_dose(2.4, "mg"))  # 2.4 mg a day
    result = breaks("rx.injectable_max_daily_dose", [b.record()])
    assert (result.events, result.events_breaking) == (1, 1)
    g = RecordBuilder()
    med(g, LIRAGLUTIDE_PEN, t, None, dosage=_dose(1.2, "mg"))
    passes("rx.injectable_max_daily_dose", [g.record()])


OSELTAMIVIR = ("312122", "oseltamivir 75 MG Oral Capsule")
FLU = ("6142004", "Influenza (disorder)")
ASTHMA = ("195967001", "Asthma (disorder)")


def test_influenza_antiviral_high_risk() -> None:
    b = RecordBuilder(birth=dt.date(2015, 1, 1))  # a 3-year-old with influenza and no antiviral
    t = b.at_age(3)
    b.condition(FLU[0], t, stop=t + 7 * DAY, display=FLU[1])
    for year in (1, 2):  # and again at 4 and 5 (US practice treats about 1 in 3: tolerance 75 % untreated)
        b.condition(FLU[0], t + year * 365 * DAY, stop=t + (year * 365 + 7) * DAY, display=FLU[1])
    a = RecordBuilder(1, birth=dt.date(1980, 1, 1))  # an asthmatic adult treated, and one untreated
    ta = a.at_age(38)
    a.condition(ASTHMA[0], a.at_age(20), display=ASTHMA[1])
    a.condition(FLU[0], ta, stop=ta + 7 * DAY, display=FLU[1])
    med(a, OSELTAMIVIR, ta, ta + 5 * DAY)
    a.condition(FLU[0], ta + 400 * DAY, stop=ta + 407 * DAY, display=FLU[1])
    result = breaks("care.influenza_antiviral_high_risk", [b.record(), a.record()])
    assert (result.events, result.events_breaking) == (5, 4)
    healthy = RecordBuilder(2, birth=dt.date(1980, 1, 1))  # not high risk: not judged
    healthy.condition(FLU[0], healthy.at_age(38), stop=healthy.at_age(38) + 7 * DAY, display=FLU[1])
    old = RecordBuilder(3, birth=dt.date(1940, 1, 1))  # 65+ and treated
    to = old.at_age(78)
    old.condition(FLU[0], to, stop=to + 7 * DAY, display=FLU[1])
    med(old, OSELTAMIVIR, to + DAY, to + 6 * DAY)
    passes("care.influenza_antiviral_high_risk", [healthy.record(), old.record()])


SERTRALINE = ("312941", "sertraline 50 MG Oral Tablet")
MDD = ("36923009", "Major depression, single episode (disorder)")


def test_antidepressant_continuation() -> None:
    b = RecordBuilder()
    t = b.at_age(40)
    b.condition(MDD[0], t, stop=t + 52 * DAY, display=MDD[1])
    med(b, SERTRALINE, t, t + 52 * DAY)  # stopped at remission
    result = breaks("care.antidepressant_continuation", [b.record()])
    assert (result.events, result.events_breaking) == (1, 1)
    g = RecordBuilder()
    g.condition(MDD[0], t, stop=t + 90 * DAY, display=MDD[1])
    med(g, SERTRALINE, t, t + 90 * DAY + 240 * DAY)  # 8 months after remission
    h = RecordBuilder(1)
    h.condition(MDD[0], t, stop=t + 90 * DAY, display=MDD[1])  # remitted without a drug: not judged
    passes("care.antidepressant_continuation", [g.record(), h.record()])


AMOX_SUSPENSION = ("308189", "amoxicillin 80 MG/ML Oral Suspension")


def _weight(b: RecordBuilder, t: int, kg: float) -> None:
    b.observation("29463-7", t, kg, unit="kg", category="vital-signs")


def test_dose_weight_charted() -> None:
    b = RecordBuilder(birth=dt.date(2015, 1, 1))
    t = b.at_age(1.5)
    _weight(b, t - 60 * DAY, 10.0)  # two months old at an 18-month-old's sick visit
    med(
        b,
        AMOX_SUSPENSION,
        t,
        t + 10 * DAY,
        dosage={"amount": 450, "frequency": 2, "period": 1, "unit": "d", "weight_kg": 10.5},
    )
    result = breaks("rx.dose_weight_charted", [b.record()])
    assert (result.events, result.events_breaking) == (1, 1)
    g = RecordBuilder(birth=dt.date(2015, 1, 1))
    _weight(g, t, 10.5)  # weighed at the visit
    med(
        g,
        AMOX_SUSPENSION,
        t,
        t + 10 * DAY,
        dosage={"amount": 470, "frequency": 2, "period": 1, "unit": "d", "weight_kg": 10.5},
    )
    passes("rx.dose_weight_charted", [g.record()])


REGULAR_INSULIN = ("311034", "insulin, regular, human 100 UNT/ML Injectable Solution")


def test_regular_insulin_is_not_once_a_day() -> None:
    b = RecordBuilder()
    t = b.at_age(42)
    med(b, REGULAR_INSULIN, t, t + 365 * DAY, dosage=_dose(10.0, "[iU]"))  # the chart review's once a day
    med(b, REGULAR_INSULIN, t + 365 * DAY, None, dosage=_dose(8.0, "[iU]", frequency=3))
    result = breaks("rx.regular_insulin_with_meals", [b.record()])
    assert (result.events, result.events_breaking) == (2, 1)
    g = RecordBuilder()
    med(g, REGULAR_INSULIN, t, None, dosage=_dose(8.0, "[iU]", frequency=3))  # before each meal
    med(g, REGULAR_INSULIN, t, None, dosage=_dose(6.0, "[iU]", frequency=1, period=12.0, per="h"))  # with NPH, bid
    med(g, FLUOXETINE_20, t, None, dosage=_dose(1.0))  # other drugs are not judged
    passes("rx.regular_insulin_with_meals", [g.record()])


WARFARIN = ("855332", "warfarin sodium 5 MG Oral Tablet")
CLOPIDOGREL = ("309362", "clopidogrel 75 MG Oral Tablet")
ALENDRONATE = ("904419", "alendronic acid 10 MG Oral Tablet")


def test_once_daily_drugs_are_not_given_twice_a_day() -> None:
    b = RecordBuilder()
    t = b.at_age(70)
    med(b, WARFARIN, t, t + 365 * DAY, dosage=_dose(1.0, frequency=2))  # apixaban's schedule (s15 chart review)
    med(b, CLOPIDOGREL, t, None, dosage=_dose(1.0))
    result = breaks("rx.once_daily_drugs_once_a_day", [b.record()])
    assert (result.events, result.events_breaking) == (2, 1)
    g = RecordBuilder()
    med(g, WARFARIN, t, None, dosage=_dose(1.0))
    med(g, ALENDRONATE, t, None, dosage=_dose(1.0))
    med(g, CLOPIDOGREL, t, None, dosage=_dose(1.0, frequency=1, period=48.0, per="h"))  # fewer is not judged
    med(g, NAPROXEN, t, t + 10 * DAY, dosage=_dose(1.0, frequency=2))  # other drugs are not judged
    passes("rx.once_daily_drugs_once_a_day", [g.record()])


NAPROXEN = ("198014", "Naproxen 500 MG Oral Tablet")
HCTZ_LISINOPRIL = ("197885", "hydrochlorothiazide 12.5 MG / lisinopril 10 MG Oral Tablet")
HCTZ_25 = ("310798", "Hydrochlorothiazide 25 MG Oral Tablet")


def test_nsaid_triple_whammy() -> None:
    b = RecordBuilder()
    t = b.at_age(60)
    med(b, LISINOPRIL_10, t, None)
    med(b, HCTZ_25, t + 30 * DAY, None)
    med(b, NAPROXEN, t + 100 * DAY, t + 110 * DAY)  # all three at once
    c = RecordBuilder(index=1)
    med(c, HCTZ_LISINOPRIL, t, None)  # one combination tablet is both
    med(c, NAPROXEN, t + 100 * DAY, t + 110 * DAY)
    result = breaks("rx.nsaid_triple_whammy", [b.record(), c.record()])
    assert result.patients_breaking == 2
    g = RecordBuilder()
    med(g, LISINOPRIL_10, t, None)
    med(g, NAPROXEN, t + 100 * DAY, t + 110 * DAY)  # an NSAID with one antihypertensive: not judged
    med(g, HCTZ_25, t + 200 * DAY, None)  # the diuretic only after the NSAID ended
    passes("rx.nsaid_triple_whammy", [g.record()])


SALINE = ("313002", "sodium chloride 9 MG/ML Injectable Solution")


def test_child_saline_per_kg() -> None:
    b = RecordBuilder(birth=dt.date(1918, 7, 12))
    t = b.at_age(3.9)
    b.observation("29463-7", t - 30 * DAY, 16.0, unit="kg", category="vital-signs")
    ed = b.encounter(t, hours=1, cls="emergency")
    med(b, SALINE, t, t + 3600, enc=ed, administered=True, dosage=_dose(1000.0, "mL"))  # 60 mL/kg in one bolus
    result = breaks("rx.child_saline_per_kg", [b.record()])
    assert (result.events, result.events_breaking) == (1, 1)
    g = RecordBuilder(birth=dt.date(2015, 1, 1))
    t = g.at_age(3.5)
    g.observation("29463-7", t - 30 * DAY, 15.0, unit="kg", category="vital-signs")
    ed = g.encounter(t, hours=1, cls="emergency")
    med(g, SALINE, t, t + 3600, enc=ed, administered=True, dosage=_dose(300.0, "mL"))  # 20 mL/kg
    ward = g.encounter(t + 3600, hours=48, cls="inpatient")
    med(g, SALINE, t + 3600, t + 49 * 3600, enc=ward, administered=True, dosage=_dose(1250.0, "mL"))  # maintenance
    adult = g.encounter(g.at_age(30), hours=1, cls="emergency")
    med(g, SALINE, adult["start"], adult["start"] + 3600, enc=adult, administered=True, dosage=_dose(1000.0, "mL"))
    passes("rx.child_saline_per_kg", [g.record()])
