"""Rejection sampling for cohorts: every patient matches, any worker count gives the same bytes,
impossible cohorts stop without hanging."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import orjson
import pytest

import ehrsim
from ehrsim.cohort.evaluate import matches
from ehrsim.cohort.lang import parse
from ehrsim.errors import ConfigError
from ehrsim.population import Population
from ehrsim.record.times import from_date
from ehrsim.runner import run
from ehrsim.settings import Settings
from tests.conftest import FIXTURE_MODULES

MODULES = FIXTURE_MODULES / "cohort"
REF = dt.date(2025, 1, 1)
SINUSITIS = "condition(SNOMED-CT:444814009)"


def _generate(n: int, cohort: str, **options: object) -> list[dict]:
    return list(ehrsim.generate(n, seed=3, reference_date=REF, modules=MODULES, cohort=cohort, **options))


def test_every_patient_matches_and_slots_are_independent() -> None:
    expr = f"{SINUSITIS} and age >= 10"
    records = _generate(6, expr, years_of_history=0)
    assert [r["index"] for r in records] == list(range(6))
    assert all(matches(parse(expr), r, from_date(REF)) for r in records)
    # slot 4 alone (as another shard or worker would compute it) is the same patient
    alone = list(
        ehrsim.generate(1, seed=3, reference_date=REF, modules=MODULES, cohort=expr, start=4, years_of_history=0)
    )
    assert orjson.dumps(alone[0]) == orjson.dumps(records[4])
    # attempt 0 is the unconstrained patient: when it matches, the cohort run keeps it
    plain = list(ehrsim.generate(6, seed=3, reference_date=REF, modules=MODULES, years_of_history=0))
    for r, p in zip(records, plain, strict=True):
        if matches(parse(expr), p, from_date(REF)):
            assert orjson.dumps(r) == orjson.dumps(p)


def test_composes_with_gender_and_only_alive() -> None:
    records = _generate(3, "condition(SNOMED-CT:72892002)", gender="F", only_alive=True, years_of_history=0)
    assert all(r["alive"] and r["patient"]["gender"] == "F" for r in records)
    assert all(any(c["codes"][0]["code"] == "72892002" for c in r["conditions"]) for r in records)


def _run(tmp_path: Path, name: str, workers: int, shard_size: int) -> tuple[dict[str, bytes], dict]:
    settings = Settings(
        population=6,
        seed=5,
        reference_date=REF,
        modules=(MODULES,),
        cohort=f"{SINUSITIS} or dead",
        out=tmp_path / name,
        workers=workers,
        shard_size=shard_size,
        formats=("json", "csv"),
    )
    summary = run(settings)
    out = tmp_path / name
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    return files, summary


def test_byte_identical_for_any_worker_count(tmp_path: Path) -> None:
    one, summary = _run(tmp_path, "one", workers=1, shard_size=2)
    two, _ = _run(tmp_path, "two", workers=2, shard_size=2)
    assert one.keys() == two.keys()
    for name in one:
        assert one[name] == two[name], name
    big, _ = _run(tmp_path, "big", workers=1, shard_size=6)  # shard size is in metadata.json's options only
    assert {k: v for k, v in big.items() if k != "metadata.json"} == {
        k: v for k, v in one.items() if k != "metadata.json"
    }
    meta = orjson.loads(one["metadata.json"])
    assert meta["cohort"]["method"] == "rejection"
    assert meta["cohort"]["attempts"] == meta["counts"]["cohort_attempts"] >= 6
    assert meta["cohort"]["acceptance_rate"] == pytest.approx(6 / meta["cohort"]["attempts"], abs=1e-6)
    assert meta["options"]["cohort"] == f"{SINUSITIS} or dead"
    assert summary["cohort"] == meta["cohort"]


def test_impossible_cohort_is_refused_before_any_simulation(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_life(*args: object, **kwargs: object) -> None:
        raise AssertionError("a patient was simulated")

    monkeypatch.setattr(Population, "_life", no_life)
    with pytest.raises(ConfigError, match=r"can never match .*no module can record SNOMED-CT:72892002 for men"):
        _generate(2, "condition(SNOMED-CT:72892002) and gender == M")
    with pytest.raises(ConfigError, match="it excludes women"):
        _generate(2, "condition(SNOMED-CT:72892002) and gender == M")
    with pytest.raises(ConfigError, match="can never match"):
        _generate(2, "condition(SNOMED-CT:72892002)", gender="M")
    # sinusitis is reachable for both sexes: not refused statically
    with pytest.raises(AssertionError, match="a patient was simulated"):
        _generate(1, f"{SINUSITIS} and gender == M")


def test_pregnancy_in_men_is_refused_on_the_bundled_and_synthea_libraries() -> None:
    with pytest.raises(ConfigError, match="can never match"):
        list(ehrsim.generate(1, reference_date=REF, cohort="condition(SNOMED-CT:72892002) and gender == M"))


def test_unsatisfiable_cohort_stops_after_the_attempt_bound() -> None:
    with pytest.raises(ConfigError, match="no candidate for patient 0 matched the cohort in 4 attempts"):
        _generate(2, f"{SINUSITIS} and not {SINUSITIS}", cohort_max_attempts=4)
    # rejected on sex and age alone, before simulation: the bound is reached at once
    with pytest.raises(ConfigError, match="in 2000 attempts"):
        _generate(1, f"{SINUSITIS} and age > 150")
