"""``ehrsim upload`` against real FHIR servers on loopback (../shared/tools/fhir-server)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from ehrsim.upload import upload
from tests.exporters.fhir.conformance import engine_output, fhir_server, handmade_output, needs_tools
from tests.exporters.fhir.fhir_checks import references

pytestmark = [pytest.mark.shared, needs_tools]


def count(base: str, rtype: str) -> int:
    return int(httpx.get(f"{base}/{rtype}", params={"_summary": "count"}, timeout=60).json()["total"])


def check_loaded(base: str, out: Path, patients: int, journal: Path) -> None:
    summary = upload([out], base, concurrency=4, journal=journal)
    assert summary.failed == [], summary.text()
    assert summary.loaded == patients + 1 and summary.resources > patients * 10
    assert count(base, "Patient") == patients
    observations = count(base, "Observation")
    # read one patient back and follow every reference its resources hold
    pid = httpx.get(f"{base}/Patient", params={"_count": 1}, timeout=60).json()["entry"][0]["resource"]["id"]
    found = httpx.get(f"{base}/Encounter", params={"patient": f"Patient/{pid}"}, timeout=60).json()
    encounters = [e["resource"] for e in found.get("entry", [])]
    assert encounters
    for ref in sorted({r for enc in encounters for r in references(enc)}):
        assert httpx.get(f"{base}/{ref}", timeout=60).status_code == 200, ref
    # a rerun skips everything; a forced rerun (no journal) updates in place: no duplicates
    assert upload([out], base, journal=journal).skipped == patients + 1
    again = upload([out], base, concurrency=4, journal=None)
    assert again.failed == [] and again.loaded == patients + 1
    assert count(base, "Patient") == patients and count(base, "Observation") == observations


@pytest.mark.parametrize("medplum", [False, True], ids=["sekmet", "medplum"])
def test_upload_handmade_patients(tmp_path, medplum) -> None:
    out = handmade_output(tmp_path, 50)
    with fhir_server(medplum) as base:
        check_loaded(base, out / "fhir", 50, tmp_path / "journal.jsonl")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """50 generated patients, made once for both servers."""
    return engine_output(tmp_path_factory.mktemp("generated"), 50)


@pytest.mark.slow
@pytest.mark.parametrize("medplum", [False, True], ids=["sekmet", "medplum"])
def test_upload_generated_patients(tmp_path, generated, medplum) -> None:
    with fhir_server(medplum) as base:
        check_loaded(base, generated / "fhir", 50, tmp_path / "journal.jsonl")


def test_upload_ndjson(tmp_path) -> None:
    out = handmade_output(tmp_path, 10)
    with fhir_server() as base:
        summary = upload([out / "fhir-ndjson"], base, concurrency=4, batch_size=50)
        assert summary.failed == [], summary.text()
        assert count(base, "Patient") == 10
