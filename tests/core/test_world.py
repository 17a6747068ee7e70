"""The provider world: size, speed, unique ids and NPIs, determinism and provider choice."""

from __future__ import annotations

import re

import pytest

from ehrsim.core import geography
from ehrsim.core.identifiers import npi_is_valid
from ehrsim.core.world import build_world


def _patient(city: str, abbr: str, mrn: str = "1") -> dict:
    found = next(c for c in geography.cities(abbr) if c.name == city)
    return {"address": found.address("1 Main St"), "mrn": mrn, "ssn": "999-00-0000", "birth_time": 0}


def test_world_is_small_and_cached():
    """(How long building it takes is measured by bench/world.py, not asserted here.)"""
    world = build_world(4242)
    assert build_world(4242) is world
    types = {o["type"] for o in world.organizations}
    assert types == {"clinic", "hospital", "urgentcare"}
    assert 51 <= sum(o["type"] == "hospital" for o in world.organizations) <= 153
    assert sum(o["type"] == "urgentcare" for o in world.organizations) == 51


def test_ids_npis_and_numbers_are_unique_and_valid():
    world = build_world(7)
    entries = world.organizations + world.practitioners
    assert len({e["id"] for e in entries}) == len(entries)
    npis = [e["npi"] for e in entries]
    assert len(set(npis)) == len(npis) and all(npi_is_valid(n) for n in npis)
    assert [o["n"] for o in world.organizations] == list(range(1, len(world.organizations) + 1))
    assert all(re.fullmatch(r"555-01\d\d", o["phone"]) for o in world.organizations)
    for p in world.practitioners:
        assert world.organization(p["organization"])["id"] == p["organization"]
        assert world.practitioner(p["id"]) is p


def test_one_state_world_is_that_state_of_the_full_world():
    full = build_world(3)
    alone = build_world(3, "massachusetts")
    assert {o["address"]["state_abbr"] for o in alone.organizations} == {"MA"}
    full_ma = [o for o in full.organizations if o["address"]["state_abbr"] == "MA"]
    assert [o["id"] for o in alone.organizations] == [o["id"] for o in full_ma]
    assert [o["name"] for o in alone.organizations] == [o["name"] for o in full_ma]


def test_same_seed_same_world_and_other_seed_differs():
    a, b = build_world(11, "RI"), build_world(12, "RI")
    assert [p["first"] for p in a.practitioners] != [p["first"] for p in b.practitioners]
    from ehrsim.core.world import _build

    _build.cache_clear()
    again = build_world(11, "RI")
    assert again.organizations == a.organizations and again.practitioners == a.practitioners


@pytest.mark.parametrize(
    ("kind", "org_type"),
    [
        ("wellness", "clinic"),
        ("ambulatory", "clinic"),
        ("outpatient", "clinic"),
        ("emergency", "hospital"),
        ("inpatient", "hospital"),
        ("urgentcare", "urgentcare"),
    ],
)
def test_encounter_class_picks_the_organization_type(kind, org_type):
    world = build_world(0)
    org_id, practitioner_id = world.provider_for(_patient("Worcester", "MA"), kind, None, None)
    org = world.organization(org_id)
    assert org["type"] == org_type
    assert org["address"]["state_abbr"] == "MA"
    assert world.practitioner(practitioner_id)["organization"] == org_id
    if org_type == "clinic":
        assert org["address"]["city"] == "Worcester"


def test_provider_is_deterministic_per_patient_and_honours_specialty():
    world = build_world(0)
    patient = _patient("Boston", "MA", mrn="0000000042")
    assert world.provider_for(patient, "wellness", None, None) == world.provider_for(patient, "wellness", None, None)
    _, cardiologist = world.provider_for(patient, "inpatient", "cardiology", None)
    assert world.practitioner(cardiologist)["specialty"] == "CARDIOLOGY"
    _, emergency = world.provider_for(patient, "emergency", None, None)
    assert world.practitioner(emergency)["specialty"] == "EMERGENCY MEDICINE"
    chosen = {world.provider_for(_patient("Boston", "MA", mrn=str(i)), "wellness", None, None)[1] for i in range(50)}
    assert len(chosen) > 1  # patients are spread over the clinic's clinicians
