"""draw_person: formats, ranges, options, determinism and national proportions."""

from __future__ import annotations

import re

import numpy as np
import pytest
from faker import Faker
from hypothesis import given, settings
from hypothesis import strategies as st

from ehrsim.core.demographics import as_of_death, draw_age, draw_person, ses_category
from ehrsim.errors import ConfigError
from tests.core.conftest import REFERENCE_TIME

YEAR = 365.25 * 86_400


def _person(seed: int, **options):
    fake = Faker("en_US")
    fake.seed_instance(seed)
    kwargs = {"reference_time": REFERENCE_TIME, "age_min": 0, "age_max": 100, "gender": None, "state": None}
    kwargs.update(options)
    return draw_person(np.random.default_rng(seed), fake, **kwargs)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), low=st.floats(0, 105), span=st.floats(0.01, 40))
def test_identifiers_and_age_range_hold_for_any_seed(seed, low, span):
    patient, attributes = _person(seed, age_min=low, age_max=low + span)
    age = (REFERENCE_TIME - patient["birth_time"]) / YEAR
    assert low - 1e-6 <= age < low + span + 1e-6
    assert re.fullmatch(r"999-\d\d-\d{4}", patient["ssn"])
    assert re.fullmatch(r"555-01\d\d", patient["phone"])
    assert re.fullmatch(r"[a-z]+\.[a-z]+\.\d{4}@example\.org", patient["email"])
    assert re.fullmatch(r"\d{10}", patient["mrn"])
    assert patient["drivers"] == "" or re.fullmatch(r"S999\d{5}", patient["drivers"])
    assert patient["passport"] == "" or re.fullmatch(r"X\d{8}X", patient["passport"])
    assert patient["gender"] in ("M", "F")
    assert (patient["marital"] == "") == (age < 15)
    assert patient["maiden"] == "" or (patient["gender"] == "F" and patient["marital"] == "M")
    assert attributes["insurance_status"] in ("private", "medicare", "medicaid", "dual_eligible", "none")
    assert (age >= 65) == (attributes["insurance_status"] in ("medicare", "dual_eligible")) or (
        attributes["insurance_status"] == "none"
    )
    assert ses_category(attributes) in ("Low", "Middle", "High")


def test_patient_has_exactly_the_record_fields_minus_providers():
    patient, _ = _person(1)
    assert set(patient) == {
        "birth_time",
        "gender",
        "race",
        "ethnicity",
        "prefix",
        "first",
        "middle",
        "last",
        "suffix",
        "maiden",
        "marital",
        "ssn",
        "drivers",
        "passport",
        "mrn",
        "phone",
        "email",
        "language",
        "address",
        "birthplace",
        "income",
        "education",
        "insurance",
    }
    assert set(patient["address"]) >= {"line", "city", "state", "state_abbr", "county", "fips", "zip", "lat", "lon"}
    assert set(patient["birthplace"]) == {"city", "state", "country"}


def test_attributes_modules_read_are_present_with_synthea_values():
    _, attributes = _person(2, age_min=30, age_max=40)
    for name in (
        "income",
        "education",
        "poverty_ratio",
        "insurance_status",
        "marital_status",
        "first_language",
        "birth_country",
        "sexual_orientation",
        "food_insecurity",
        "severe_housing_cost_burden",
        "unemployed",
        "no_vehicle_access",
        "RH_NEG",
        "race",
        "ethnicity",
        "state",
        "gender",
    ):
        assert name in attributes, name
    assert attributes["education"] in ("less_than_hs", "hs_degree", "some_college", "bs_degree")
    assert attributes["sexual_orientation"] in ("heterosexual", "homosexual", "bisexual")
    assert "veteran" not in attributes  # set by the veteran module itself ("is not nil" semantics)


def test_same_seed_same_person_and_different_seed_differs():
    assert _person(7) == _person(7)
    assert _person(7) != _person(8)


@pytest.mark.parametrize("name", ["massachusetts", "MA", "ma", " Massachusetts "])
def test_state_is_matched_by_name_or_abbreviation_in_any_case(name):
    patient, attributes = _person(3, state=name)
    assert patient["address"]["state_abbr"] == "MA"
    assert attributes["state"] == "Massachusetts"


