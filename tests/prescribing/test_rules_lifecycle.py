"""The prescribing layer's rules over a course's life: one-off administrations, endings, switches, eras, forms."""

from __future__ import annotations

import datetime as dt

from tests.prescribing.codes import (
    ACETAMINOPHEN,
    ACETAMINOPHEN_CHEW,
    ADULT,
    ALBUTEROL_NEB,
    AMOXICILLIN_TAB,
    ASPIRIN_81,
    ENTRESTO,
    FLUTICASONE,
    GLARGINE,
    IBUPROFEN,
    LISINOPRIL,
    METFORMIN_ER,
    METHADONE,
    SUBOXONE,
    penicillin_allergy,
)
from tests.prescribing.helpers import Order, Run, at, code_of, onset, order, patient


def test_one_off_administration_ends_with_its_encounter_and_is_never_active() -> None:
    sim = patient(ADULT)
    t = at(sim, dt.date(2015, 6, 1))
    run = Run(encounter={"id": "enc", "start": t, "stop": t + 3600.0})
    entry = order(sim, ALBUTEROL_NEB, administered=True, run=run)
    assert entry["stop"] == t + 3600.0
    assert ALBUTEROL_NEB not in sim.active["medications"]


def test_ongoing_orders_end_with_their_reason_but_courses_keep_their_stop() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2015, 6, 1))
    asthma = onset(sim, "conditions", "195967001")
    reason = [dict(asthma["codes"][0])]
    inhaler = order(sim, FLUTICASONE, chronic=True, reason=reason)
    course = order(sim, AMOXICILLIN_TAB, days=10, reason=reason)
    planned = course["stop"]
    t = at(sim, dt.date(2015, 6, 3))
    sim.deactivate("conditions", asthma, t, None)
    assert inhaler["stop"] == t and inhaler["prescribing"]["stop_rule"] == "reason_ended"
    assert course["stop"] == planned


def test_ending_by_the_ordered_code_ends_the_substitute() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2015, 3, 1))
    penicillin_allergy(sim, "severe")
    given = order(sim, AMOXICILLIN_TAB, chronic=True)
    assert sim.rec.active_by_codes("medications", [AMOXICILLIN_TAB]) == [given]
    sim.deactivate("medications", given, sim.now, None)
    assert AMOXICILLIN_TAB not in sim.active["medications"]
    assert code_of(given) not in sim.active["medications"]


def test_unknown_codes_pass_through() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2015, 3, 1))
    entry = order(sim, "999999999", chronic=True)
    assert code_of(entry) == "999999999" and "prescribing" not in entry


def test_two_ingredient_tablets_have_a_liquid_too() -> None:
    sim = patient(dt.date(2012, 1, 1))
    at(sim, dt.date(2015, 6, 1))
    entry = order(sim, "198334", days=3)  # sulfamethoxazole 400 MG / trimethoprim 80 MG Oral Tablet
    assert code_of(entry) == "313134"
    assert entry["dosage"]["mg_of"] == "sulfamethoxazole" and entry["dosage"]["dose_unit"] == "mg"


def test_an_order_written_the_instant_a_contraindication_starts_is_withdrawn_not_stopped() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2015, 3, 1))
    given = order(sim, IBUPROFEN, chronic=True, state=Order(assign_to_attribute="pain_med"))
    onset(sim, "conditions", "433144002")
    assert given not in sim.rec.lists["medications"]
    (switched,) = sim.rec.lists["medications"]
    assert code_of(switched) == ACETAMINOPHEN and sim.attributes["pain_med"] is switched
    assert [e["action"] for e in sim.rx.events] == ["strength", "withheld", "substituted"]


def test_a_switch_to_a_drug_already_taken_does_not_duplicate_it() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2015, 3, 1))
    order(sim, ACETAMINOPHEN, chronic=True)
    nsaid = order(sim, IBUPROFEN, chronic=True)
    at(sim, dt.date(2016, 3, 1))
    onset(sim, "conditions", "433144002")
    assert nsaid["stop"] == sim.now
    assert sum(code_of(m) == ACETAMINOPHEN for m in sim.rec.lists["medications"]) == 1


