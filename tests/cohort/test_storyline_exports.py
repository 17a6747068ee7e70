"""Issue 13's proof: a storyline with three fixed events (docs/examples/storyline.toml, on the bundled
library) appears exactly at the given times in the FHIR, CSV and OMOP output.

The expected instants are computed here from what the exports say (FHIR birthDate and address state),
not from the engine's own event times: local noon of the 45th and 50th birthdays, and of 15 March 2023.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import ehrsim
from ehrsim.core import clock
from ehrsim.runner import run
from ehrsim.settings import Settings
from tests.conftest import SHARED, needs_shared

STORY = Path(__file__).resolve().parents[2] / "docs" / "examples" / "storyline.toml"
DIABETES, HYPOTHYROIDISM, STEMI = "44054006", "40930008", "401303003"
#: code -> (years after birth or None, fixed date or None, whether a visit opens at that time)
EVENTS = {DIABETES: (45, None, True), HYPOTHYROIDISM: (50, None, False), STEMI: (None, dt.date(2023, 3, 15), True)}


def _expected(birth_date: str, state: str) -> dict[str, dt.datetime]:
    zone = clock.zone_for_state(state)
    born = dt.date.fromisoformat(birth_date)
    out = {}
    for code, (years, day, _) in EVENTS.items():
        day = day or born.replace(year=born.year + years)  # type: ignore[operator]
        out[code] = dt.datetime.combine(day, dt.time(12), tzinfo=zone)
    return out


def test_three_fixed_events_in_fhir_csv_and_omop(tmp_path: Path) -> None:
    out = tmp_path / "out"
    settings = Settings(
        population=2,
        seed=3,
        reference_date=dt.date(2025, 1, 1),
        storyline=STORY,
        years_of_history=0,
        out=out,
        workers=1,
        formats=("fhir", "csv", "omop"),
    )
    run(settings)
    expected: dict[str, dict[str, dt.datetime]] = {}  # patient id -> code -> instant

    # FHIR: one Condition per code, onsetDateTime at local noon (with the zone's offset), in a visit opened then
    for bundle_file in sorted((out / "fhir").glob("*.json")):
        if bundle_file.name == "shared.json":
            continue
        resources = [e["resource"] for e in json.loads(bundle_file.read_text())["entry"]]
        patient = next(r for r in resources if r["resourceType"] == "Patient")
        want = expected[patient["id"]] = _expected(patient["birthDate"], patient["address"][0]["state"])
        encounters = {r["id"]: r for r in resources if r["resourceType"] == "Encounter"}
        conditions = [r for r in resources if r["resourceType"] == "Condition"]
        for code, when in want.items():
            found = [r for r in conditions if r["code"]["coding"][0]["code"] == code]
            assert len(found) == 1, (patient["id"], code)
            assert dt.datetime.fromisoformat(found[0]["onsetDateTime"]) == when
            assert found[0]["onsetDateTime"] == when.isoformat()
            if EVENTS[code][2]:
                visit = encounters[found[0]["encounter"]["reference"].split("/")[1]]
                assert dt.datetime.fromisoformat(visit["period"]["start"]) == when
    assert len(expected) == 2

    # CSV: START is the (UTC) date; the visit's START is the UTC instant
    with (out / "csv" / "conditions.csv").open(newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["CODE"] in EVENTS]
    with (out / "csv" / "encounters.csv").open(newline="") as f:
        visits = {r["Id"]: r for r in csv.DictReader(f)}
    for pid, want in expected.items():
        for code, when in want.items():
            found = [r for r in rows if r["PATIENT"] == pid and r["CODE"] == code]
            assert len(found) == 1, (pid, code)
            assert found[0]["START"] == when.astimezone(dt.UTC).date().isoformat()
            if EVENTS[code][2]:
                start = visits[found[0]["ENCOUNTER"]]["START"]
                assert start == when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    # OMOP: condition_start_datetime (UTC) per person, found through person_source_value
    with (out / "omop" / "person.csv").open(newline="") as f:
        person = {r["person_id"]: r["person_source_value"] for r in csv.DictReader(f)}
    with (out / "omop" / "condition_occurrence.csv").open(newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["condition_source_value"] in EVENTS]
    for pid, want in expected.items():
        for code, when in want.items():
            found = [r for r in rows if person[r["person_id"]] == pid and r["condition_source_value"] == code]
            assert len(found) == 1, (pid, code)
            utc = when.astimezone(dt.UTC)
            assert found[0]["condition_start_datetime"] == utc.strftime("%Y-%m-%d %H:%M:%S")
            assert found[0]["condition_start_date"] == utc.date().isoformat()
            assert found[0]["condition_concept_id"] not in ("", "0")


@needs_shared
def test_storyline_on_synthea_library(tmp_path: Path) -> None:
    """Synthea's MI onset (which waits for its target encounter) forced on a date through its ED visit."""
    story = tmp_path / "mi.toml"
    story.write_text(
        '[[events]]\nmodule = "myocardial_infarction"\nstate = "MI_Onset"\nencounter = "Emergency_Encounter"\n'
        "date = 2023-03-15\n"
    )
    records = ehrsim.generate(
        2,
        seed=1,
        reference_date=dt.date(2025, 1, 1),
        modules=SHARED / "synthea" / "modules",
        lenient=True,
        age_min=40,
        age_max=80,
        storyline=story,
    )
    for r in records:
        zone = clock.zone_for_state(r["patient"]["address"]["state_abbr"])
        when = dt.datetime(2023, 3, 15, 12, tzinfo=zone).timestamp()
        (mi,) = [c for c in r["conditions"] if c["codes"][0]["code"] == "22298006" and c["onset"] <= when]
        visit = next(e for e in r["encounters"] if e["id"] == mi["encounter"])
        assert mi["onset"] == mi["start"] == visit["start"] == when and visit["class"] == "emergency"
