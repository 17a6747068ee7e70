"""ehrsim's hypertension module titrates to a systolic goal of < 150 mmHg from 80 (s17htn, issue 11: women 80+ read
124 at the survey exam, NHANES median 141)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.engine.harness import simulate

MODULES = Path(__file__).resolve().parents[2] / "modules"
PANEL, SBP, DBP = "85354-9", "8480-6", "8462-4"
YEAR = 365.25 * 86400
DECISIONS = ("Confirm_Raised", "Clear_Raised")


def _lives(
    born: dt.date, seeds: range
) -> list[tuple[list[tuple[float, str]], list[tuple[float, float, float]], float]]:
    """(hypertension trace, BP readings, birth time) of each simulated life."""
    out = []
    for seed in seeds:
        sim, rec = simulate("hypertension", "wellness_encounters", gender="M" if seed % 2 else "F", born=born,
                            end=dt.date(2020, 1, 1), seed=seed, folder=MODULES)  # fmt: skip
        assert sim.trace is not None
        steps = [(t, s) for t, m, s in sim.trace if m == "hypertension"]
        readings = []
        for o in rec["observations"]:
            if o["codes"][0]["code"] == PANEL:
                v = {c["codes"][0]["code"]: c["value"] for c in o["components"]}
                readings.append((o["time"], o["n"], v[SBP], v[DBP]))
        readings.sort()
        out.append((steps, [(t, s, d) for t, _, s, d in readings], sim.birth_time))
    return out


def _reading_at(readings: list[tuple[float, float, float]], t: float) -> tuple[float, float, float]:
    return [r for r in readings if r[0] <= t][-1]


def test_from_80_the_systolic_goal_is_150() -> None:
    """HYVET / JNC 8: at 80 and older a systolic reading of 140-149 (diastolic < 90) is at goal and changes nothing."""
    at_goal = raised = 0
    for steps, readings, birth in _lives(dt.date(1925, 1, 1), range(24)):
        for t, state in steps:
            if state not in DECISIONS or (t - birth) / YEAR < 80:
                continue
            _, sbp, dbp = _reading_at(readings, t)
            if state == "Clear_Raised":
                at_goal += 140 <= sbp < 150 and dbp < 90
            else:
                raised += 1
                assert sbp >= 150 or dbp >= 90
    assert at_goal > 0 and raised > 0
