"""Whole runs with the real engine: CSV (and OMOP CSV) files are identical for 1 and 2 workers,
headers are the documented ones and keys are unique on generated records."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from ehrsim.exporters.csv.columns import PATIENT_TABLES, SHARED_TABLES, columns


def _run(out: Path, workers: int) -> Path:
    import ehrsim
    from ehrsim.settings import Settings

    settings = Settings(
        population=6,
        seed=3,
        reference_date=dt.date(2025, 1, 1),
        formats=("csv", "omop"),
        out=out,
        workers=workers,
        shard_size=2,
    )
    ehrsim.run(settings)
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("e2e")
    return _run(base / "one", 1), _run(base / "two", 2)


def test_one_and_two_workers_give_identical_files(runs):
    one, two = runs
    names = sorted(p.relative_to(one).as_posix() for p in one.rglob("*.csv"))
    assert names == sorted(p.relative_to(two).as_posix() for p in two.rglob("*.csv"))
    assert len([n for n in names if n.startswith("csv/")]) == 19
    for name in names:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


def test_generated_csv_headers_and_keys(runs):
    out = runs[0] / "csv"
    for table in (*PATIENT_TABLES, *SHARED_TABLES):
        with open(out / f"{table}.csv", newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            rows = list(reader)
        assert reader.fieldnames == columns(table), table
        if "Id" in columns(table) and table != "imaging_studies":
            ids = [r["Id"] for r in rows]
            assert len(ids) == len(set(ids)), table
    with open(out / "patients.csv", newline="", encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == 6


def test_every_death_is_recoverable_the_way_etl_synthea_reads_it(tmp_path):
    """OHDSI's ETL-Synthea builds the death table from encounters.csv alone: the "Death
    Certification" encounter (SNOMED 308646001) gives the date (START) and the cause (REASONCODE)."""
    import orjson

    import ehrsim
    from ehrsim.settings import Settings

    out = tmp_path / "deaths"
    settings = Settings(
        population=60, seed=11, reference_date=dt.date(2025, 1, 1), years_of_history=0, formats=("json", "csv"), out=out
    )
    ehrsim.run(settings)
    records = [orjson.loads(line) for line in (out / "json" / "patients.ndjson").read_bytes().splitlines()]
    expected = {
        (
            r["id"],
            dt.datetime.fromtimestamp(r["death"]["time"], dt.UTC).date().isoformat(),
            r["death"]["codes"][0]["code"],
        )
        for r in records
        if r.get("death")
    }
    assert len(expected) >= 3, "the seed must give some deaths for this test to mean anything"
    with open(out / "csv" / "encounters.csv", newline="", encoding="utf-8") as fh:
        etl = {(e["PATIENT"], e["START"][:10], e["REASONCODE"]) for e in csv.DictReader(fh) if e["CODE"] == "308646001"}
    assert etl == expected
    with open(out / "csv" / "patients.csv", newline="", encoding="utf-8") as fh:
        dead = {(p["Id"], p["DEATHDATE"]) for p in csv.DictReader(fh) if p["DEATHDATE"]}
    assert dead == {(pid, day) for pid, day, _ in expected}
