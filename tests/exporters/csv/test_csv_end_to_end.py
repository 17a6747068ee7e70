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
