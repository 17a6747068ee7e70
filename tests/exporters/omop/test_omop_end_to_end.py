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
