from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from ehrsim.errors import UploadError
from ehrsim.exporters.base import RunContext
from ehrsim.exporters.fhir.exporter import FhirExporter, FhirNdjsonExporter
from ehrsim.settings import Settings
from ehrsim.upload import upload
from ehrsim.upload.runner import parse_headers
from tests.exporters.fhir.fhir_records import REFERENCE_DATE, WorldStub, make_record
from tests.upload.fake_server import FakeServer

BASE = "http://fhir.test/fhir"


def write_bundles(folder: Path, n: int = 3, **options: Any) -> Path:
    settings = Settings(reference_date=REFERENCE_DATE, out=folder, **options)
    ex = FhirExporter(RunContext(settings=settings, world=WorldStub(), out_dir=folder))  # type: ignore[arg-type]
    ex.out.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        for name, data in ex.render(make_record(i)).files:
            (ex.out / name).write_bytes(data)
    ex.finish({})
    return ex.out


def run(server: FakeServer, paths: list[Path], **kw: Any):
    kw.setdefault("sleep", lambda s: None)
    return upload(paths, BASE, transport=server.transport(), **kw)


def test_loads_shared_bundle_first_then_patients(tmp_path) -> None:
    out = write_bundles(tmp_path)
    server = FakeServer()
    summary = run(server, [out], concurrency=3, journal=tmp_path / "j.jsonl")
    assert summary.failed == [] and summary.loaded == 4
    first = orjson.loads(server.requests[0].content)
    assert first["id"] == "ehrsim-shared"
    assert server.count("Patient") == 3 and server.count("Organization") == 2
    assert summary.resources == len(server.store)
    assert str(server.requests[0].url) == BASE


def test_rerun_skips_journaled_items_and_changed_files_are_resent(tmp_path) -> None:
    out = write_bundles(tmp_path)
    server = FakeServer()
    journal = tmp_path / "j.jsonl"
    run(server, [out], journal=journal)
    sent = len(server.requests)
    again = run(server, [out], journal=journal)
    assert again.skipped == 4 and again.loaded == 0 and len(server.requests) == sent
    patient_file = next(p for p in out.glob("*.json") if p.name != "shared.json")
    patient_file.write_bytes(patient_file.read_bytes().replace(b'"final"', b'"amended"'))
    third = run(server, [out], journal=journal)
    assert third.loaded == 1 and third.skipped == 3
    assert server.count("Patient") == 3  # PUT by id: no duplicates


def test_retries_429_5xx_and_connection_errors(tmp_path) -> None:
    out = write_bundles(tmp_path, n=1)
    server = FakeServer()
    waits: list[float] = []

    def refuse(request: httpx.Request) -> None:
        raise httpx.ConnectError("refused", request=request)

    server.failures = [
        lambda r: httpx.Response(429, headers={"Retry-After": "7"}),
        lambda r: httpx.Response(503),
        refuse,
    ]
    summary = run(server, [out], concurrency=1, journal=None, sleep=waits.append, backoff=0.5)
    assert summary.failed == [] and summary.loaded == 2
    assert waits == [7.0, 1.0, 2.0]


def test_gives_up_after_retries_and_reports_the_operation_outcome(tmp_path) -> None:
    out = write_bundles(tmp_path, n=1)
    server = FakeServer()
    server.failures = [lambda r: httpx.Response(503)] * 3
    summary = run(server, [out], concurrency=1, retries=2)
    assert summary.loaded == 0 and len(summary.failed) == 1  # the shared bundle failed: patients not sent
    assert "503" in summary.failed[0][1]
    assert len(server.requests) == 3


def test_dangling_reference_failure_names_the_server_text(tmp_path) -> None:
    out = write_bundles(tmp_path, n=2)
    (out / "shared.json").unlink()
    summary = run(server := FakeServer(), [out], journal=tmp_path / "j.jsonl")
    assert len(summary.failed) == 2 and server.count("Patient") == 0
    assert all("HTTP 400: no " in msg for _, msg in summary.failed)
    assert not (tmp_path / "j.jsonl").exists() or b"Joan" not in (tmp_path / "j.jsonl").read_bytes()


def test_header_is_sent_but_never_logged(tmp_path, caplog) -> None:
    out = write_bundles(tmp_path, n=1)
    server = FakeServer()
    secret = "s3cr3t-token-value"
    with caplog.at_level(logging.DEBUG):
        run(server, [out], headers=parse_headers([f"Authorization: Bearer {secret}"]))
    assert server.requests[0].headers["Authorization"] == f"Bearer {secret}"
    assert secret not in caplog.text
    assert "Authorization" in caplog.text
    with pytest.raises(UploadError):
        parse_headers(["no colon here"])


def test_collection_bundles_are_sent_as_transactions(tmp_path) -> None:
    out = write_bundles(tmp_path, n=1, fhir_bundle="collection")
    server = FakeServer()
    assert run(server, [out]).failed == []
    assert {orjson.loads(r.content)["type"] for r in server.requests} == {"transaction"}
    assert server.count("Patient") == 1