def egfr(sim, value: float) -> None:
    fields = {
        "time": sim.now,
        "category": "laboratory",
        "codes": [{"system": "LOINC", "code": "33914-3", "display": "eGFR"}],
        "value": value,
        "value_type": "numeric",
        "unit": "mL/min/{1.73_m2}",
        "components": [],
        "report": None,
    }
    sim.write("observations", fields, None)


def test_an_egfr_below_30_stops_metformin_without_a_ckd_diagnosis() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2015, 3, 1))
    met = order(sim, METFORMIN_ER, chronic=True)
    at(sim, dt.date(2015, 9, 1))
    egfr(sim, 40.0)
    assert met["stop"] is None  # stage 3: metformin may continue
    at(sim, dt.date(2015, 9, 15))  # a later sample (one instant holds one result of a test)
    egfr(sim, 25.0)
    assert met["stop"] == sim.now
    assert code_of(sim.active["medications"][GLARGINE]) == GLARGINE
    at(sim, dt.date(2015, 10, 1))
    assert code_of(order(sim, METFORMIN_ER, chronic=True)) == GLARGINE


def test_approval_years_are_year_precise_so_the_approval_year_itself_is_too_early() -> None:
    sim = patient(dt.date(1950, 1, 1))
    at(sim, dt.date(2002, 12, 31))
    assert code_of(order(sim, SUBOXONE, chronic=True)) == METHADONE
    at(sim, dt.date(2003, 1, 1))
    assert code_of(order(sim, SUBOXONE, chronic=True)) == SUBOXONE


def test_low_dose_aspirin_stays_in_ckd_but_two_nsaids_do_not_run_together() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2015, 3, 1))
    onset(sim, "conditions", "433144002")
    assert code_of(order(sim, ASPIRIN_81, chronic=True)) == ASPIRIN_81
    other = patient(ADULT)
    at(other, dt.date(2015, 3, 1))
    first = order(other, "849574", chronic=True)  # naproxen sodium 220 MG
    order(other, IBUPROFEN, chronic=True)
    assert first["stop"] == other.now


def test_an_administration_with_a_duration_still_ends_with_its_encounter() -> None:
    sim = patient(ADULT)
    t = at(sim, dt.date(2015, 6, 1))
    run = Run(encounter={"id": "enc", "start": t, "stop": t + 3600.0})
    entry = order(sim, "854252", administered=True, days=3, run=run)  # enoxaparin 150 MG/ML syringe
    assert entry["stop"] == t + 3600.0


def test_sacubitril_valsartan_waits_36_hours_after_a_module_stopped_the_ace_inhibitor() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2018, 3, 1))
    acei = order(sim, LISINOPRIL, chronic=True)
    t = at(sim, dt.date(2019, 3, 1))
    sim.deactivate("medications", acei, t - 3600.0, None)  # the module ended it an hour ago
    arni = order(sim, ENTRESTO, chronic=True)
    assert arni["start"] == t - 3600.0 + 36 * 3600


def test_a_school_age_child_gets_tablets_dosed_by_weight() -> None:
    sim = patient(dt.date(2005, 1, 1))
    at(sim, dt.date(2013, 6, 1))  # 8.4 years
    entry = order(sim, ACETAMINOPHEN_CHEW, days=3)
    dose = entry["dosage"]
    weight = sim.vitals["Weight"]
    # whole chewable tablets (a dose between tablets cannot be given), 10-15 mg/kg (AAP)
    assert dose["dose_unit"] == "mg" and dose["units_per_dose"] == int(min(15.0 * weight, 1000.0) // 160)
    assert dose["amount"] == 160.0 * dose["units_per_dose"] and 10.0 * weight <= dose["amount"] <= 15.0 * weight
