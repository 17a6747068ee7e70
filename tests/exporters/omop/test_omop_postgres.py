"""Loading into a real PostgreSQL (runs when EHRSIM_TEST_PG_DSN is set, e.g. by .ci/postgres.sh)."""

from __future__ import annotations

import os
import uuid

import pytest
from handmade_records import FakeWorld, records, write_run

from ehrsim.errors import ExportError
from ehrsim.exporters.omop.exporter import OmopExporter

DSN = os.environ.get("EHRSIM_TEST_PG_DSN", "")
pytestmark = pytest.mark.skipif(not DSN, reason="EHRSIM_TEST_PG_DSN is not set (start one with .ci/postgres.sh start)")


@pytest.fixture
def schema_dsn():
    psycopg = pytest.importorskip("psycopg")
    name = f"ehrsim_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(DSN, autocommit=True) as conn:
        conn.execute(f"create schema {name}")
    yield name, f"{DSN}{'&' if '?' in DSN else '?'}options=-csearch_path%3D{name}"
    with psycopg.connect(DSN, autocommit=True) as conn:
        conn.execute(f"drop schema {name} cascade")


def test_loads_into_postgres(omop_ctx, schema_dsn):
    import psycopg

    name, dsn = schema_dsn
    world = FakeWorld()
    exp = OmopExporter(omop_ctx(world=world, omop_db=dsn))
    figures = write_run(exp, records(3, world))
    assert figures["database"] == "postgresql" and not (exp.out / "omop.duckdb").exists()
    with psycopg.connect(DSN) as conn:
        count = conn.execute(f"select count(*) from {name}.person").fetchone()
        pk = conn.execute(
            "select count(*) from pg_constraint where contype = 'p' and connamespace = %s::regnamespace", (name,)
        ).fetchone()
        cohort = conn.execute(f"""
            select count(distinct c.person_id) from {name}.condition_occurrence c
            join {name}.measurement m using (person_id)
            where c.condition_concept_id = 201826 and m.measurement_concept_id = 3004410 and m.value_as_number > 9
        """).fetchone()
    assert count == (3,) and pk is not None and pk[0] >= 15 and cohort == (1,)


def test_refuses_tables_that_have_rows(omop_ctx, schema_dsn, tmp_path):
    _, dsn = schema_dsn
    world = FakeWorld()
    write_run(OmopExporter(omop_ctx(world=world, omop_db=dsn)), records(1, world))
    with pytest.raises(ExportError, match="already has rows"):
        write_run(OmopExporter(omop_ctx(out=tmp_path / "second", world=world, omop_db=dsn)), records(1, world))
