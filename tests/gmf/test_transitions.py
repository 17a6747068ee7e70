"""One fixture module per transition type (direct is everywhere), with the path it must take."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.engine.harness import simulate, trace

FOLDER = Path(__file__).resolve().parents[1] / "fixtures" / "modules" / "transitions"


def _path(name: str, **kw: object) -> list[str]:
    sim, _ = simulate(name, folder=FOLDER, end=dt.date(2001, 1, 1), **kw)  # type: ignore[arg-type]
    return [s for _, _, s in trace(sim)]


@pytest.mark.parametrize(("gender", "branch"), [("F", "Young_Female"), ("M", "Other")])
def test_lookup_table_matches_age_and_gender(gender: str, branch: str) -> None:
    assert _path("lookup", gender=gender) == ["Pick", branch, "Terminal"]


def test_distributed_reads_named_probability_default() -> None:
    assert _path("distributed") == ["Pick", "Named", "Terminal"]


@pytest.mark.parametrize(("gender", "branch"), [("M", "Male"), ("F", "Female_A")])
def test_complex_condition_then_distribution(gender: str, branch: str) -> None:
    assert _path("complex", gender=gender) == ["Pick", branch, "Terminal"]


def test_type_of_care_before_telehealth_is_ambulatory_or_emergency() -> None:
    branches = {_path("type_of_care", seed=seed)[1] for seed in range(40)}
    assert branches == {"Amb", "ED"}  # born 2000: no telemedicine before 2020
