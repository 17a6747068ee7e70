"""Strengths chosen by indication, age and weight (aspirin at an acute MI, amitriptyline titration,
children's doxycycline and fexofenadine, furosemide in the elderly): terminology/prescribing/dosing.csv
and dose_limits.csv."""

from __future__ import annotations

import datetime as dt

from tests.prescribing.helpers import at, code_of, onset, order, patient

ASPIRIN = {81: "243670", 325: "212033"}
AMITRIPTYLINE = {10: "856783", 25: "856834", 50: "856845", 75: "856853", 100: "856762"}
DOXYCYCLINE = {50: "1652673", 100: "1650142"}
FEXOFENADINE = {30: "997488", 60: "997501"}
CETIRIZINE = {5: "1014676", 10: "1014678"}
FUROSEMIDE = {20: "310429", 40: "313988"}
NSTEMI = [{"system": "SNOMED-CT", "code": "401314000", "display": "Acute non-ST segment elevation MI"}]
CAD = [{"system": "SNOMED-CT", "code": "53741008", "display": "Coronary arteriosclerosis (disorder)"}]
ADULT = dt.date(1970, 1, 1)


def _weigh(sim, kg: float) -> None:  # type: ignore[no-untyped-def]
    sim.rec.add("observations", {"time": sim.now, "codes": [{"code": "29463-7"}], "value": kg}, None)


def test_aspirin_at_an_acute_mi_is_a_325_mg_loading_dose_and_the_maintenance_stays_81_mg() -> None:
    sim = patient(ADULT, gender="M")
    at(sim, dt.date(2015, 3, 1))
    loading = order(sim, ASPIRIN[81], administered=True, reason=NSTEMI)
    assert code_of(loading) == ASPIRIN[325]
    assert "acute_mi" in loading["prescribing"]["strength"]
    other = patient(ADULT, gender="M")
    at(other, dt.date(2015, 3, 1))
    assert code_of(order(other, ASPIRIN[81], chronic=True, reason=NSTEMI)) == ASPIRIN[81]  # a daily order: 81 mg
    assert code_of(order(other, ASPIRIN[81], administered=True, reason=CAD)) == ASPIRIN[81]  # not an acute MI


def test_amitriptyline_starts_at_50_mg_at_bedtime_and_steps_to_the_usual_dose() -> None:
    sim = patient(dt.date(1940, 1, 1))
    at(sim, dt.date(1980, 3, 1))
    entry = order(sim, AMITRIPTYLINE[25], chronic=True)
    assert code_of(entry) == AMITRIPTYLINE[50]
    seen = []
    for year in (1981, 1982, 1983):
        at(sim, dt.date(year, 3, 1))
        entry = sim.renew("medications", entry, sim.now, None)
        seen.append(code_of(entry))
    assert seen == [AMITRIPTYLINE[75], AMITRIPTYLINE[100], AMITRIPTYLINE[100]]
    old = patient(dt.date(1910, 1, 1))
    at(old, dt.date(1980, 3, 1))
    entry = order(old, AMITRIPTYLINE[25], chronic=True)
    assert code_of(entry) == AMITRIPTYLINE[10]  # elderly: lower doses, at most 50 mg a day
    for year in (1981, 1982, 1983):
        at(old, dt.date(year, 3, 1))
        entry = old.renew("medications", entry, old.now, None)
    assert code_of(entry) == AMITRIPTYLINE[50]


def test_a_light_childs_doxycycline_is_by_weight_and_an_adult_gets_100_mg() -> None:
    child = patient(dt.date(2002, 1, 1))
    at(child, dt.date(2015, 3, 1))  # 13 years old (under 12 the dose is by weight: paediatric.csv)
    _weigh(child, 35.0)
    assert code_of(order(child, DOXYCYCLINE[100], days=10)) == DOXYCYCLINE[50]  # 2.2 mg/kg = 77 mg
    teen = patient(dt.date(1998, 1, 1))
    at(teen, dt.date(2015, 3, 1))
    _weigh(teen, 60.0)
    assert code_of(order(teen, DOXYCYCLINE[100], days=10)) == DOXYCYCLINE[100]
    adult = patient(ADULT)
    at(adult, dt.date(2015, 3, 1))
    assert code_of(order(adult, DOXYCYCLINE[50], days=10)) == DOXYCYCLINE[100]


def test_fexofenadine_is_30_mg_for_children_6_to_11() -> None:
    child = patient(dt.date(2007, 1, 1))
    at(child, dt.date(2015, 3, 1))
    assert code_of(order(child, FEXOFENADINE[60], chronic=True)) == FEXOFENADINE[30]
    adult = patient(ADULT)
    at(adult, dt.date(2015, 3, 1))
    assert code_of(order(adult, FEXOFENADINE[60], chronic=True)) == FEXOFENADINE[60]


def test_cetirizine_is_5_mg_for_children_6_to_11_and_10_mg_for_adults() -> None:
    child = patient(dt.date(2007, 1, 1))
    at(child, dt.date(2015, 3, 1))
    assert code_of(order(child, CETIRIZINE[10], chronic=True)) == CETIRIZINE[5]
    adult = patient(ADULT)
    at(adult, dt.date(2015, 3, 1))
    assert code_of(order(adult, CETIRIZINE[10], chronic=True)) == CETIRIZINE[10]


