"""Rates written into our care library's data match their sources (s13preg): NCHS gestational age, Skripak 2007."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

MODULES = Path(__file__).resolve().parents[2] / "modules"


def test_delivery_week_table_follows_nchs() -> None:
    with open(MODULES / "lookup_tables" / "pregnancy_delivery_week.csv", newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    weeks = {int(k.rsplit("_", 1)[1]): float(v) for k, v in row.items() if k.startswith("Deliver_At_")}
    assert sorted(weeks) == list(range(24, 42))
    assert sum(weeks.values()) == pytest.approx(1.0, abs=1e-9)

    def share(lo: int, hi: int) -> float:
        return sum(p for w, p in weeks.items() if lo <= w <= hi)

    # NVSR 73(1) 2024 singletons 2022 (< 34, 34-36); the same series' 2023 term shares scaled to 91.33 %
    assert share(24, 33) == pytest.approx(0.0216, abs=1e-6)
    assert share(34, 36) == pytest.approx(0.0651, abs=1e-6)
    assert share(37, 38) == pytest.approx(0.2965, abs=1e-6)
    assert share(39, 40) == pytest.approx(0.5670, abs=1e-6)
    assert share(41, 41) == pytest.approx(0.0498, abs=1e-6)
    # HRSA 2008 ratio: under 32 weeks 2.0 of 3.6 % under 34
    assert share(24, 31) / share(24, 33) == pytest.approx(2.0 / 3.6, abs=0.01)


def test_pregnancy_module_reads_the_table_for_every_week() -> None:
    states = json.loads((MODULES / "pregnancy.json").read_text())["states"]
    roll = states["Delivery_Week_Roll"]["lookup_table_transition"]
    assert {t["transition"] for t in roll} == {f"Deliver_At_{w}" for w in range(24, 42)}
    for w in range(24, 42):  # the countdown starts at the 8-week visit
        assert states[f"Deliver_At_{w}"]["value"] == w - 8
    assert "Preterm_Roll" not in states  # the old 8 % labour at 32-35 weeks is gone


def test_milk_allergy_resolution_follows_skripak_2007() -> None:
    states = json.loads((MODULES / "milk_allergy_course.json").read_text())["states"]
    chain = ["Before_4_Roll", "From_4_Roll", "From_8_Roll", "From_12_Roll"]
    persisting, cumulative = 1.0, []
    for name in chain:
        p = states[name]["distributed_transition"][0]["distribution"]
        persisting *= 1 - p
        cumulative.append(1 - persisting)
    # resolved by 4, 8, 12 and 16 years: 19, 42, 64, 79 %
    assert cumulative == pytest.approx([0.19, 0.42, 0.64, 0.79], abs=0.005)