def test_ndjson_loads_one_type_at_a_time_in_reference_order(tmp_path) -> None:
    settings = Settings(reference_date=REFERENCE_DATE, out=tmp_path)
    ex = FhirNdjsonExporter(RunContext(settings=settings, world=WorldStub(), out_dir=tmp_path))  # type: ignore[arg-type]
    ex.out.mkdir(parents=True)
    for i in range(3):
        for table, data in ex.render(make_record(i)).rows:
            with open(ex.out / ex.table_files[table], "ab") as fh:
                fh.write(data)
    ex.finish({})
    server = FakeServer()
    summary = run(server, [ex.out], concurrency=4, batch_size=2)
    assert summary.failed == []
    assert server.count("Observation") == 21 and server.count("Location") == 2
    order = [orjson.loads(r.content)["entry"][0]["resource"]["resourceType"] for r in server.requests]
    assert order[0] == "Organization" and order[-1] == "Provenance"
    assert order.index("Patient") < order.index("Encounter") < order.index("Condition")


def test_bad_arguments(tmp_path) -> None:
    with pytest.raises(UploadError):
        upload([tmp_path], BASE)  # nothing to upload
    out = write_bundles(tmp_path, n=1)
    with pytest.raises(UploadError):
        upload([out], "ftp://nope")


def test_cli_wires_options_and_exit_code(tmp_path, monkeypatch, capsys) -> None:
    import argparse

    import ehrsim.upload
    from ehrsim.cli import upload_cmd
    from ehrsim.upload.runner import UploadSummary

    out = write_bundles(tmp_path, n=1)
    seen: dict[str, Any] = {}

    def fake_upload(paths, server, **kw):
        seen.update(kw, paths=paths, server=server)
        return UploadSummary(loaded=1, failed=[("x.json", "HTTP 400: bad")])

    monkeypatch.setattr(ehrsim.upload, "upload", fake_upload)
    parser = argparse.ArgumentParser()
    upload_cmd.add_parser(parser.add_subparsers())
    (out / ".ehrsim-upload.jsonl").write_text("{}\n")
    args = parser.parse_args(["upload", "--server", BASE, "-c", "3", "--header", "X-Key: v", "--force", str(out)])
    assert args.func(args) == 1
    assert seen["journal"] == out / ".ehrsim-upload.jsonl" and not seen["journal"].exists()
    assert seen["headers"] == {"X-Key": "v"} and seen["concurrency"] == 3 and seen["server"] == BASE
    assert "FAILED x.json: HTTP 400: bad" in capsys.readouterr().out


def test_ndjson_chunks_are_byte_ranges_of_whole_lines(tmp_path) -> None:
    import gzip

    from ehrsim.upload.plan import build_plan

    lines = [orjson.dumps({"resourceType": "Patient", "id": f"p{i}"}) for i in range(7)]
    (tmp_path / "Patient.ndjson").write_bytes(b"\n".join(lines) + b"\n\n")
    (tmp_path / "Encounter.ndjson.gz").write_bytes(
        gzip.compress(b"\n".join(lines[:3]).replace(b"Patient", b"Encounter"))
    )
    plan = build_plan([tmp_path], batch_size=3)
    assert [i.key for i in plan] == [
        "Patient.ndjson#0",
        "Patient.ndjson#3",
        "Patient.ndjson#6",
        "Encounter.ndjson.gz#0",
    ]
    ids = [[e["resource"]["id"] for e in orjson.loads(i.body())["entry"]] for i in plan]
    assert ids == [["p0", "p1", "p2"], ["p3", "p4", "p5"], ["p6"], ["p0", "p1", "p2"]]
    assert orjson.loads(plan[-1].body())["entry"][0]["request"] == {"method": "PUT", "url": "Encounter/p0"}


def test_refused_first_connection_fails_at_once_and_retry_warnings_name_the_file(tmp_path, caplog) -> None:
    out = write_bundles(tmp_path, n=1)
    server = FakeServer()
    waits: list[float] = []

    def refuse(request: httpx.Request) -> None:
        raise httpx.ConnectError("Connection refused", request=request)

    server.failures = [refuse]
    with pytest.raises(UploadError, match=r"cannot connect to .*is the server running"):
        run(server, [out], concurrency=1, journal=None, sleep=waits.append)
    assert waits == [] and len(server.requests) == 1  # no 32 s of retries before saying so
    server = FakeServer()
    server.failures = [lambda r: httpx.Response(503)]
    with caplog.at_level(logging.WARNING):
        summary = run(server, [out], concurrency=1, journal=None)
    assert summary.failed == []
    assert any("shared.json" in r.getMessage() and "HTTP 503; retry 1/5" in r.getMessage() for r in caplog.records)