def test_furosemide_starts_low_in_the_elderly() -> None:
    old = patient(dt.date(1935, 1, 1))
    at(old, dt.date(2015, 3, 1))
    assert code_of(order(old, FUROSEMIDE[40], chronic=True)) == FUROSEMIDE[20]
    adult = patient(ADULT)
    at(adult, dt.date(2015, 3, 1))
    assert code_of(order(adult, FUROSEMIDE[40], chronic=True)) == FUROSEMIDE[20]  # label start for oedema


def test_children_under_6_get_the_liquid_of_each_listed_drug_dosed_by_weight() -> None:
    liquids = {
        "309097": "309096",  # cefuroxime 250 mg tablet -> 25 mg/mL suspension
        DOXYCYCLINE[50]: "1650030",  # doxycycline -> 5 mg/mL suspension
        "312617": "283077",  # prednisone 5 mg -> prednisolone 3 mg/mL solution
        "1049630": "1049906",  # diphenhydramine 25 mg -> 2.5 mg/mL solution
        "197591": "309843",  # diazepam 5 mg -> 1 mg/mL solution
    }
    for solid, liquid in liquids.items():
        child = patient(dt.date(2012, 1, 1))
        at(child, dt.date(2016, 3, 1))  # 4 years old
        _weigh(child, 16.0)
        entry = order(child, solid, days=5)
        assert code_of(entry) == liquid, solid
        dosage = entry["dosage"]
        assert dosage["dose_unit"] == "mg" and dosage["weight_kg"] == 16.0 and dosage["volume_ml"] > 0
        assert dosage["amount"] <= dosage["mg_per_kg"] * 16.0 + 1e-9
    older = patient(dt.date(2005, 1, 1))
    at(older, dt.date(2016, 3, 1))  # 11 years old: a tablet
    assert code_of(order(older, "309097", days=5)) == "309097"


def test_cefuroxime_suspension_is_not_given_before_its_1995_approval() -> None:
    child = patient(dt.date(1988, 1, 1))
    at(child, dt.date(1992, 3, 1))
    assert code_of(order(child, "309097", days=5)) != "309096"  # no cefuroxime suspension yet


def test_regular_insulin_is_dosed_in_units_by_weight() -> None:
    sim = patient(dt.date(1930, 1, 1))
    at(sim, dt.date(1985, 3, 1))
    _weigh(sim, 80.0)
    entry = order(sim, "311034", chronic=True)  # regular human insulin (the era's insulin)
    dosage = entry["dosage"]
    assert dosage["dose_unit"] == "[iU]" and dosage["units_per_kg"] == 0.1 and dosage["amount"] == 8.0


def test_combined_pill_is_switched_to_a_progestin_only_pill_with_coronary_disease() -> None:
    combined, progestin_only = "238019", "198042"
    sim = patient(dt.date(1975, 1, 1))
    at(sim, dt.date(2015, 3, 1))
    pill = order(sim, combined, chronic=True)
    assert code_of(pill) == combined
    at(sim, dt.date(2015, 6, 1))
    onset(sim, "conditions", "53741008")  # coronary arteriosclerosis: the running combined pill stops
    assert pill["stop"] == sim.now
    assert code_of(sim.active["medications"][combined]) == progestin_only
    at(sim, dt.date(2016, 3, 1))
    assert code_of(order(sim, combined, chronic=True)) == progestin_only  # a new order too


def test_before_the_cefuroxime_suspension_a_young_child_gets_the_eras_cephalosporin_liquid() -> None:
    child = patient(dt.date(1988, 1, 1))
    at(child, dt.date(1992, 3, 1))  # 4 years old; cefuroxime axetil suspension only from 1995
    _weigh(child, 16.0)
    entry = order(child, "309097", days=10)
    assert code_of(entry) == "309044"  # cefaclor 25 mg/mL suspension, dosed by weight
    assert entry["dosage"]["mg_per_kg"] == 10 and entry["dosage"]["volume_ml"] > 0
    older = patient(dt.date(1970, 1, 1))
    at(older, dt.date(1980, 3, 1))  # 10 years old: no liquid needed, the tablet as ordered (era rules aside)
    assert code_of(order(older, "309097", days=10)) != "309044"


def test_combined_pill_is_switched_to_a_progestin_only_pill_with_hypertension() -> None:
    combined, progestin_only = "238019", "198042"
    sim = patient(dt.date(1979, 1, 1))
    at(sim, dt.date(2009, 3, 1))
    pill = order(sim, combined, chronic=True)
    assert code_of(pill) == combined
    at(sim, dt.date(2009, 6, 1))
    onset(sim, "conditions", "59621000")  # essential hypertension (US MEC 2024 category 3)
    assert pill["stop"] == sim.now
    assert code_of(sim.active["medications"][combined]) == progestin_only
    at(sim, dt.date(2010, 9, 15))
    assert code_of(order(sim, combined, chronic=True)) == progestin_only
