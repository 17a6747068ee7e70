"""Integrity of the core's data files: shapes, sums, cross-references and named sources."""

from __future__ import annotations

import csv
import re

import pytest

from ehrsim.core import geography
from ehrsim.core.codes import all_codes
from ehrsim.core.immunizations import schedule
from ehrsim.core.tables import rows
from ehrsim.paths import terminology_dir


def test_states_cover_50_states_and_dc_with_race_shares_summing_to_one():
    states = geography.states()
    assert len(states) == 51
    for state in states:
        assert sum(state.race_shares) == pytest.approx(1.0, abs=0.002), state.name
        assert 0 < state.hispanic < 1


def test_every_state_has_cities_with_matching_fips_and_plausible_coordinates():
    for state in geography.states():
        found = geography.cities(state.abbr)
        assert len(found) >= (1 if state.abbr == "DC" else 5), state.name
        for city in found:
            assert city.fips.startswith(state.fips), (city.name, city.fips)
            assert re.fullmatch(r"\d{5}", city.zip), city.zip
            assert 18 < city.lat < 72 and -170 < city.lon < -66, city.name


def test_distribution_tables_sum_to_one():
    for path, column in [
        ("demographics/income.csv", "share"),
        ("demographics/education.csv", "share"),
        ("demographics/household_size.csv", "share"),
        ("demographics/sexual_orientation.csv", "share"),
    ]:
        assert sum(float(r[column]) for r in rows(path)) == pytest.approx(1.0, abs=0.002), path
    for r in rows("demographics/marital.csv"):
        assert sum(float(r[s]) for s in "SMDW") == pytest.approx(1.0, abs=0.002), r
    for r in rows("demographics/insurance.csv"):
        total = sum(float(r[s]) for s in ("private", "medicaid", "medicare", "dual_eligible", "none"))
        assert total == pytest.approx(1.0, abs=0.002), r


def test_every_data_file_names_its_source():
    for folder in ("demographics", "vitals"):
        listed = (terminology_dir() / folder / "SOURCES.md").read_text(encoding="utf-8")
        for path in (terminology_dir() / folder).glob("*.csv"):
            assert f"`{path.name}`" in listed, f"{folder}/{path.name} has no line in SOURCES.md"
    for name in (
        "wellness_schedule.csv",
        *(f"immunizations/{p.name}" for p in (terminology_dir() / "immunizations").glob("*.csv")),
    ):
        with open(terminology_dir() / name, newline="", encoding="utf-8") as fh:
            assert all(row["source"] for row in csv.DictReader(fh)), name
    for folder in ("immunizations", "clock", "deaths"):
        listed = (terminology_dir() / folder / "SOURCES.md").read_text(encoding="utf-8")
        for path in (terminology_dir() / folder).glob("*.csv"):
            assert f"`{path.name}`" in listed, f"{folder}/{path.name} has no line in SOURCES.md"


def test_every_scheduled_vaccine_is_a_listed_core_code():
    listed = {(c["system"], c["code"], c["display"]) for c in all_codes()}
    for doses in schedule().values():
        for dose in doses:
            assert ("CVX", dose.cvx, dose.display) in listed, dose.key
    folder = terminology_dir() / "immunizations"
    for name, pairs in (
        ("influenza_products.csv", [("cvx", "display")]),
        ("campaigns.csv", [("cvx", "display")]),
        ("pregnancy.csv", [("cvx", "display")]),
        ("products.csv", [("cvx", "display")]),
        ("infant_rsv.csv", [("cvx_small", "display_small"), ("cvx_large", "display_large")]),
    ):
        with open(folder / name, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                for code, display in pairs:
                    assert ("CVX", row[code], row[display]) in listed, (name, row[code])
