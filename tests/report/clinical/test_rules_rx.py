"""Prescribing rules on hand-made records that break them and records that do not."""

from __future__ import annotations

import datetime as dt

from ehrsim.record.times import from_date
from tests.report.clinical.helpers import (
    ACETAMINOPHEN,
    ADVAIR,
    ALTEPLASE,
    AMOX_SUSPENSION,
    AMOXICILLIN,
    ATORVASTATIN_80,
    AZITHROMYCIN,
    DAY,
    ENTRESTO,
    EPIPEN,
    FLOVENT,
    IBUPROFEN,
    LISINOPRIL,
    METFORMIN,
    SMX_TMP,
    SUBOXONE,
    breaks,
    med,
    passes,
)
from tests.report.records import RecordBuilder


def _allergic(index: int, drug: tuple[str, str], allergy: str = "91936005", system: str = "SNOMED-CT") -> dict:
    b = RecordBuilder(index)
    b.allergy(allergy, b.at_age(10), system=system)
    med(b, drug, b.at_age(20))
    return b.record()


def test_penicillin_allergy() -> None:
    result = breaks("rx.penicillin_allergy", [_allergic(0, AMOXICILLIN), _allergic(1, AZITHROMYCIN)])
    assert (result.patients, result.patients_breaking) == (2, 1)
    assert result.examples[0][0] == "0" and "amoxicillin" in result.examples[0][1][0]
    # Synthea records the allergy as the RxNorm ingredient (7984 penicillin V)
    breaks("rx.penicillin_allergy", [_allergic(0, AMOXICILLIN, "7984", "RxNorm")])
    passes("rx.penicillin_allergy", [_allergic(1, AZITHROMYCIN)])
    # a penicillin given before the allergy was known is not a breach
    b = RecordBuilder()
    med(b, AMOXICILLIN, b.at_age(5))
    b.allergy("91936005", b.at_age(10))
    passes("rx.penicillin_allergy", [b.record()])


def test_sulfonamide_allergy() -> None:
    breaks("rx.sulfonamide_allergy", [_allergic(0, SMX_TMP, "91939003")])
    passes("rx.sulfonamide_allergy", [_allergic(0, AMOXICILLIN, "91939003")])


def test_arni_with_ace_inhibitor() -> None:
    b = RecordBuilder()
    med(b, LISINOPRIL, b.at_age(50))  # never stopped
    med(b, ENTRESTO, b.at_age(55))
    breaks("rx.arni_with_ace_inhibitor", [b.record()])
    g = RecordBuilder()
    stop = g.at_age(55)
    med(g, LISINOPRIL, g.at_age(50), stop=stop)
    med(g, ENTRESTO, stop + 2 * DAY)  # 48 h washout
    passes("rx.arni_with_ace_inhibitor", [g.record()])
    h = RecordBuilder()
    med(h, LISINOPRIL, h.at_age(50), stop=h.at_age(55))
    med(h, ENTRESTO, h.at_age(55) + 12 * 3600)  # only 12 h
    breaks("rx.arni_with_ace_inhibitor", [h.record()])


def test_nsaid_in_ckd() -> None:
    b = RecordBuilder()
    b.condition("433144002", b.at_age(60))
    med(b, IBUPROFEN, b.at_age(62), stop=b.at_age(62) + 10 * DAY)
    breaks("rx.nsaid_in_ckd", [b.record()])
    g = RecordBuilder()
    med(g, IBUPROFEN, g.at_age(40), stop=g.at_age(40) + 10 * DAY)  # before the CKD
    g.condition("433144002", g.at_age(60))
    med(g, ACETAMINOPHEN, g.at_age(62))
    passes("rx.nsaid_in_ckd", [g.record()])


PROPRANOLOL = ("856578", "propranolol hydrochloride 80 MG Oral Tablet")
METOPROLOL = ("866514", "metoprolol tartrate 50 MG Oral Tablet")


def test_nonselective_beta_blocker_in_asthma() -> None:
    b = RecordBuilder()
    b.condition("195967001", b.at_age(30), display="Asthma (disorder)")
    med(b, PROPRANOLOL, b.at_age(50))
    breaks("rx.nonselective_beta_blocker_in_asthma", [b.record()])
    g = RecordBuilder()
    g.condition("195967001", g.at_age(30), display="Asthma (disorder)")
    med(g, METOPROLOL, g.at_age(50))  # cardioselective
    h = RecordBuilder(index=1)
    med(h, PROPRANOLOL, h.at_age(50))  # no asthma
    passes("rx.nonselective_beta_blocker_in_asthma", [g.record(), h.record()])


