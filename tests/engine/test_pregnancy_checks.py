"""Each pregnancy gets its own once-per-pregnancy checks (anatomy scan, glucose challenge), not only the first:
the module's PriorState checks look back to this pregnancy's conception."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.engine.harness import simulate

MODULES = Path(__file__).resolve().parents[2] / "modules"


def test_every_pregnancy_past_24_weeks_has_a_glucose_challenge_and_an_anatomy_scan() -> None:
    several = 0
    for seed in range(8):
        _, rec = simulate("pregnancy", born=dt.date(1975, 1, 1), end=dt.date(2020, 1, 1), seed=seed,
                            gender="F", folder=MODULES)  # fmt: skip
        deliveries = [p for p in rec["procedures"] if p["codes"][0]["display"].lower().find("delivery") >= 0]
        gct = [o for o in rec["observations"] if o["codes"][0]["code"] == "1504-0"]
        scans = [p for p in rec["procedures"] if p["codes"][0]["code"] == "271442007"]
        if len(deliveries) >= 2:
            several += 1
        # every delivery at term follows its own screening (a preterm birth before 24 weeks is too rare to matter here)
        assert len(gct) >= len(deliveries) and len(scans) >= len(deliveries), (seed, len(deliveries), len(gct))
    assert several >= 1  # the test must see women with more than one pregnancy
