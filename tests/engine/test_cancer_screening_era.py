"""Cancer screening (modules/cancer_screening.json) in its era and at its pace (s19review chart review): no cervical
smear before 1941, screening mammogram before December 1963, colonoscopy before June 1969 or PSA before July 1980,
and a colonoscopy weeks after the wellness visit that ordered it, never 15 minutes after it (bowel preparation)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from ehrsim.record.times import from_date
from tests.engine.harness import simulate

MODULES = Path(__file__).resolve().parents[2] / "modules"
DAY = 86400
FIRST = {  # code -> first date it may appear (terminology/physiology/test_availability.csv)
    "90226004": dt.date(1941, 8, 1),  # cervical smear
    "24623002": dt.date(1963, 12, 1),  # screening mammography
    "104435004": dt.date(1968, 1, 1),  # stool occult blood
    "73761001": dt.date(1969, 6, 1),  # colonoscopy
}
PSA = "2857-1"


@pytest.mark.parametrize(
    ("gender", "born", "seed"),
    [
        ("F", dt.date(1900, 1, 1), 0),
        ("F", dt.date(1900, 1, 1), 1),
        ("M", dt.date(1915, 1, 1), 0),
        ("M", dt.date(1915, 1, 1), 2),
    ],
)
def test_no_screening_before_the_test_existed_and_colonoscopy_weeks_after_the_visit(
    tmp_path: Path, gender: str, born: dt.date, seed: int
) -> None:
    shutil.copy(MODULES / "cancer_screening.json", tmp_path / "cancer_screening.json")
    _, rec = simulate("cancer_screening", gender=gender, born=born, end=dt.date(1995, 1, 1), seed=seed, folder=tmp_path)
    seen = {p["codes"][0]["code"]: p["start"] for p in reversed(rec["procedures"])}  # the first of each
    for code, first in FIRST.items():
        assert code not in seen or seen[code] >= from_date(first), (code, seen[code])
    psa = [o["time"] for o in rec["observations"] if o["codes"][0]["code"] == PSA]
    assert not psa or min(psa) >= from_date(dt.date(1980, 7, 1))
    assert seen, "a life from 1900 or 1915 to 1995 is screened at least once"
    visits = sorted(e["stop"] for e in rec["encounters"] if e["class"] == "wellness")
    for p in rec["procedures"]:
        if p["codes"][0]["code"] == "73761001":
            last_visit = max(v for v in visits if v <= p["start"])
            assert 8 * DAY <= p["start"] - last_visit <= 60 * DAY + 3600, (p["start"] - last_visit) / DAY
