"""The proof on generated data (slow): 200 simulated patients pass omop-check in DuckDB and
PostgreSQL with zero errors, the DuckDB cohort count equals the count from the records, and the
same records mapped through the Athena vocabulary shard pass too."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import duckdb
import orjson
import pytest
from handmade_records import write_run
from omop_shared_paths import VOCAB, needs_shared_omop
from test_omop_shared import omop_check

from ehrsim.exporters.base import RunContext
from ehrsim.exporters.omop.exporter import OmopExporter

pytestmark = [pytest.mark.slow, pytest.mark.shared, needs_shared_omop]
SEED, PATIENTS = 11, 200


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    import ehrsim
    from ehrsim.settings import Settings

    out = tmp_path_factory.mktemp("omop200")
    ehrsim.run(
        Settings(
            population=PATIENTS,
            seed=SEED,
            reference_date=dt.date(2025, 1, 1),
            formats=("json", "omop"),
            out=out,
            workers=2,
        )
    )
    return out


def _records(out: Path) -> list[dict]:
    return [orjson.loads(line) for line in (out / "json" / "patients.ndjson").read_bytes().splitlines()]


def test_omop_check_duckdb_and_postgres(generated):
    if not shutil.which("psql") or not Path("/usr/lib/postgresql/15/bin").is_dir():
        pytest.skip("PostgreSQL 15 is not installed")
    result = omop_check(generated / "omop", "--postgres")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "passed: 0 error(s)" in result.stdout


def test_cohort_query_matches_records(generated):
    def has_a1c_over_9(rec: dict) -> bool:
        for o in rec["observations"]:
            for part in [o, *o.get("components", [])]:
                value = part.get("value")
                if part["codes"][0]["code"] == "4548-4" and isinstance(value, int | float) and value > 9:
                    return True
        return False

    expected = sum(
        1
        for r in _records(generated)
        if any(c["codes"][0]["code"] == "44054006" for c in r["conditions"]) and has_a1c_over_9(r)
    )
    con = duckdb.connect(str(generated / "omop" / "omop.duckdb"), read_only=True)
    found = con.execute("""
        select count(distinct c.person_id) from condition_occurrence c join measurement m using (person_id)
        where c.condition_concept_id = 201826 and m.measurement_concept_id = 3004410 and m.value_as_number > 9
    """).fetchone()
    assert found == (expected,)
    assert con.execute("select count(*) from person").fetchone() == (PATIENTS,)


def test_athena_vocabulary_on_generated_records(generated, tmp_path, record_property):
    """Re-render the same records through the vocabulary shard; omop-check reports the share found."""
    from ehrsim.population import Population
    from ehrsim.settings import Settings

    settings = Settings(
        population=PATIENTS, seed=SEED, reference_date=dt.date(2025, 1, 1), formats=("omop",), out=tmp_path, vocab=VOCAB
    )
    world = Population(settings).world
    exp = OmopExporter(RunContext(settings=settings, world=world, out_dir=tmp_path))
    write_run(exp, _records(generated))
    result = omop_check(exp.out)
    assert result.returncode == 0, result.stdout + result.stderr
    share = re.search(r"found in the test vocabulary shard: ([\d.]+)%", result.stdout)
    assert share is not None
    record_property("vocab_shard_share", share.group(1))
    assert float(share.group(1)) > 50


def _official_db(folder: Path) -> duckdb.DuckDBPyConnection:
    """Every CSV of an OMOP export (vocabulary tables included) in the official DuckDB DDL."""
    ddl = VOCAB.parent / "ddl"
    con = duckdb.connect()
    con.execute("create schema cdm")
    text = (ddl / "OMOPCDM_duckdb_5.4_ddl.sql").read_text().replace("@cdmDatabaseSchema", "cdm")
    con.execute(text)
    for path in sorted(folder.glob("*.csv")):
        header = path.open(encoding="utf-8").readline().strip()
        con.execute(
            f"insert into cdm.{path.stem} ({header}) select * from read_csv('{path}', header=true, all_varchar=true)"
        )
    return con


def test_every_foreign_key_holds_with_the_bundled_vocabulary(generated):
    """Every foreign key of the CDM 5.4 specification, into the vocabulary tables too, resolves in
    the export alone: the shipped vocabulary rows cover every concept id the tables use."""
    import csv

    con = _official_db(generated / "omop")
    broken = {}
    with open(VOCAB.parent / "ddl" / "OMOP_CDMv5.4_Field_Level.csv", newline="", encoding="utf-8") as fh:
        for f in csv.DictReader(fh):
            if f["isForeignKey"].strip().lower() != "yes":
                continue
            table, field = f["cdmTableName"].lower(), f["cdmFieldName"].lower()
            target, key = f["fkTableName"].lower(), f["fkFieldName"].lower()
            if not (generated / "omop" / f"{table}.csv").is_file():
                continue
            missing = con.execute(
                f"select count(*), min({field}) from cdm.{table} x where x.{field} is not null and not exists "
                f"(select 1 from cdm.{target} y where y.{key} = x.{field})"
            ).fetchone()
            if missing[0]:
                broken[f"{table}.{field} -> {target}.{key}"] = missing
    assert con.execute("select count(*) from cdm.concept").fetchone()[0] > 100
    assert broken == {}


@pytest.mark.xfail(
    strict=True,
    reason="issue 12 is open: the dental procedures, vaccines (CVX 208, 197, 116, 309 ...), four device codes and "
    "the external death causes have no concept row in the public OHDSI material searched (docs/omop.md "
    "'Concept coverage', terminology/omop/lookups/unmapped.csv)",
)
def test_concept_ids_are_mapped_for_almost_every_row(generated):
    """Proof of the downstream-fidelity issue: concept id 0 in under 5 % of the rows of every main
    concept field (bench/omop_coverage.py prints the table and the most frequent gaps)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "omop_coverage", Path(__file__).parents[3] / "bench" / "omop_coverage.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    shares = {
        f"{t}.{f}": round(zero / total, 3) for t, f, zero, total, _ in module.coverage(generated / "omop") if total
    }
    assert {k: v for k, v in shares.items() if v >= 0.05} == {}


def test_eras_by_ingredient_and_nothing_past_the_observation_period(generated):
    con = duckdb.connect(str(generated / "omop" / "omop.duckdb"), read_only=True)
    classes = con.execute(
        "select distinct c.concept_class_id from drug_era d join concept c on c.concept_id = d.drug_concept_id"
    ).fetchall()
    assert classes == [("Ingredient",)]
    for table, end in (
        ("drug_exposure", "drug_exposure_end_date"),
        ("condition_occurrence", "condition_end_date"),
        ("procedure_occurrence", "procedure_end_date"),
        ("device_exposure", "device_exposure_end_date"),
        ("drug_era", "drug_era_end_date"),
        ("condition_era", "condition_era_end_date"),
    ):
        late = con.execute(
            f"select count(*) from {table} x join observation_period o using (person_id) "
            f"where x.{end} > o.observation_period_end_date"
        ).fetchone()
        assert late == (0,), table
