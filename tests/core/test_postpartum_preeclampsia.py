"""Pre-eclampsia's blood-pressure floor holds in pregnancy and fades after the birth (postpartum_effects.csv): the
disorder stays on the chart until a normal reading ends it, but the body recovers (median about a month, 90 % by 77
days), so a woman without hypertension of her own reads normal again by the 12-week check (ACOG PB 222)."""

from __future__ import annotations

import numpy as np

from ehrsim.core import physio_pregnancy
from ehrsim.core.physiology import Physiology

DAY = 86_400.0
WEEK = 7 * DAY
PREECLAMPSIA = {"398254007": {"codes": [{"system": "SNOMED-CT", "code": "398254007"}]}}


def _systolic(seed: int) -> tuple[float, float, float, float]:
    body = Physiology(np.random.default_rng(seed), "F", "white")
    t0 = 1_000_000_000.0
    before = body.update(28, {}, t0 - DAY)["Systolic Blood Pressure"]
    body.pregnancy(True, t0, 23.0)
    end = t0 + 38 * WEEK
    pregnant = body.update(28, {"pregnant": True}, end - DAY, PREECLAMPSIA)["Systolic Blood Pressure"]
    body.pregnancy(False, end, 23.0)
    day3 = body.update(28, {}, end + 3 * DAY, PREECLAMPSIA)["Systolic Blood Pressure"]
    week12 = body.update(28, {}, end + 84 * DAY, PREECLAMPSIA)["Systolic Blood Pressure"]
    return before, pregnant, day3, week12


def test_the_preeclampsia_floor_holds_to_the_birth_and_is_gone_by_twelve_weeks() -> None:
    for seed in range(6):
        before, pregnant, day3, week12 = _systolic(seed)
        assert pregnant >= 152 and day3 >= 152  # the floor (152 + 8|z|) in pregnancy and days after the birth
        assert week12 < 140 and abs(week12 - before) < 10  # her own pressure again


def test_the_recovery_day_is_drawn_per_woman_within_the_sourced_range() -> None:
    low, high = physio_pregnancy.postpartum_effects()["SNOMED:398254007"]
    assert (low, high) == (14.0, 77.0)
    body = Physiology(np.random.default_rng(3), "F", "white")
    keys = ["SNOMED:398254007", "attribute:hypertension"]
    body.pregnancy(True, 0.0, 23.0)
    assert physio_pregnancy.pregnancy_bound(keys, body, 30 * WEEK) == keys  # pregnant: held
    body.pregnancy(False, 38 * WEEK, 23.0)
    assert physio_pregnancy.pregnancy_bound(keys, body, 38 * WEEK + 10 * DAY) == keys
    assert physio_pregnancy.pregnancy_bound(keys, body, 38 * WEEK + 80 * DAY) == ["attribute:hypertension"]