def test_metformin_low_egfr() -> None:
    b = RecordBuilder()
    med(b, METFORMIN, b.at_age(50))
    b.observation("98979-8", b.at_age(60), 25.0)
    breaks("rx.metformin_low_egfr", [b.record()])
    g = RecordBuilder()
    med(g, METFORMIN, g.at_age(50), stop=g.at_age(59))
    g.observation("98979-8", g.at_age(60), 25.0)  # stopped before
    g.observation("98979-8", g.at_age(55), 45.0)
    passes("rx.metformin_low_egfr", [g.record()])


def test_before_approval() -> None:
    b = RecordBuilder(birth=dt.date(1950, 1, 1))
    med(b, SUBOXONE, b.at_age(35))  # 1985, Suboxone approved 2002
    med(b, EPIPEN, b.at_age(23))  # 1973, EpiPen approved 1987
    med(b, ("313782", "acetaminophen 325 MG Oral Tablet"), b.at_age(2))  # 1952, Tylenol 1955
    med(b, ("1363309", "Chlorpheniramine Maleate 4 MG Oral Tablet"), b.at_age(20))  # 1970: fine
    result = breaks("rx.before_approval", [b.record()])
    assert result.events_breaking == 3
    g = RecordBuilder(birth=dt.date(1950, 1, 1))
    med(g, SUBOXONE, g.at_age(60))
    passes("rx.before_approval", [g.record()])


def _child_with_weight(kg: float, age: float, drug: tuple[str, str] = EPIPEN) -> dict:
    b = RecordBuilder(birth=dt.date(2015, 1, 1))
    b.observation("29463-7", b.at_age(age) - 30 * DAY, kg, unit="kg", category="vital-signs")
    med(b, drug, b.at_age(age))
    return b.record()


def test_epinephrine_weight() -> None:
    breaks("rx.epinephrine_weight", [_child_with_weight(9.0, 0.7)])
    passes("rx.epinephrine_weight", [_child_with_weight(32.0, 10)])
    # no weight recorded: judged by age
    b = RecordBuilder(birth=dt.date(2015, 1, 1))
    med(b, EPIPEN, b.at_age(3))
    breaks("rx.epinephrine_weight", [b.record()])


def test_solid_forms_under_6() -> None:
    bad = RecordBuilder(birth=dt.date(2015, 1, 1))
    med(bad, AMOXICILLIN, bad.at_age(3))
    breaks("rx.solid_forms_under_6", [bad.record()])
    good = RecordBuilder(birth=dt.date(2015, 1, 1))
    med(good, AMOX_SUSPENSION, good.at_age(3))
    med(good, AMOXICILLIN, good.at_age(8))
    passes("rx.solid_forms_under_6", [good.record()])


def test_dose_has_unit() -> None:
    b = RecordBuilder()
    med(b, AMOXICILLIN, b.at_age(30), dosage={"amount": 1.0, "frequency": 2, "period": 1.0, "unit": "days"})
    breaks("rx.dose_has_unit", [b.record()])
    g = RecordBuilder()
    dosage = {"amount": 500.0, "dose_unit": "mg", "frequency": 2, "period": 1.0, "unit": "days"}
    med(g, AMOXICILLIN, g.at_age(30), dosage=dosage)
    passes("rx.dose_has_unit", [g.record()])


DONEPEZIL_10 = ("997223", "donepezil hydrochloride 10 MG Oral Tablet")
TIOTROPIUM = ("485032", "tiotropium 0.018 MG Inhalation Powder")


def test_dose_unit_names_form() -> None:
    def dose(unit: str) -> dict:
        return {"amount": 1.0, "dose_unit": unit, "frequency": 1, "period": 1.0, "unit": "days"}

    b = RecordBuilder()
    med(b, DONEPEZIL_10, b.at_age(80), dosage=dose("{capsule}"))  # s18old: the combination capsule's unit
    result = breaks("rx.dose_unit_names_form", [b.record()])
    assert result.events_breaking == 1
    g = RecordBuilder()
    med(g, DONEPEZIL_10, g.at_age(80), dosage=dose("{tablet}"))
    med(g, TIOTROPIUM, g.at_age(80), dosage=dose("{capsule}"))  # an inhalation powder in capsules: not judged
    passes("rx.dose_unit_names_form", [g.record()])


def test_one_off_ends() -> None:
    b = RecordBuilder()
    med(b, ALTEPLASE, b.at_age(70), administered=True)  # never ends
    breaks("rx.one_off_ends", [b.record()])
    g = RecordBuilder()
    start = g.at_age(70)
    med(g, ALTEPLASE, start, stop=start + 3600, administered=True)
    med(g, LISINOPRIL, start)  # a prescription may stay active
    passes("rx.one_off_ends", [g.record()])


