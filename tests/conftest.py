"""Shared fixtures: paths, the ../shared folder (optional), and a seeded engine harness."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FIXTURE_MODULES = ROOT / "tests" / "fixtures" / "modules"

needs_shared = pytest.mark.skipif(
    not (SHARED / "synthea" / "modules").is_dir(),
    reason="../shared (Synthea modules and conformance tools) is not present",
)


@pytest.fixture
def reference_date() -> dt.date:
    return dt.date(2025, 1, 1)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regen-golden",
        action="store_true",
        default=False,
        help="rewrite output_samples/ from a fresh seeded 3-patient run instead of comparing with it",
    )
