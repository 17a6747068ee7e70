"""One test per prescribing rule, on hand-made patients: the rule fires when it must, and only then."""

from __future__ import annotations

import datetime as dt

from ehrsim.prescribing.pharmacy import STOPPED
from tests.prescribing.codes import (
    ACETAMINOPHEN,
    ACETAMINOPHEN_CHEW,
    ADULT,
    AMOXICILLIN_SUSP,
    AMOXICILLIN_TAB,
    APAP_CODEINE,
    ASPIRIN_81,
    AZITHROMYCIN_TAB,
    AZTREONAM,
    BUDESONIDE_DPI,
    CEPHALEXIN_CAP,
    CEPHALEXIN_SUSP,
    ENTRESTO,
    EPI_ADULT,
    EPI_AMPOULE,
    EPI_JUNIOR,
    FLUTICASONE,
    GLARGINE,
    IBUPROFEN,
    IBUPROFEN_400,
    LABETALOL,
    LISINOPRIL,
    METFORMIN_ER,
    METHADONE,
    NITROFURANTOIN,
    ONDANSETRON_ODT,
    PIP_TAZO,
    SMX_TMP_DS,
    SUBOXONE,
    TERFENADINE,
    penicillin_allergy,
)
from tests.prescribing.helpers import Order, Run, at, code_of, onset, order, patient


def test_no_problem_means_the_order_is_written_unchanged() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2015, 3, 1))
    entry = order(sim, AMOXICILLIN_TAB, days=10)
    assert code_of(entry) == AMOXICILLIN_TAB
    assert "prescribing" not in entry and "ordered" not in entry
    assert entry["dosage"]["dose_unit"] == "{tablet}"
    assert sim.rx.events == []


def test_penicillin_allergy_gets_a_cephalosporin_with_caution_after_a_mild_reaction() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2015, 3, 1))
    penicillin_allergy(sim, "mild")
    entry = order(sim, AMOXICILLIN_TAB, days=10)
    assert code_of(entry) == CEPHALEXIN_CAP
    assert entry["prescribing"]["rule"] == "allergy_penicillin"
    assert entry["ordered"]["code"] == AMOXICILLIN_TAB
    assert [e["action"] for e in sim.rx.events] == ["substituted", "caution"]


def test_penicillin_allergy_gets_a_macrolide_after_a_severe_reaction() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2015, 3, 1))
    penicillin_allergy(sim, "severe")
    assert code_of(order(sim, AMOXICILLIN_TAB, days=10)) == AZITHROMYCIN_TAB


def test_penicillin_allergy_parenteral_order_gets_a_parenteral_alternative() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2015, 3, 1))
    penicillin_allergy(sim, "severe")
    assert code_of(order(sim, PIP_TAZO, administered=True)) == AZTREONAM


def test_synthea_rxnorm_allergy_codes_count_too() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2015, 3, 1))
    onset(sim, "allergies", "7984", system="RxNorm", type="allergy", category="medication", reactions=[])
    assert code_of(order(sim, AMOXICILLIN_TAB, days=10)) != AMOXICILLIN_TAB


def test_sulfonamide_allergy_avoids_trimethoprim_sulfamethoxazole() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2015, 3, 1))
    onset(sim, "allergies", "91939003", type="allergy", category="medication", reactions=[])
    entry = order(sim, SMX_TMP_DS, days=3)
    assert code_of(entry) == NITROFURANTOIN
    assert entry["prescribing"]["rule"] == "allergy_sulfonamide_antibiotic"


def test_nsaid_in_ckd_stage_3_becomes_acetaminophen() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2015, 3, 1))
    assert code_of(order(sim, IBUPROFEN, days=5)) == IBUPROFEN_400  # the adult start dose (strengths)
    at(sim, dt.date(2015, 4, 1))  # that course over (else the acetaminophen it was switched to covers the new order)
    onset(sim, "conditions", "433144002")
    entry = order(sim, IBUPROFEN, days=5)
    assert code_of(entry) == ACETAMINOPHEN
    assert entry["prescribing"]["rule"] == "nsaid_ckd"


