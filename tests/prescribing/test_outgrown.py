"""A young child's product gives way to the older child's at its age (outgrown.csv): the s10review chart review found
a loratadine 5 mg chewable started at 3 renewed at one tablet a day to 16 years."""

from __future__ import annotations

import datetime as dt

from ehrsim.core.tables import rows
from ehrsim.prescribing import tables
from tests.prescribing.helpers import at, code_of, order, patient

CHEWABLE_5 = "665078"  # loratadine 5 MG Chewable Tablet
TABLET_10 = "311372"  # loratadine 10 MG Oral Tablet


def test_every_outgrown_row_names_known_products() -> None:
    products = tables().products
    for r in rows("prescribing/outgrown.csv"):
        assert r["rxcui"] in products and r["adult_rxcui"] in products and r["source"]


def test_the_chewable_is_renewed_as_the_10_mg_tablet_from_6() -> None:
    sim = patient(dt.date(2010, 1, 1))
    at(sim, dt.date(2013, 6, 1))  # 3 years old: the chewable as ordered
    first = order(sim, CHEWABLE_5, chronic=True)
    assert code_of(first) == CHEWABLE_5
    at(sim, dt.date(2015, 6, 1))  # 5 years old: still the chewable
    current = sim.renew("medications", first, sim.now, None)
    assert code_of(current) == CHEWABLE_5
    at(sim, dt.date(2016, 1, 2))  # 6 years old
    renewed = sim.renew("medications", current, sim.now, None)
    assert code_of(renewed) == TABLET_10
    assert renewed["prescribing"]["form"] == "outgrown"


def test_a_chewable_ordered_for_a_school_child_is_the_10_mg_tablet() -> None:
    sim = patient(dt.date(2000, 1, 1))
    at(sim, dt.date(2012, 6, 1))
    assert code_of(order(sim, CHEWABLE_5, chronic=True)) == TABLET_10


def test_a_school_child_at_the_adult_dose_takes_adult_tablets() -> None:
    """An 11-year-old of 110 kg: 15 mg/kg is capped at 1,000 mg, which no whole number of 160 mg chewables gives;
    two 500 mg tablets do (not 31 mL of syrup)."""
    sim = patient(dt.date(2008, 4, 21))
    at(sim, dt.date(2019, 6, 16))
    sim.rec.add("observations", {"time": sim.now, "codes": [{"code": "29463-7"}], "value": 110.0}, None)
    entry = order(sim, "313820", days=5)  # acetaminophen 160 MG Chewable Tablet
    assert code_of(entry) == "198440"  # acetaminophen 500 MG Oral Tablet
    assert entry["dosage"]["amount"] == 1000.0 and entry["dosage"]["units_per_dose"] == 2.0
    small = patient(dt.date(2008, 4, 21))
    at(small, dt.date(2016, 6, 16))
    small.rec.add("observations", {"time": small.now, "codes": [{"code": "29463-7"}], "value": 21.4}, None)
    assert code_of(order(small, "313820", days=5)) == "313820"  # 8 years, 21 kg: two chewables (320 mg)


def test_a_160_mg_chewable_ordered_for_a_12_year_old_is_two_325_mg_tablets() -> None:
    """The s18young chart review: 12-year-olds with influenza (41-83 kg) got one 160 mg chewable four times a day
    (2-4 mg/kg) once weight dosing stopped at 12. From 12 years the label dose is two 325 mg tablets (650 mg)."""
    sim = patient(dt.date(2010, 3, 1))
    at(sim, dt.date(2022, 6, 1))
    sim.rec.add("observations", {"time": sim.now, "codes": [{"code": "29463-7"}], "value": 48.0}, None)
    entry = order(sim, "313820", days=5, frequency=4)  # acetaminophen 160 MG Chewable Tablet, 1 tablet
    assert code_of(entry) == "313782"  # acetaminophen 325 MG Oral Tablet
    assert entry["dosage"]["amount"] == 2.0 and entry["dosage"]["dose_unit"] == "{tablet}"
    assert entry["prescribing"]["form"] == "outgrown"


def test_the_loratadine_chewable_outgrown_keeps_one_tablet() -> None:
    sim = patient(dt.date(2000, 1, 1))
    at(sim, dt.date(2012, 6, 1))
    assert order(sim, CHEWABLE_5, chronic=True)["dosage"]["amount"] == 1.0
