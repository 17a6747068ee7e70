"""modules/contraception.json: current use at 15-19 near NSFG 2017-2019's 38 % (Daniels & Abma, NCHS Data Brief 388).

A method chosen at 39 % of choices under 20 lasts 1-4 years while no method is chosen again after 6-24 months, so
use built up to about half (the audit runs on seeds 1-3 read 58 %, 56 % and 69 %); the chance of a method at a choice
under 20 is now 21 % (s18seeds)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from tests.engine.harness import simulate

MODULES = Path(__file__).resolve().parents[2] / "modules"
CONTRACEPTION = "13197004"  # SNOMED CT Contraception (finding), the module's reason for every method


def test_teen_contraceptive_use_near_nsfg(tmp_path: Path) -> None:
    shutil.copy(MODULES / "contraception.json", tmp_path / "contraception.json")
    end = dt.date(2025, 1, 1)
    using = 0
    n = 200
    for seed in range(n):  # born 2005-2009: 15-19 at the end, ages spread evenly
        born = dt.date(2005, 1, 2) + dt.timedelta(days=int(seed * 5 * 365.25 / n))
        _, rec = simulate("contraception", born=born, end=end, folder=tmp_path, seed=seed)
        using += any(c["codes"][0]["code"] == CONTRACEPTION and c.get("stop") is None for c in rec["conditions"])
    # NSFG 38 %, the realism band 30-46 %; the module alone (no pregnancies) read 109 of 200 before, 65 after
    assert 0.22 <= using / n <= 0.40, using