def test_ckd_onset_stops_an_ongoing_nsaid_and_switches_it() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2015, 3, 1))
    run = Run()
    state = Order(name="Chronic_Pain_Med", assign_to_attribute="pain_med")
    first = order(sim, IBUPROFEN, chronic=True, run=run, state=state)
    at(sim, dt.date(2016, 3, 1))
    onset(sim, "conditions", "46177005")  # end-stage renal disease
    assert first["stop"] == sim.now and first["stop_reason"] == STOPPED
    switched = sim.attributes["pain_med"]
    assert code_of(switched) == ACETAMINOPHEN and switched["stop"] is None
    assert sim.active["medications"][ACETAMINOPHEN] is switched


def test_metformin_below_egfr_30_is_replaced_by_insulin() -> None:
    sim = patient(ADULT, ckd=4)
    at(sim, dt.date(2015, 3, 1))
    entry = order(sim, METFORMIN_ER, chronic=True)
    assert code_of(entry) == GLARGINE
    assert entry["prescribing"]["rule"] == "metformin_egfr_30"
    other = patient(ADULT, ckd=3)
    at(other, dt.date(2015, 3, 1))
    assert code_of(order(other, METFORMIN_ER, chronic=True)) == METFORMIN_ER


def test_ace_inhibitor_in_pregnancy_becomes_labetalol() -> None:
    sim = patient(ADULT, pregnant=True)
    at(sim, dt.date(2015, 3, 1))
    entry = order(sim, LISINOPRIL, chronic=True)
    assert code_of(entry) == LABETALOL
    assert entry["prescribing"]["rule"] == "raas_pregnancy_acei"


def test_sacubitril_valsartan_stops_the_ace_inhibitor() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2018, 3, 1))
    acei = order(sim, LISINOPRIL, chronic=True)
    at(sim, dt.date(2019, 3, 1))
    arni = order(sim, ENTRESTO, chronic=True)
    assert code_of(arni) == ENTRESTO
    assert acei["stop"] == sim.now
    assert arni["start"] == sim.now + 36 * 3600  # the washout
    assert LISINOPRIL not in sim.active["medications"]
    assert any(e["action"] == "stopped" and e["rule"] == "interaction_arni_ace_inhibitor" for e in sim.rx.events)


def test_ace_inhibitor_is_withheld_while_on_sacubitril_valsartan() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2018, 3, 1))
    order(sim, ENTRESTO, chronic=True)
    run = Run()
    held = order(sim, LISINOPRIL, chronic=True, run=run)
    assert held["prescribing"]["action"] == "withheld"
    assert run.created["Prescribe"] is held  # MedicationEnd by state name still finds it
    assert all(code_of(m) != LISINOPRIL for m in sim.rec.lists["medications"])
    assert LISINOPRIL not in sim.active["medications"]


def test_duplicate_inhaled_steroid_replaces_the_older_one() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2010, 3, 1))
    old = order(sim, FLUTICASONE, chronic=True)
    at(sim, dt.date(2012, 3, 1))
    new = order(sim, BUDESONIDE_DPI, chronic=True)
    assert old["stop"] == sim.now and new["stop"] is None
    assert [e["rule"] for e in sim.rx.events] == ["duplicate_therapy"]


def test_the_same_drug_ordered_again_replaces_the_running_order() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2010, 3, 1))
    first = order(sim, LISINOPRIL, chronic=True)
    at(sim, dt.date(2011, 3, 1))
    order(sim, LISINOPRIL, chronic=True)
    assert first["stop"] == sim.now


def test_before_us_approval_the_era_alternative_is_ordered() -> None:
    sim = patient(dt.date(1950, 1, 1))
    at(sim, dt.date(1985, 6, 1))
    entry = order(sim, SUBOXONE, chronic=True)
    assert code_of(entry) == METHADONE
    assert entry["prescribing"]["rule"] == "us_approval"
    at(sim, dt.date(2005, 6, 1))
    assert code_of(order(sim, SUBOXONE, chronic=True)) == SUBOXONE


