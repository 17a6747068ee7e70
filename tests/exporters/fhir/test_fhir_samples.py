"""The committed FHIR sample (output_samples/fhir) stays valid and complete."""

from __future__ import annotations

from pathlib import Path

from ehrsim.validate import validate_paths

SAMPLE = Path(__file__).resolve().parents[3] / "output_samples" / "fhir"


def test_sample_is_three_patients_plus_shared_and_valid() -> None:
    assert SAMPLE.is_dir(), "output_samples/fhir is missing (pytest tests/test_golden.py --regen-golden)"
    files = sorted(p.name for p in SAMPLE.glob("*.json"))
    assert "shared.json" in files and len(files) == 4
    report = validate_paths([SAMPLE])
    assert report.ok, report.text()
