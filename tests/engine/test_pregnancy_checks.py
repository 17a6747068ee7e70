"""Each pregnancy gets its own once-per-pregnancy checks (anatomy scan, glucose challenge), not only the first:
the module's PriorState checks look back to this pregnancy's conception."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ehrsim.record.times import from_date
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


def test_gbs_culture_since_2002_with_penicillin_in_labour_and_gestational_diabetes_only_on_a_3_hour_ogtt() -> None:
    screens = cultures = gdm = positives = 0
    for seed in range(12):
        _, rec = simulate("pregnancy", born=dt.date(1980, 1, 1), end=dt.date(2024, 1, 1), seed=seed,
                            gender="F", folder=MODULES)  # fmt: skip
        obs = rec["observations"]
        gbs = [o for o in obs if o["codes"][0]["code"] == "72607-5"]
        cultures += len(gbs)
        assert all(o["time"] >= from_date(dt.date(2002, 1, 1)) for o in gbs)
        screens += sum(o["codes"][0]["code"] == "1504-0" for o in obs)
        penicillin = [m["start"] for m in rec["medications"] if m["codes"][0]["code"] == "105078"]
        for o in gbs:  # a positive culture: intrapartum penicillin G at the delivery that follows
            if o["value"]["code"] == "10828004":
                positives += 1
                assert any(t > o["time"] for t in penicillin), seed
        for c in rec["conditions"]:
            if c["codes"][0]["code"] == "11687002":  # gestational diabetes: a diagnostic 100 g OGTT first
                gdm += 1
                ogtt = [o for o in obs if o["codes"][0]["code"] == "1501-6" and o["time"] <= c["start"]]
                assert ogtt and ogtt[-1]["value"] >= 180
    assert cultures >= 1 and screens >= 1 and positives >= 1
    assert gdm < screens  # a positive screen is not a diagnosis