def test_auto_injector_before_1987_is_an_ampoule_drawn_up_by_weight() -> None:
    sim = patient(dt.date(1950, 1, 1))
    at(sim, dt.date(1979, 6, 1))  # home epinephrine kits from 1978 (alternatives.csv from_year)
    adult = order(sim, EPI_ADULT, chronic=True)
    assert code_of(adult) == EPI_AMPOULE
    assert adult["dosage"]["amount"] == 0.3  # 0.3 mg of 1 mg/mL, the EpiPen dose; not the device's "1" (1 mL)
    child = patient(dt.date(1976, 1, 1))
    at(child, dt.date(1979, 1, 1))  # 3 years old, about 14 kg
    young = order(child, EPI_ADULT, chronic=True)
    assert code_of(young) == EPI_AMPOULE
    weight = young["dosage"]["weight_kg"]
    assert 0.05 <= young["dosage"]["amount"] <= 0.2 and abs(young["dosage"]["amount"] - 0.01 * weight) <= 0.025
    other = patient(dt.date(1950, 1, 1))
    at(other, dt.date(1973, 6, 1))
    ordered_as_ampoule = order(other, EPI_AMPOULE, amount=1.0)  # ordered as such (e.g. a resuscitation): untouched
    assert ordered_as_ampoule["dosage"]["amount"] == 1.0


def test_without_an_era_alternative_the_order_is_withheld_with_its_reason() -> None:
    sim = patient(dt.date(1975, 1, 1))  # a child: no era antiemetic (adults get prochlorperazine)
    at(sim, dt.date(1980, 6, 1))
    held = order(sim, ONDANSETRON_ODT, days=2)
    assert held["prescribing"] == {"action": "withheld", "rule": "us_approval", "reason": held["prescribing"]["reason"]}
    assert "ondansetron" in held["prescribing"]["reason"]
    assert sim.rec.lists["medications"] == []


def test_a_withdrawn_drug_is_replaced() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2005, 6, 1))
    assert code_of(order(sim, TERFENADINE, days=30)) != TERFENADINE
    at(sim, dt.date(1990, 6, 1))
    assert code_of(order(sim, TERFENADINE, days=30)) == TERFENADINE


def test_child_under_25_kg_gets_the_0_15_mg_auto_injector() -> None:
    sim = patient(dt.date(2010, 1, 1))
    at(sim, dt.date(2010, 9, 1))  # 8 months
    entry = order(sim, EPI_ADULT, chronic=True)
    assert code_of(entry) == EPI_JUNIOR
    assert entry["prescribing"]["rule"] == "epinephrine_auto_injector_weight"
    adult = patient(ADULT)
    at(adult, dt.date(2010, 9, 1))
    assert code_of(order(adult, EPI_ADULT, chronic=True)) == EPI_ADULT


def test_under_six_gets_a_liquid_dosed_by_weight() -> None:
    sim = patient(dt.date(2012, 1, 1))
    at(sim, dt.date(2015, 6, 1))  # 3.4 years
    entry = order(sim, AMOXICILLIN_TAB, days=10)
    assert code_of(entry) == AMOXICILLIN_SUSP
    dose = entry["dosage"]
    weight = sim.vitals["Weight"]
    assert 10 < weight < 25
    assert dose["dose_unit"] == "mg" and dose["mg_per_kg"] == 45.0
    assert dose["amount"] == round(45.0 * weight, 1)
    assert dose["volume_ml"] == round(dose["amount"] / 80.0, 1)
    assert dose["frequency"] == 2 and dose["unit"] == "days"


def test_allergic_toddler_gets_the_alternative_as_a_liquid() -> None:
    sim = patient(dt.date(2012, 1, 1))
    at(sim, dt.date(2015, 6, 1))
    penicillin_allergy(sim, "mild")
    entry = order(sim, AMOXICILLIN_TAB, days=10)
    assert code_of(entry) == CEPHALEXIN_SUSP
    assert entry["dosage"]["dose_unit"] == "mg"


def test_no_aspirin_or_codeine_for_children() -> None:
    sim = patient(dt.date(2005, 1, 1))
    at(sim, dt.date(2015, 6, 1))  # 10 years
    assert code_of(order(sim, ASPIRIN_81, days=3)) == ACETAMINOPHEN_CHEW
    assert code_of(order(sim, APAP_CODEINE, days=3)) == ACETAMINOPHEN_CHEW
    adult = patient(ADULT)
    at(adult, dt.date(2015, 6, 1))
    assert code_of(order(adult, ASPIRIN_81, chronic=True)) == ASPIRIN_81
