"""Fixtures for the CSV exporter tests: hand-made records, a stand-in world, a run context."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # not a package (it would shadow the stdlib csv)
from handmade_records import FakeWorld

from ehrsim.exporters.base import RunContext
from ehrsim.settings import Settings

REFERENCE_DATE = dt.date(2025, 1, 1)


@pytest.fixture
def fake_world() -> FakeWorld:
    return FakeWorld()


@pytest.fixture
def csv_ctx(tmp_path: Path, fake_world: FakeWorld) -> Callable[..., RunContext]:
    def build(out: Path | None = None, **options: Any) -> RunContext:
        out = out or tmp_path / "out"
        settings = Settings(reference_date=REFERENCE_DATE, out=out, formats=("csv",), **options)
        return RunContext(settings=settings, world=fake_world, out_dir=out)  # type: ignore[arg-type]

    return build
