"""Shared fixtures: paths, the ../shared folder (optional), and a seeded engine harness."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests draw the same examples on every run unless EHRSIM_HYPOTHESIS=explore: a CI run must not pass or fail
# by the luck of its draws (an explored example that fails is kept as a plain test).
settings.register_profile("ci", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile("explore" if os.environ.get("EHRSIM_HYPOTHESIS") == "explore" else "ci")

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
