"""The table of entry kinds and the JSON Schema generated from it, checked against generated records."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import ehrsim
from ehrsim.engine.recorder import Recorder
from ehrsim.exporters.base import RunContext
from ehrsim.exporters.csv.columns import NO_TABLE, PATIENT_TABLES
from ehrsim.exporters.registry import exporter_class
from ehrsim.population import Population
from ehrsim.record.kinds import ACTIVE_KINDS, ENTRY_KINDS, KINDS
from ehrsim.record.schema import record_schema, schema_json
from ehrsim.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    """Whole lives and 5-year histories, as JSON (what the ``json`` exporter writes)."""
    out = []
    for years in (0, 5):
        gen = ehrsim.generate(25, seed=11, reference_date=dt.date(2025, 1, 1), years_of_history=years)
        out += [json.loads(json.dumps(r)) for r in gen]
    return out


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = record_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_generated_records_match_the_schema(records: list[dict[str, Any]], validator: Any) -> None:
    seen: set[str] = set()
    for record in records:
        errors = [f"{e.json_path}: {e.message[:200]}" for e in validator.iter_errors(record)]
        assert not errors, errors[:5]
        seen.update(kind for kind in KINDS if record[kind])
    assert {"encounters", "conditions", "medications", "observations", "immunizations"} <= seen


def test_schema_rejects_an_undeclared_field_and_a_missing_one(records: list[dict[str, Any]], validator: Any) -> None:
    record = copy.deepcopy(next(r for r in records if r["conditions"]))
    record["conditions"][0]["severity"] = "high"
    assert not validator.is_valid(record)
    del record["conditions"][0]["severity"]
    del record["conditions"][0]["codes"]
    assert not validator.is_valid(record)
    record = copy.deepcopy(records[0])
    record["encounters"][0]["start"] = 1.5  # times are int seconds
    assert not validator.is_valid(record)


def test_docs_schema_is_the_generated_one() -> None:
    assert (ROOT / "docs" / "record.schema.json").read_text(encoding="utf-8") == schema_json()


def test_the_table_is_the_one_list_everything_reads() -> None:
    assert tuple(k.name for k in ENTRY_KINDS) == KINDS and len(set(KINDS)) == len(KINDS)
    assert set(Recorder("p").lists) == set(KINDS)
    assert set(Recorder("p").active) == set(ACTIVE_KINDS)
    assert ACTIVE_KINDS == ("conditions", "allergies", "medications", "careplans", "devices")
    assert all(k.span for k in ENTRY_KINDS if k.lasting)  # an active entry has a stop to set
    assert set(PATIENT_TABLES) == {"patients", *KINDS} - NO_TABLE
    documented = (ROOT / "docs" / "record.md").read_text(encoding="utf-8")
    missing = [k for k in KINDS if f"| `{k}` |" not in documented]
    assert not missing, f"record kinds missing from docs/record.md: {missing}"


@pytest.mark.parametrize("fmt", ["json", "fhir", "fhir-ndjson", "csv", "omop", "notes"])
def test_every_exporter_writes_every_kind_it_does_not_skip(records: list[dict[str, Any]], fmt: str) -> None:
    """Emptying one list changes the output exactly when the exporter does not declare it skipped."""
    population = Population(Settings(seed=11, reference_date=dt.date(2025, 1, 1)))  # the records' world
    ctx = RunContext(settings=population.settings, world=population.world, out_dir=Path("/nonexistent"))
    exporter = exporter_class(fmt)(ctx)

    def size(record: dict[str, Any]) -> int:
        rendered = exporter.render(record)
        return sum(len(b) for _, b in rendered.files) + sum(len(b) for _, b in rendered.rows)

    assert exporter.skipped_kinds <= set(KINDS)
    for kind in KINDS[1:]:  # every other kind points at encounters, which every format writes
        record = next(r for r in records if r[kind])
        emptied = {**copy.deepcopy(record), kind: []}
        if kind == "observations":
            emptied["reports"] = []  # a report without its results would be dropped anyway
        assert (size(emptied) < size(record)) == (kind not in exporter.skipped_kinds), kind
