from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ehrsim.exporters.base import RunContext
from ehrsim.settings import Settings
from tests.exporters.fhir.fhir_records import REFERENCE_DATE, WorldStub, make_record


@pytest.fixture
def world() -> WorldStub:
    return WorldStub()


@pytest.fixture
def record() -> dict[str, Any]:
    return make_record(0)


@pytest.fixture
def make_ctx(tmp_path: Path, world: WorldStub) -> Callable[..., RunContext]:
    def build(**options: Any) -> RunContext:
        settings = Settings(reference_date=REFERENCE_DATE, out=tmp_path, **options)
        return RunContext(settings=settings, world=world, out_dir=tmp_path)  # type: ignore[arg-type]

    return build
