"""A tiny module library so that run tests spend their time on the run machinery, not on medicine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


def write_module(folder: Path, code: str = "38341003") -> Path:
    """One module recording one condition at birth (its code is the knob a test edits)."""
    folder.mkdir(parents=True, exist_ok=True)
    display = {"38341003": "Hypertension (disorder)", "44054006": "Diabetes mellitus type 2 (disorder)"}[code]
    states = {
        "Initial": {"type": "Initial", "direct_transition": "Onset"},
        "Onset": {
            "type": "ConditionOnset",
            "codes": [{"system": "SNOMED-CT", "code": code, "display": display}],
            "direct_transition": "Terminal",
        },
        "Terminal": {"type": "Terminal"},
    }
    path = folder / "tiny.json"
    path.write_text(json.dumps({"name": "tiny", "states": states}))
    return folder


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return write_module(tmp_path / "modules")


def generate_args(out: Path, modules: Path, *extra: str, population: int = 6, shard: int = 2) -> list[str]:
    return [
        "generate", "-p", str(population), "-s", "5", "--reference-date", "2025-01-01", "-o", str(out),
        "--modules", str(modules), "-w", "1", "--shard-size", str(shard), "--no-progress", *extra,
    ]  # fmt: skip
