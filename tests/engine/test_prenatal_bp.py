"""A prenatal visit whose module records no blood pressure takes one (engine/stay_vitals.py, key ``prenatal``):
Synthea's pregnancy module diagnoses pre-eclampsia at prenatal visits with no reading (79 of 80 on 300 lives)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.engine.harness import simulate

SYSTOLIC, DIASTOLIC, PANEL = "8480-6", "8462-4", "85354-9"


def _readings(record: dict[str, Any], enc: dict[str, Any]) -> list[tuple[float, float]]:
    out = []
    for o in record["observations"]:
        if o["encounter"] == enc["id"] and o["codes"][0]["code"] == PANEL:
            parts = {c["codes"][0]["code"]: c["value"] for c in o["components"]}
            out.append((parts[SYSTOLIC], parts[DIASTOLIC]))
    return out


def test_a_prenatal_visit_diagnosing_pre_eclampsia_records_a_raised_reading() -> None:
    for seed in range(5):
        _sim, record = simulate("prenatal_preeclampsia", born=dt.date(1990, 1, 1), seed=seed)
        week_32, week_36, follow_up = [e for e in record["encounters"] if e["module"] == "prenatal_preeclampsia"]
        (condition,) = [c for c in record["conditions"] if c["codes"][0]["code"] == "398254007"]
        assert condition["encounter"] == week_32["id"]
        (reading,) = _readings(record, week_32)  # the core's, at the visit's start
        assert reading[0] >= 140 or reading[1] >= 90, (seed, reading)  # pre-eclampsia's BP (ACOG PB 222)
        assert len(_readings(record, week_36)) == 1  # the module's own reading: none added
        assert not _readings(record, follow_up)  # not a prenatal visit