def test_duplicate_therapy() -> None:
    b = RecordBuilder()
    med(b, FLOVENT, b.at_age(10))
    med(b, ADVAIR, b.at_age(30))  # both inhaled steroids, both active for decades
    result = breaks("rx.duplicate_therapy", [b.record()])
    assert "inhaled_corticosteroids" in result.examples[0][1][0]
    g = RecordBuilder()
    med(g, FLOVENT, g.at_age(10), stop=g.at_age(30) + 5 * DAY)  # a switch with a few days' overlap
    med(g, ADVAIR, g.at_age(30))
    passes("rx.duplicate_therapy", [g.record()])


def test_one_off_lasts_as_long_as_the_stay() -> None:
    b = RecordBuilder()
    stay = b.encounter(b.at_age(70), hours=7 * 24, cls="inpatient")
    med(
        b,
        ("1659149", "piperacillin 4000 MG / tazobactam 500 MG Injection"),
        stay["start"],
        enc=stay,
        stop=stay["stop"],
        administered=True,
    )
    passes("rx.one_off_ends", [b.record()])
    c = RecordBuilder()
    visit = c.encounter(c.at_age(70), hours=1, cls="emergency")
    med(c, ALTEPLASE, visit["start"], enc=visit, stop=visit["start"] + 10 * DAY, administered=True)
    assert "lasts 10 days" in breaks("rx.one_off_ends", [c.record()]).examples[0][1][0]


def _orders(drugs: list[tuple[str, str]], index: int) -> dict:
    b = RecordBuilder(index)
    for k, drug in enumerate(drugs):
        med(b, drug, b.at_age(40 + k))
    return b.record()


def test_several_strengths() -> None:
    one_strength = [_orders([ATORVASTATIN_80, LISINOPRIL], i) for i in range(25)]
    result = breaks("rx.several_strengths", one_strength)
    assert result.measure == 0 and "2 drug forms ordered" in result.detail
    atorva_20 = ("617310", "atorvastatin 20 MG Oral Tablet")
    mixed = one_strength + [_orders([atorva_20], 100 + i) for i in range(5)]
    assert passes("rx.several_strengths", mixed).measure == 0.5  # atorvastatin in two strengths, lisinopril in one


def test_weight_based_child_doses() -> None:
    fixed = {"amount": 1.0, "frequency": 2, "period": 1.0, "unit": "days"}
    b = RecordBuilder(birth=dt.date(2015, 1, 1))
    med(b, AMOX_SUSPENSION, b.at_age(3), dosage=fixed)
    breaks("rx.weight_based_child_doses", [b.record()])
    g = RecordBuilder(birth=dt.date(2015, 1, 1))
    per_kg = {"amount": 45.0, "dose_unit": "mg/kg", "frequency": 2, "period": 1.0, "unit": "days"}
    med(g, AMOX_SUSPENSION, g.at_age(3), dosage=per_kg)
    med(g, AMOXICILLIN, g.at_age(30), dosage=fixed)  # an adult: a fixed dose is right
    passes("rx.weight_based_child_doses", [g.record()])


NAPROXEN = ("198014", "Naproxen 500 MG Oral Tablet")
ASPIRIN_81 = ("243670", "aspirin 81 MG Oral Tablet")


def test_nsaid_cardiovascular() -> None:
    b = RecordBuilder()
    b.condition("53741008", b.at_age(60))  # coronary arteriosclerosis
    med(b, NAPROXEN, b.at_age(62), stop=b.at_age(62) + 10 * DAY)
    assert "Naproxen" in breaks("rx.nsaid_cardiovascular", [b.record()]).examples[0][1][0]
    h = RecordBuilder()
    h.condition("88805009", h.at_age(55))  # chronic congestive heart failure
    med(h, IBUPROFEN, h.at_age(56), stop=h.at_age(56) + 5 * DAY)
    breaks("rx.nsaid_cardiovascular", [h.record()])
    g = RecordBuilder()
    med(g, NAPROXEN, g.at_age(40), stop=g.at_age(40) + 10 * DAY)  # years before the coronary disease
    g.condition("53741008", g.at_age(60))
    med(g, ACETAMINOPHEN, g.at_age(62), stop=g.at_age(62) + 10 * DAY)  # the substitute
    passes("rx.nsaid_cardiovascular", [g.record()])


