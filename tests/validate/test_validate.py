from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import orjson
import pytest

from ehrsim.cli import validate_cmd
from ehrsim.errors import ConfigError
from ehrsim.exporters.base import RunContext
from ehrsim.exporters.fhir.exporter import FhirExporter, FhirNdjsonExporter
from ehrsim.settings import Settings
from ehrsim.validate import validate_paths
from tests.exporters.fhir.fhir_records import REFERENCE_DATE, WorldStub, make_record


def write_output(tmp_path: Path, n: int = 2, **options: Any) -> Path:
    settings = Settings(reference_date=REFERENCE_DATE, out=tmp_path, **options)
    ex = FhirExporter(RunContext(settings=settings, world=WorldStub(), out_dir=tmp_path))  # type: ignore[arg-type]
    ex.out.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        for name, data in ex.render(make_record(i, alive=i % 2 == 0)).files:
            (ex.out / name).write_bytes(data)
    ex.finish({})
    return ex.out


def edit_first_bundle(folder: Path, change: Any) -> None:
    path = next(p for p in sorted(folder.glob("*.json")) if p.name != "shared.json")
    bundle = orjson.loads(path.read_bytes())
    change(bundle)
    path.write_bytes(orjson.dumps(bundle))


def resource(bundle: dict[str, Any], rtype: str) -> dict[str, Any]:
    return next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == rtype)


def test_exporter_output_is_clean(tmp_path) -> None:
    report = validate_paths([write_output(tmp_path)])
    assert report.ok, report.text()
    assert report.files == 3 and report.resources > 50


def test_ndjson_and_gzip_outputs_are_clean(tmp_path) -> None:
    gz = write_output(tmp_path / "gz", fhir_gzip=True)
    assert validate_paths([gz]).ok
    settings = Settings(reference_date=REFERENCE_DATE, out=tmp_path)
    ex = FhirNdjsonExporter(RunContext(settings=settings, world=WorldStub(), out_dir=tmp_path))  # type: ignore[arg-type]
    ex.out.mkdir(parents=True)
    for i in range(2):
        for table, data in ex.render(make_record(i)).rows:
            with open(ex.out / ex.table_files[table], "ab") as fh:
                fh.write(data)
    ex.finish({})
    report = validate_paths([ex.out])
    assert report.ok, report.text()


def test_missing_shared_bundle_leaves_dangling_references(tmp_path) -> None:
    out = write_output(tmp_path)
    (out / "shared.json").unlink()
    report = validate_paths([out])
    assert not report.ok
    assert {p.check for p in report.problems} == {"reference"}


@pytest.mark.parametrize(
    ("change", "check", "words"),
    [
        (lambda b: resource(b, "Patient").update(gender="robot"), "structure", "gender"),
        (lambda b: resource(b, "Observation").update(bogus=1), "structure", "bogus"),
        (lambda b: resource(b, "Encounter").pop("type"), "us-core", "us-core-encounter requires type"),
        (lambda b: resource(b, "Condition").pop("meta"), "us-core", "no meta.profile"),
        (lambda b: resource(b, "Encounter").update(subject={"reference": "Encounter/x"}), "reference", "subject"),
        (lambda b: resource(b, "Condition").update(encounter={"reference": "urn:uuid:nope"}), "reference", "nope"),
        (lambda b: resource(b, "Condition").update(onsetDateTime="1900-01-01T00:00:00Z"), "plausibility", "birth"),
        (lambda b: resource(b, "Encounter")["period"].update(end="2000-01-01T00:00:00Z"), "plausibility", "before"),
        (lambda b: b["entry"].append(b["entry"][1]), "structure", "duplicate fullUrl"),
        (lambda b: b["entry"][1].pop("request"), "structure", "needs a request"),
    ],
)
def test_each_check_catches_its_problem(tmp_path, change, check, words) -> None:
    out = write_output(tmp_path, n=1)
    edit_first_bundle(out, change)
    report = validate_paths([out])
    assert not report.ok
    assert any(p.check == check and words in p.message for p in report.problems), report.text()


def test_events_after_death_and_implausible_vitals(tmp_path) -> None:
    out = write_output(tmp_path, n=1)  # index 0 is alive; make it dead before its encounters

    def change(b: dict[str, Any]) -> None:
        resource(b, "Patient")["deceasedDateTime"] = "2019-01-01T00:00:00Z"
        obs = next(
            e["resource"]
            for e in b["entry"]
            if e["resource"].get("code", {}).get("coding", [{}])[0].get("code") == "8302-2"
        )
        obs["valueQuantity"]["value"] = 900.0

    edit_first_bundle(out, change)
    messages = [p.message for p in validate_paths([out]).problems if p.check == "plausibility"]
    assert any("after death" in m for m in messages)
    assert any("outside" in m and "8302-2" in m for m in messages)


def test_conditional_references_are_warnings(tmp_path) -> None:
    report = validate_paths([write_output(tmp_path, n=1, fhir_references="conditional")])
    assert report.ok
    assert report.problems and all(p.severity == "warning" for p in report.problems)


def test_cli_exit_codes_and_report(tmp_path, capsys) -> None:
    import argparse

    parser = argparse.ArgumentParser()
    validate_cmd.add_parser(parser.add_subparsers())
    out = write_output(tmp_path, n=1)
    args = parser.parse_args(["validate", str(out)])
    assert args.func(args) == 0
    assert capsys.readouterr().out.startswith("OK:")
    edit_first_bundle(out, lambda b: resource(b, "Encounter").pop("type"))
    assert args.func(args) == 1
    assert "FAILED" in capsys.readouterr().out
    with pytest.raises(ConfigError):
        validate_paths([tmp_path / "missing"])


def test_gzipped_garbage_is_reported(tmp_path) -> None:
    (tmp_path / "bad.json.gz").write_bytes(gzip.compress(b"{not json"))
    report = validate_paths([tmp_path])
    assert not report.ok and "not JSON" in report.problems[0].message
