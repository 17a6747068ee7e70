"""Fixtures for the OMOP exporter tests: hand-made records (shared with the CSV tests) and a run context."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
# csv/ and omop/ are not packages (a package named csv would shadow the stdlib): make the helpers importable
sys.path[:0] = [str(HERE), str(HERE.parent / "csv")]
from handmade_records import FakeWorld  # noqa: E402

from ehrsim.exporters.base import RunContext  # noqa: E402
from ehrsim.settings import Settings  # noqa: E402

REFERENCE_DATE = dt.date(2025, 1, 1)


@pytest.fixture
def omop_ctx(tmp_path: Path) -> Callable[..., RunContext]:
    def build(out: Path | None = None, world: Any = None, **options: Any) -> RunContext:
        out = out or tmp_path / "out"
        settings = Settings(reference_date=REFERENCE_DATE, out=out, formats=("omop",), **options)
        return RunContext(settings=settings, world=world or FakeWorld(), out_dir=out)  # type: ignore[arg-type]

    return build