def test_nsaid_with_aspirin() -> None:
    b = RecordBuilder()
    med(b, ASPIRIN_81, b.at_age(55))  # daily, never stopped
    med(b, NAPROXEN, b.at_age(60), stop=b.at_age(60) + 10 * DAY)
    breaks("rx.nsaid_with_aspirin", [b.record()])
    g = RecordBuilder()
    med(g, NAPROXEN, g.at_age(50), stop=g.at_age(50) + 10 * DAY)  # before the aspirin
    med(g, ASPIRIN_81, g.at_age(55))
    med(g, ACETAMINOPHEN, g.at_age(60), stop=g.at_age(60) + 10 * DAY)
    passes("rx.nsaid_with_aspirin", [g.record()])


NORINYL = (
    "749882",
    "{7 (inert ingredients 1 MG Oral Tablet) / 21 (mestranol 0.05 MG / norethindrone 1 MG Oral Tablet) } "
    "Pack [Norinyl 1+50 28 Day]",
)
NORETHINDRONE = ("198042", "norethindrone 0.35 MG Oral Tablet")


def test_combined_contraceptive_with_cvd() -> None:
    b = RecordBuilder()
    b.condition("399211009", b.at_age(45), display="History of myocardial infarction (situation)")
    med(b, NORINYL, b.at_age(46.8), stop=b.at_age(47.8))  # a combined pill two years after an MI
    breaks("rx.combined_contraceptive_with_cvd", [b.record()])
    g = RecordBuilder()
    g.condition("399211009", g.at_age(45), display="History of myocardial infarction (situation)")
    med(g, NORETHINDRONE, g.at_age(46.8), stop=g.at_age(47.8))  # progestin-only: acceptable
    h = RecordBuilder(index=1)
    med(h, NORINYL, h.at_age(25), stop=h.at_age(27))  # no vascular disease
    passes("rx.combined_contraceptive_with_cvd", [g.record(), h.record()])


def test_combined_contraceptive_with_hypertension() -> None:
    b = RecordBuilder()
    b.condition("59621000", b.at_age(26), display="Essential hypertension (disorder)")
    med(b, NORINYL, b.at_age(31), stop=b.at_age(34))  # a combined pill in a woman treated for hypertension
    breaks("rx.combined_contraceptive_with_hypertension", [b.record()])
    g = RecordBuilder()
    g.condition("59621000", g.at_age(26), display="Essential hypertension (disorder)")
    med(g, NORETHINDRONE, g.at_age(31), stop=g.at_age(34))  # progestin-only: acceptable
    h = RecordBuilder(index=1)
    h.condition("59621000", h.at_age(40), display="Essential hypertension (disorder)")
    med(h, NORINYL, h.at_age(25), stop=h.at_age(27))  # the pill ended long before the hypertension
    passes("rx.combined_contraceptive_with_hypertension", [g.record(), h.record()])


def test_before_approval_of_a_new_form_of_an_old_drug() -> None:
    odt = ("104894", "ondansetron 4 MG Disintegrating Oral Tablet")
    b = RecordBuilder(birth=dt.date(1960, 1, 1))
    med(b, odt, from_date(dt.date(1997, 7, 14)))  # ondansetron existed (1991), its ODT from March 1999
    result = breaks("rx.before_approval", [b.record()])
    assert result.events_breaking == 1
    g = RecordBuilder(birth=dt.date(1960, 1, 1))
    med(g, odt, from_date(dt.date(2005, 7, 14)))
    med(g, ("1740467", "2 ML ondansetron 2 MG/ML Injection"), from_date(dt.date(1997, 7, 14)))
    passes("rx.before_approval", [g.record()])


def test_young_child_strength_from_6() -> None:
    chewable = ("665078", "loratadine 5 MG Chewable Tablet")
    b = RecordBuilder(birth=dt.date(2008, 4, 21))
    med(b, chewable, b.at_age(3), dosage={"amount": 1, "frequency": 1, "period": 1, "unit": "days"})  # right at 3
    med(b, chewable, b.at_age(16), dosage={"amount": 1, "frequency": 1, "period": 1, "unit": "days"})  # 5 mg at 16
    result = breaks("rx.young_child_strength_from_6", [b.record()])
    assert (result.events, result.events_breaking) == (1, 1)
    g = RecordBuilder(birth=dt.date(2008, 4, 21))
    med(g, chewable, g.at_age(3), dosage={"amount": 1, "frequency": 1, "period": 1, "unit": "days"})
    med(g, chewable, g.at_age(7), dosage={"amount": 2, "frequency": 1, "period": 1, "unit": "days"})  # two = 10 mg
    med(
        g,
        ("311372", "loratadine 10 MG Oral Tablet"),
        g.at_age(8),
        dosage={"amount": 1, "frequency": 1, "period": 1, "unit": "days"},
    )
    passes("rx.young_child_strength_from_6", [g.record()])
