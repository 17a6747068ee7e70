"""LookupTable.age_change: the next whole age at which the matched row changes (engine.loops plans until then)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from ehrsim.gmf.lookup import MAX_AGE, LookupTable
from ehrsim.gmf.values import SECONDS

YEAR = SECONDS["years"]
CSV = """age,gender,risk,Sick,Well
0-4,M,true,0.1,0.9
5-9,M,true,0.2,0.8
10-17,M,true,0.2,0.8
18-64.5,M,true,0.3,0.7
0-140,M,false,0.0,1.0
0-9,F,true,0.4,0.6
"""


@pytest.fixture
def table(tmp_path: Path) -> LookupTable:
    path = tmp_path / "t.csv"
    path.write_text(CSV)
    return LookupTable(path, {"Sick", "Well"})


def _sim(gender: str, risk: str) -> SimpleNamespace:
    return SimpleNamespace(birth_time=0.0, attributes={"gender": gender, "risk": risk})


def _brute(table: LookupTable, sim: SimpleNamespace, age: int) -> int | None:
    row = table.probabilities(sim, age * YEAR + 1.0)
    for later in range(age + 1, MAX_AGE + 1):
        if table.probabilities(sim, later * YEAR + 1.0) is not row:
            return later
    return None


def test_age_change_is_the_next_row_boundary(table: LookupTable) -> None:
    sim = _sim("M", "true")
    assert table.age_change(sim, 1 * YEAR + 1.0) == 5
    assert table.age_change(sim, 4 * YEAR + 1.0) == 5
    assert table.age_change(sim, 5 * YEAR + 1.0) == 10  # 5-9 and 10-17 hold the same numbers but are other rows
    assert table.age_change(sim, 6 * YEAR + 1.0) == 10
    assert table.age_change(sim, 30 * YEAR + 1.0) == 65  # 18-64.5: age 64 matches, 65 matches no row
    assert table.age_change(sim, 70 * YEAR + 1.0) is None  # no row from 65 on: the defaults hold for good
    assert table.age_change(_sim("M", "false"), 3 * YEAR + 1.0) == 141  # one row to 140, none after
    assert table.age_change(_sim("F", "true"), 2 * YEAR + 1.0) == 10


@pytest.mark.parametrize(("gender", "risk"), [("M", "true"), ("M", "false"), ("F", "true"), ("F", "false")])
def test_age_change_equals_probing_every_age(table: LookupTable, gender: str, risk: str) -> None:
    sim = _sim(gender, risk)
    for age in range(0, 100):
        assert table.age_change(sim, age * YEAR + 1.0) == _brute(table, sim, age), age
