from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

import ehrsim
from ehrsim.cases import CaseSpec, make_cases

SPEC = CaseSpec(
    title="Test cases",
    conditions=("44054006", "59621000"),  # type 2 diabetes, essential hypertension
    cases=3,
    age=(30, 90),
    stages=3,
)


@pytest.fixture(scope="session")
def case_records() -> list[dict[str, Any]]:
    return list(
        ehrsim.generate(40, seed=21, reference_date=dt.date(2025, 1, 1), age_min=50, age_max=85, years_of_history=0)
    )


@pytest.fixture(scope="session")
def case_set(case_records: list[dict[str, Any]], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Any]]:
    out = tmp_path_factory.mktemp("cases")
    return out, make_cases(SPEC, out, records=case_records)