def test_unknown_state_lists_valid_names():
    with pytest.raises(ConfigError, match="Wyoming"):
        _person(3, state="Atlantis")


def test_gender_option_is_respected():
    assert {_person(s, gender="F")[0]["gender"] for s in range(30)} == {"F"}


def test_index_makes_mrn_unique_and_stable():
    mrns = {_person(5, index=i)[0]["mrn"] for i in range(300)}
    assert len(mrns) == 300
    assert _person(5, index=42)[0]["mrn"] == _person(99, index=42)[0]["mrn"]


def test_age_is_exact_when_the_range_is_a_point():
    age, _ = draw_age(np.random.default_rng(0), 40.0, 40.0, None)
    assert age == 40.0


def test_national_proportions_are_close_to_the_census():
    fake = Faker("en_US")
    fake.seed_instance(0)
    rng = np.random.default_rng(0)
    people = [
        draw_person(rng, fake, reference_time=REFERENCE_TIME, age_min=0, age_max=110, gender=None, state=None)
        for _ in range(3000)
    ]
    ages = np.array([(REFERENCE_TIME - p["birth_time"]) / YEAR for p, _ in people])
    male = np.mean([p["gender"] == "M" for p, _ in people])
    hispanic = np.mean([p["ethnicity"] == "hispanic" for p, _ in people])
    black = np.mean([p["race"] == "black" for p, _ in people])
    spanish = np.mean([p["language"] == "spanish" for p, _ in people])
    from ehrsim.core.demographics import survival

    # people are drawn as population / survival (the dead included): the survivors' mean age is the census one
    assert 37 < np.average(ages, weights=[survival(a) for a in ages]) < 42  # US mean age ~39.5
    assert 0.47 < male < 0.52
    assert 0.16 < hispanic < 0.22
    assert 0.10 < black < 0.15
    assert 0.09 < spanish < 0.17


def test_the_living_match_the_census_pyramid_at_old_ages():
    """Ages are drawn as population / survival, so those alive at the reference date follow the census."""
    from ehrsim.core.demographics import survival

    rng = np.random.default_rng(3)
    ages = np.array([draw_age(rng, 0, 140, None)[0] for _ in range(20000)])
    alive = ages[rng.random(len(ages)) < np.array([survival(a) for a in ages])]
    share_80 = float(np.mean(alive >= 80))
    assert 0.032 < share_80 < 0.045  # ACS 2019: about 3.9 % of the population is 80 or over
    assert np.mean(ages >= 90) > np.mean(alive >= 90)  # more are drawn old than survive to be old


@pytest.mark.parametrize("seed", range(20))
def test_a_person_who_died_young_is_recorded_at_the_age_of_death(seed):
    """The merged session-13 golden run: a girl born in 1929 who died of pneumonia at 5 was recorded as a widow on
    Medicare, "Ms.", with a licence: the demographics drawn for 95, the age she would have reached."""
    patient, attributes = _person(seed, age_min=90, age_max=95, gender="F")
    child = as_of_death(patient, attributes, 5.5, np.random.default_rng(seed))
    assert (child["marital"], child["prefix"], child["maiden"], child["drivers"]) == ("", "", "", "")
    assert child["insurance"] in ("private", "medicaid", "none")
    assert {
        k: v for k, v in child.items() if k not in ("marital", "prefix", "maiden", "drivers", "insurance", "suffix")
    } == {
        k: v for k, v in patient.items() if k not in ("marital", "prefix", "maiden", "drivers", "insurance", "suffix")
    }
    adult = as_of_death(patient, attributes, 40.0, np.random.default_rng(seed))
    assert adult["marital"] in "SMDW" and adult["prefix"] in ("Mrs.", "Ms.") and adult["drivers"] == patient["drivers"]
    assert (adult["prefix"] == "Mrs.") == (adult["marital"] == "M")
    old = as_of_death(patient, attributes, 80.0, np.random.default_rng(seed))
    assert old["insurance"] == attributes["insurance_status"]  # what the yearly update left at death
