"""Nothing after death: entries the core writes ahead of the clock (the birth stay's hearing and metabolic screens at
12-48 hours) are dropped when the newborn dies first (common since infant deaths are timed by age: about 4 in 10 on
the first day)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from tests.engine.harness import simulate

UNKNOWN_CAUSE = {"system": "SNOMED-CT", "code": "9855000", "display": "Natural death with unknown cause (event)"}
DIES_AT_6_HOURS = {
    "name": "Dies at 6 hours",
    "gmf_version": 2,
    "states": {
        "Initial": {"type": "Initial", "direct_transition": "Wait"},
        "Wait": {"type": "Delay", "exact": {"quantity": 6, "unit": "hours"}, "direct_transition": "Death"},
        "Death": {
            "type": "Death",
            "codes": [UNKNOWN_CAUSE],
            "direct_transition": "Terminal",
        },
        "Terminal": {"type": "Terminal"},
    },
}


def test_a_newborn_dying_on_the_first_day_has_nothing_after_death(tmp_path: Path) -> None:
    (tmp_path / "dies.json").write_text(json.dumps(DIES_AT_6_HOURS))
    stays = 0
    for seed in range(6):
        _, rec = simulate("dies", born=dt.date(2020, 3, 1), end=dt.date(2021, 3, 1), seed=seed, folder=tmp_path)
        death = rec["death"]["time"]
        assert death - rec["patient"]["birth_time"] == 6 * 3600
        for kind, field in (("observations", "time"), ("procedures", "start"), ("immunizations", "time")):
            assert all(e[field] <= death for e in rec[kind]), (seed, kind)
        stays += any(e["class"] == "inpatient" for e in rec["encounters"])
    assert stays  # some newborn was in a birth stay (the test judges something)
