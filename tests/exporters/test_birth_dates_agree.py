"""A patient's birth date is the same civil date in FHIR, CSV and OMOP.

Record times are UTC; a birth in the local evening falls on the next UTC day. FHIR writes the local
date of the patient's state; CSV and OMOP used to write the UTC date, so the same person had two
birthdays across formats.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

from ehrsim.runner import run
from ehrsim.settings import Settings


def test_birth_dates_agree_across_fhir_csv_and_omop(tmp_path: Path) -> None:
    out = tmp_path / "out"
    settings = Settings(
        population=40,
        seed=11,
        reference_date=dt.date(2025, 1, 1),
        years_of_history=0,
        age_min=0,
        age_max=3,
        out=out,
        workers=1,
        formats=("fhir", "csv", "omop"),
    )
    run(settings)
    fhir: dict[str, str] = {}
    for bundle_file in sorted((out / "fhir").glob("*.json")):
        if bundle_file.name == "shared.json":
            continue
        for entry in json.loads(bundle_file.read_text())["entry"]:
            if entry["resource"]["resourceType"] == "Patient":
                fhir[entry["resource"]["id"]] = entry["resource"]["birthDate"]
    with (out / "csv" / "patients.csv").open(newline="") as f:
        csv_dates = {row["Id"]: row["BIRTHDATE"] for row in csv.DictReader(f)}
    with (out / "omop" / "person.csv").open(newline="") as f:
        people = list(csv.DictReader(f))
    omop = {
        p[
            "person_source_value"
        ]: f"{int(p['year_of_birth']):04d}-{int(p['month_of_birth']):02d}-{int(p['day_of_birth']):02d}"
        for p in people
    }
    assert len(fhir) == 40
    assert csv_dates == fhir
    assert omop == fhir
    # the case that used to differ is in this sample: births whose UTC date is the next day
    evening = [p for p in people if p["birth_datetime"][:10] != omop[p["person_source_value"]]]
    assert evening, "no birth in the local evening in this sample: the test would not catch a UTC date"
