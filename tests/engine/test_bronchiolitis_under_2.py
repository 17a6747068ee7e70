"""modules/acute_bronchitis.json: under 2 years the lower respiratory infection is bronchiolitis (SNOMED 4120002) with
supportive care only, no albuterol or antitussive (AAP 2014); from 2 it is acute bronchitis."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from ehrsim.record.times import from_date
from tests.engine.harness import simulate

MODULES = Path(__file__).resolve().parents[2] / "modules"
YEAR = 365.25 * 86_400


def test_infants_get_bronchiolitis_and_no_bronchodilator_older_children_bronchitis(tmp_path: Path) -> None:
    shutil.copy(MODULES / "acute_bronchitis.json", tmp_path / "acute_bronchitis.json")
    born = dt.date(2010, 1, 1)
    birth = from_date(born)
    seen = {"4120002": 0, "10509002": 0}
    for seed in range(200):
        _, rec = simulate("acute_bronchitis", born=born, end=dt.date(2013, 1, 1), folder=tmp_path, seed=seed)
        for c in rec["conditions"]:
            code, age = c["codes"][0]["code"], (c["start"] - birth) / YEAR
            if code in seen:
                seen[code] += 1
                assert (code == "4120002") == (age < 2.0), (seed, code, age)
                if code == "4120002":  # nothing but supportive care at that visit
                    assert not [m for m in rec["medications"] if m.get("encounter") == c.get("encounter")], seed
                visit = next(e for e in rec["encounters"] if e["id"] == c.get("encounter"))
                # the visit is for what it diagnosed (a bronchiolitis visit's chief complaint read "Acute bronchitis")
                assert [r["code"] for r in visit["reason"]] == [code], (seed, visit["reason"])
    assert seen["4120002"] and seen["10509002"], seen
