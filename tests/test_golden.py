"""Golden files: a seeded 3-patient run in every format must equal ``output_samples/`` byte for byte.

Regenerate deliberately with ``pytest tests/test_golden.py --regen-golden`` (the command is also in
``output_samples/README.md``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ehrsim.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "output_samples"
FORMATS = ("json", "fhir", "fhir-ndjson", "csv", "omop")
ARGS = [
    "generate",
    "-p",
    "3",
    "-s",
    "42",
    "--reference-date",
    "2025-01-01",
    "--state",
    "Massachusetts",
    "-w",
    "1",
    "--no-progress",
    "-f",
    ",".join(FORMATS),
]
SKIP = {".duckdb", ".wal", ".parquet"}


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix not in SKIP and p.name != "README.md"
    }


def test_seeded_three_patient_run_matches_output_samples(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    out = tmp_path / "out"
    assert main([*ARGS, "-o", str(out)]) == 0
    fresh = {k: v for k, v in _files(out).items() if k.split("/")[0] in FORMATS or k == "metadata.json"}
    if request.config.getoption("--regen-golden"):
        for fmt in FORMATS:
            shutil.rmtree(SAMPLES / fmt, ignore_errors=True)
        for rel, data in fresh.items():
            (SAMPLES / rel).parent.mkdir(parents=True, exist_ok=True)
            (SAMPLES / rel).write_bytes(data)
        pytest.skip("golden files regenerated")
    golden = {k: v for k, v in _files(SAMPLES).items() if k.split("/")[0] in FORMATS or k == "metadata.json"}
    if not golden:
        pytest.fail("output_samples/ is empty: run `pytest tests/test_golden.py --regen-golden`")
    assert sorted(fresh) == sorted(golden)
    changed = [k for k in fresh if fresh[k] != golden[k]]
    assert changed == [], f"outputs differ from output_samples/: {changed[:10]}"
