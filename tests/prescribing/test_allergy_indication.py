"""After a drug allergy the replacement antibiotic fits the infection (alternatives.csv allergy:GROUP|INDICATION):
the s14review chart review found nitrofurantoin for cellulitis after a sulfonamide allergy, aztreonam and
azithromycin for cellulitis and azithromycin for cystitis after a cephalosporin allergy, and cephalexin for
sinusitis and otitis media after a penicillin allergy (IDSA 2010/2012/2014, AAP 2013)."""

from __future__ import annotations

import datetime as dt

from tests.prescribing.helpers import at, code_of, onset, order, patient

SMX_TMP = "198335"
CEPHALEXIN = "309114"
CEPHALEXIN_LIQUID = "309113"
AMOX_CLAV = "562508"
AMOX_LIQUID = "308189"
CEFTRIAXONE = "1665021"
DOXYCYCLINE = "1650142"
CLINDAMYCIN = "284215"
NITROFURANTOIN = "1648755"
CEFUROXIME_LIQUID = "309096"
VANCOMYCIN = "1807513"
ADULT = dt.date(1970, 1, 1)
CELLULITIS = [{"system": "SNOMED-CT", "code": "128045006", "display": "Cellulitis (disorder)"}]
CYSTITIS = [{"system": "SNOMED-CT", "code": "307426000", "display": "Acute infective cystitis (disorder)"}]
SINUSITIS = [{"system": "SNOMED-CT", "code": "75498004", "display": "Acute bacterial sinusitis (disorder)"}]
OTITIS = [{"system": "SNOMED-CT", "code": "65363002", "display": "Otitis media (disorder)"}]


def allergy(sim, code: str, severity: str = "mild") -> None:
    reaction = {"code": {"system": "SNOMED-CT", "code": "247472004", "display": "Hives"}, "severity": severity}
    onset(sim, "allergies", code, type="allergy", category="medication", reactions=[reaction])


def cephalosporin_allergy(sim) -> None:
    onset(sim, "allergies", "2231", system="RxNorm", type="allergy", category="medication", reactions=[])


def test_cellulitis_after_a_sulfonamide_allergy_gets_doxycycline_not_nitrofurantoin() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2026, 2, 2))
    allergy(sim, "91939003")
    entry = order(sim, SMX_TMP, days=7, reason=CELLULITIS)
    assert code_of(entry) == DOXYCYCLINE
    assert entry["prescribing"]["rule"] == "allergy_sulfonamide_antibiotic"


def test_cystitis_after_a_sulfonamide_allergy_still_gets_nitrofurantoin() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2026, 2, 2))
    allergy(sim, "91939003")
    assert code_of(order(sim, SMX_TMP, days=3, reason=CYSTITIS)) == NITROFURANTOIN


def test_cellulitis_after_a_cephalosporin_allergy_gets_clindamycin_or_vancomycin() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2020, 5, 1))
    cephalosporin_allergy(sim)
    assert code_of(order(sim, CEPHALEXIN, days=7, reason=CELLULITIS)) == CLINDAMYCIN
    assert code_of(order(sim, CEFTRIAXONE, days=1, reason=CELLULITIS, administered=True)) == VANCOMYCIN


def test_cystitis_after_a_cephalosporin_allergy_gets_a_urinary_antibiotic() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2020, 5, 1))
    cephalosporin_allergy(sim)
    assert code_of(order(sim, CEPHALEXIN, days=5, reason=CYSTITIS)) == NITROFURANTOIN


def test_sinusitis_after_a_penicillin_allergy_gets_doxycycline() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2018, 6, 25))
    allergy(sim, "91936005")
    assert code_of(order(sim, AMOX_CLAV, days=7, reason=SINUSITIS)) == DOXYCYCLINE


def test_otitis_after_a_penicillin_allergy_gets_cefuroxime_in_a_child() -> None:
    sim = patient(dt.date(2016, 3, 1))
    at(sim, dt.date(2019, 4, 1))
    allergy(sim, "91936005")
    entry = order(sim, AMOX_LIQUID, days=10, reason=OTITIS)
    assert code_of(entry) == CEFUROXIME_LIQUID
    assert entry["dosage"]["mg_per_kg"] == 15  # FDA label Ceftin: 30 mg/kg/day in 2 doses


def test_without_an_indication_the_general_alternative_stands() -> None:
    sim = patient(dt.date(2016, 3, 1))
    at(sim, dt.date(2019, 4, 1))
    allergy(sim, "91936005")
    assert code_of(order(sim, AMOX_LIQUID, days=10)) == CEPHALEXIN_LIQUID


ERYTHROMYCIN = "598006"


def test_cellulitis_after_a_penicillin_allergy_gets_erythromycin_before_clindamycin_existed() -> None:
    sim = patient(
        dt.date(1925, 1, 1)
    )  # the s17review chart review: penicillin-allergic cellulitis untreated in the 1960s
    at(sim, dt.date(1962, 7, 1))
    allergy(sim, "91936005")
    entry = order(sim, CLINDAMYCIN, days=10, reason=CELLULITIS)  # the cellulitis module's penicillin-allergy order
    assert code_of(entry) == ERYTHROMYCIN  # 1952: clindamycin came in 1970 (the order was withheld, none given)
    at(sim, dt.date(1975, 7, 1))
    assert code_of(order(sim, CLINDAMYCIN, days=10, reason=CELLULITIS)) == CLINDAMYCIN


def test_a_penicillin_allergic_child_with_cellulitis_before_1970_gets_erythromycin_suspension() -> None:
    sim = patient(dt.date(1961, 11, 12))  # s18era: a 7.9-year-old's clindamycin withheld in 1969, nothing given
    at(sim, dt.date(1969, 10, 6))
    allergy(sim, "91936005")
    assert code_of(order(sim, CLINDAMYCIN, days=10, reason=CELLULITIS)) == "686400"
