"""A module's unit count does not survive a drug or strength change that would exceed the maximum dose."""

from __future__ import annotations

import datetime as dt

from tests.prescribing.helpers import at, code_of, order, patient

DULOXETINE_20 = "596926"
FLUOXETINE_20 = "310385"
LISINOPRIL_10 = "314076"


def test_a_substituted_drug_is_one_unit_of_its_strength() -> None:
    sim = patient(dt.date(1950, 1, 1))
    at(sim, dt.date(1998, 3, 1))  # duloxetine (2004) -> fluoxetine
    entry = order(sim, DULOXETINE_20, chronic=True, amount=3.0)
    assert code_of(entry) == FLUOXETINE_20
    assert entry["dosage"]["amount"] == 1.0


def test_a_unit_count_above_the_ladder_maximum_is_one_unit() -> None:
    sim = patient(dt.date(1950, 1, 1))
    at(sim, dt.date(2010, 3, 1))
    entry = order(sim, FLUOXETINE_20, chronic=True, amount=3.0)  # 60 mg > 40 mg ladder maximum
    assert entry["dosage"]["amount"] == 1.0


def test_a_unit_count_within_the_maximum_is_kept() -> None:
    sim = patient(dt.date(1950, 1, 1))
    at(sim, dt.date(2010, 3, 1))
    entry = order(sim, LISINOPRIL_10, chronic=True, amount=2.0)  # 2 x 10 mg = 20 mg <= 40 mg
    assert code_of(entry) == LISINOPRIL_10 and entry["dosage"]["amount"] == 2.0


def test_an_epinephrine_auto_injector_dose_is_its_0_3_ml() -> None:
    sim = patient(dt.date(1980, 1, 1))
    at(sim, dt.date(2015, 3, 1))
    entry = order(sim, "1870230", chronic=True)
    assert entry["dosage"]["amount"] == 0.3 and entry["dosage"]["dose_unit"] == "mL"


def test_sacubitril_valsartan_starts_at_49_51_mg() -> None:
    sim = patient(dt.date(1950, 1, 1))
    at(sim, dt.date(2018, 3, 1))
    entry = order(sim, "1656354", chronic=True)  # 97/103 mg ordered at diagnosis
    assert code_of(entry) == "1656351"
    assert entry["prescribing"]["strength"]


def test_amoxicillin_for_strep_throat_is_25_mg_per_kg_twice_daily_up_to_500_mg() -> None:
    strep = [{"system": "SNOMED-CT", "code": "43878008", "display": "Streptococcal sore throat (disorder)"}]
    otitis = [{"system": "SNOMED-CT", "code": "65363002", "display": "Otitis media (disorder)"}]
    sim = patient(dt.date(2010, 1, 1))
    at(sim, dt.date(2018, 3, 1))
    sim.rec.add("observations", {"time": sim.now, "codes": [{"code": "29463-7"}], "value": 26.0}, None)
    for_strep = order(sim, "308189", days=10, reason=strep)
    assert for_strep["dosage"]["amount"] == 500.0 and for_strep["dosage"]["mg_per_kg"] == 25.0
    for_otitis = order(sim, "308189", days=10, reason=otitis)
    assert for_otitis["dosage"]["amount"] == 1000.0 and for_otitis["dosage"]["mg_per_kg"] == 45.0
