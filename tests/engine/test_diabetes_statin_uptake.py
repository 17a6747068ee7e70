"""The diabetes module's statin (ADA: 40-75) honours the statin uptake the hyperlipidemia module draws once per
adult, as the hyperlipidemia module's own statins do: about half of diabetics take one, as in NHANES."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.engine.harness import simulate

MODULES = Path(__file__).resolve().parents[2] / "modules"
YEAR = 365.25 * 86400
T2D = "44054006"


def test_diabetics_take_a_statin_only_when_they_drew_the_uptake() -> None:
    takers = decliners = 0
    for seed in range(24):
        sim, rec = simulate("diabetes", "hyperlipidemia", "wellness_encounters", gender="M" if seed % 2 else "F",
                            born=dt.date(1945, 1, 1), end=dt.date(2020, 1, 1), seed=seed, folder=MODULES)  # fmt: skip
        onsets = [c["start"] for c in rec["conditions"] if c["codes"][0]["code"] == T2D]
        if not onsets:
            continue
        age = (min(onsets) - rec["patient"]["birth_time"]) / YEAR
        if not 40 <= age <= 70:  # diagnosed with years of ADA's statin age still ahead
            continue
        statins = [m for m in rec["medications"] if "statin" in m["codes"][0]["display"]]
        if sim.attributes.get("statin_uptake"):
            takers += 1
            assert statins, f"seed {seed}: a diabetic who takes statins has none"
        else:
            decliners += 1
            assert not statins, f"seed {seed}: a diabetic who declines statins got one"
    assert takers and decliners
