"""Independent checks against ../shared: the official CDM 5.4 field list, omop-check (official DDL,
foreign keys, concept domains, plausibility) and the OHDSI vocabulary shard."""

from __future__ import annotations

import csv
import re
import subprocess

import pytest
from handmade_records import FakeWorld, records, write_run
from omop_shared_paths import OMOP_CHECK, SHARED, VOCAB, needs_shared_omop

from ehrsim.exporters.omop.concepts import conventions, load
from ehrsim.exporters.omop.exporter import PERSON_TABLES, SHARED_TABLES, OmopExporter
from ehrsim.exporters.omop.schema import tables

pytestmark = [pytest.mark.shared, needs_shared_omop]
FIELD_LEVEL = SHARED / "omop" / "ddl" / "OMOP_CDMv5.4_Field_Level.csv"
OFFICIAL_DDL = SHARED / "omop" / "ddl" / "OMOPCDM_postgresql_5.4_ddl.sql"
TYPES = {
    "integer": ("INTEGER", "BIGINT"),
    "bigint": ("BIGINT",),
    "date": ("DATE",),
    "datetime": ("TIMESTAMP",),
    "float": ("NUMERIC",),
    "varchar(max)": ("TEXT",),
}


def omop_check(outdir, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(OMOP_CHECK), str(outdir), *extra], capture_output=True, text=True, timeout=600)


def test_our_ddl_matches_the_cdm54_specification():
    spec: dict[str, list[tuple[str, str, bool]]] = {}
    with open(FIELD_LEVEL, newline="", encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            spec.setdefault(row["cdmTableName"].lower(), []).append(
                (row["cdmFieldName"].lower().strip('"'), row["cdmDatatype"].lower(), row["isRequired"] == "Yes")
            )
    ours = tables()
    assert set(ours) == set(spec)
    for table, fields in spec.items():
        assert [c.name for c in ours[table]] == [f[0] for f in fields], table
        for col, (name, dtype, required) in zip(ours[table], fields, strict=True):
            assert col.sql_type in TYPES.get(dtype, (dtype.upper(),)), f"{table}.{name}"
            assert col.required == required, f"{table}.{name}"


def _official_columns() -> dict[str, list[str]]:
    """Table -> column names, in order, from OHDSI's own PostgreSQL DDL (not ehrsim's copy)."""
    found: dict[str, list[str]] = {}
    for match in re.finditer(r"CREATE TABLE @cdmDatabaseSchema\.(\w+) \((.*?)\);", OFFICIAL_DDL.read_text(), re.S):
        found[match.group(1)] = [ln.split()[0].strip('"') for ln in match.group(2).split(",\n") if ln.strip()]
    return found


def test_exported_headers_are_the_official_ddl_columns(omop_ctx):
    official = _official_columns()
    assert len(official) >= 39 and official["person"][:3] == ["person_id", "gender_concept_id", "year_of_birth"]
    world = FakeWorld()
    exp = OmopExporter(omop_ctx(world=world))
    write_run(exp, records(3, world))
    for table in (*PERSON_TABLES, *SHARED_TABLES):
        with open(exp.out / f"{table}.csv", newline="", encoding="utf-8") as fh:
            header = next(csv.reader(fh))
        assert header == official[table], table


def _shard_concepts() -> dict[int, dict[str, str]]:
    with open(VOCAB / "CONCEPT.csv", newline="", encoding="utf-8") as fh:
        return {int(r["concept_id"]): r for r in csv.DictReader(fh)}


def test_convention_concepts_have_the_right_domain():
    shard = _shard_concepts()
    conv = conventions()
    expected = {"units": "Unit", "visits": "Visit", "types": "Type Concept"}
    checked = 0
    for group, domain in expected.items():
        for key, cid in conv[group].items():
            if cid and cid in shard and not (group == "types" and key == "cdm_version"):
                assert shard[cid]["domain_id"] == domain, (group, key, cid)
                checked += 1
    for key, cid in conv["demographics"].items():
        if cid and cid in shard:
            assert shard[cid]["domain_id"] == key.split(":")[0].capitalize(), key
            checked += 1
    assert checked >= 20


def test_athena_vocabulary_maps_codes():
    concepts = load(VOCAB)
    t2d = concepts.map({"system": "SNOMED-CT", "code": "44054006"})
    assert (t2d.concept_id, t2d.domain) == (201826, "Condition")
    assert concepts.map({"system": "LOINC", "code": "4548-4"}).domain == "Measurement"
    assert concepts.unit("mg/dL") == 8840


@pytest.mark.parametrize("vocab", [False, True], ids=["terminology", "athena-shard"])
def test_omop_check_passes_on_handmade_records(omop_ctx, vocab):
    world = FakeWorld()
    options = {"vocab": VOCAB} if vocab else {}
    exp = OmopExporter(omop_ctx(world=world, **options))
    write_run(exp, records(6, world))
    result = omop_check(exp.out)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "passed: 0 error(s)" in result.stdout
