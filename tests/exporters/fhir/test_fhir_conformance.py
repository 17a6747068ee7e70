"""The independent checkers (Medplum, HL7 JSON schema, reference integrity) find zero problems."""

from __future__ import annotations

import pytest

from ehrsim.validate import validate_paths
from tests.exporters.fhir.conformance import SYNTHEA_MODULES, engine_output, fhir_check, handmade_output, needs_tools

pytestmark = [pytest.mark.shared, needs_tools]


@pytest.mark.parametrize("options", [{}, {"fhir_references": "bundled", "fhir_bundle": "collection"}])
def test_handmade_patients_pass_fhir_check(tmp_path, options) -> None:
    out = handmade_output(tmp_path, 50, **options)
    result = fhir_check(out / "fhir", out / "fhir-ndjson")
    assert result.returncode == 0, result.stdout[-5000:]
    # 50 patient bundles + shared.json; 18 patient types (with DocumentReference) + 4 shared types + import.json
    assert "fhir-check: passed on 74 file(s)" in result.stdout


def test_generated_patients_pass_fhir_check_and_validate(tmp_path) -> None:
    out = engine_output(tmp_path, 50)
    result = fhir_check(out / "fhir")  # the NDJSON holds the same resources; checked below by ehrsim
    assert result.returncode == 0, result.stdout[-5000:]
    report = validate_paths([out / "fhir"])
    assert report.ok, report.text()
    assert validate_paths([out / "fhir-ndjson"], structural=False).ok


@pytest.mark.slow
@pytest.mark.skipif(not SYNTHEA_MODULES.is_dir(), reason="../shared/synthea/modules is not present")
def test_whole_synthea_library_passes_fhir_check(tmp_path) -> None:
    out = engine_output(tmp_path, 20, modules=(SYNTHEA_MODULES,), lenient=True)
    result = fhir_check(out / "fhir", out / "fhir-ndjson")
    assert result.returncode == 0, result.stdout[-5000:]
    report = validate_paths([out / "fhir"], structural=False)
    assert report.ok, report.text()
