"""natural_causes tables: diagnosed diabetics die of the residual causes HR times as often, population-neutral."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from ehrsim.paths import modules_dir, terminology_dir


def _table(path: Path) -> dict[str, float]:
    with open(path, newline="") as fh:
        return {r["age"]: float(r["Natural_Death"]) for r in csv.DictReader(fh)}


def _hr(low: int) -> float:
    return 1.0 if low < 20 else 3.0 if low < 85 else 2.0 if low < 95 else 1.5


@pytest.mark.parametrize("sex", ["male", "female"])
def test_diabetic_table_is_the_base_times_the_relative_hazard(sex: str) -> None:
    folder = modules_dir() / "lookup_tables"
    base = _table(folder / f"natural_causes_{sex}.csv")
    diabetic = _table(folder / f"natural_causes_{sex}_diabetes.csv")
    assert base.keys() == diabetic.keys()
    for band, q in base.items():
        assert diabetic[band] == pytest.approx(q * _hr(int(band.split("-")[0])), rel=1e-4), band


@pytest.mark.parametrize("sex", ["male", "female"])
def test_other_libraries_get_no_diabetes_effect(sex: str) -> None:
    """The gap tables for Synthea's library were measured without it: both tables are the same there."""
    folder = terminology_dir() / "deaths" / "added_natural_causes"
    assert _table(folder / f"natural_causes_{sex}.csv") == _table(folder / f"natural_causes_{sex}_diabetes.csv")


def test_the_module_sends_diagnosed_diabetics_to_their_tables() -> None:
    states = json.loads((modules_dir() / "natural_causes.json").read_text())["states"]
    for name in ("Random_Phase", "Next_Year"):
        targets = [o["transition"] for o in states[name]["conditional_transition"]]
        assert targets == [
            "Yearly_Check_Male_Diabetes",
            "Yearly_Check_Male",
            "Yearly_Check_Female_Diabetes",
            "Yearly_Check_Female",
        ]
    assert states["Yearly_Check_Female_Diabetes"]["lookup_table_transition"][0]["lookup_table_name"] == (
        "natural_causes_female_diabetes.csv"
    )


def test_infant_deaths_are_drawn_at_birth_and_timed_mostly_neonatal() -> None:
    """The first year is checked once at birth with q(0) (natural_causes_infant tables, the former 0-0 rows), then
    the age at death follows the US distribution: about two thirds neonatal, most on the first day (issue 10)."""
    states = json.loads((modules_dir() / "natural_causes.json").read_text())["states"]
    days = {"hours": 1 / 24, "days": 1.0}
    neonatal = first_day = total = 0.0
    for option in states["Infant_Death"]["distributed_transition"]:
        delay = states[option["transition"]]
        hi = delay["distribution"]["parameters"]["high"] * days[delay["unit"]]
        total += option["distribution"]
        neonatal += option["distribution"] * (hi <= 28)
        first_day += option["distribution"] * (hi <= 1)
        assert delay["direct_transition"] == "Natural_Death" and hi <= 365
    assert total == pytest.approx(1.0)
    assert 0.6 <= neonatal <= 0.72 and 0.3 <= first_day <= 0.45
    for folder in (modules_dir() / "lookup_tables", terminology_dir() / "deaths" / "added_natural_causes"):
        for sex in ("male", "female"):
            with open(folder / f"natural_causes_infant_{sex}.csv", newline="") as fh:
                for row in csv.DictReader(fh):
                    assert row["age"] == "0-0"
                    assert float(row["Infant_Death"]) + float(row["Infant_Survives"]) == pytest.approx(1)
            assert "0-0" not in _table(folder / f"natural_causes_{sex}.csv")  # the yearly checks start at 1
    assert states["Infant_Survives"]["distribution"]["parameters"]["value"] == 1  # then the random phase


# q(0) of the tables before the gestation bands (NCHS life tables 2019; the gap tables for other libraries)
Q0 = {("lookup_tables", "male"): 0.005949, ("lookup_tables", "female"): 0.004929}
Q0 |= {("added_natural_causes", "male"): 0.00607, ("added_natural_causes", "female"): 0.00503}


@pytest.mark.parametrize(("folder", "sex"), sorted(Q0))
def test_infant_death_follows_the_gestation_band_and_keeps_the_infant_mortality(folder: str, sex: str) -> None:
    """Each band's first-year probability is q(0) x its relative risk / the mean over the newborn gestation table,
    so the overall infant mortality is unchanged and preterm newborns die as often as NCHS finds (issue 10)."""
    path = (modules_dir() if folder == "lookup_tables" else terminology_dir() / "deaths") / folder
    with open(path / f"natural_causes_infant_{sex}.csv", newline="") as fh:
        death = {r["birth_gestation_band"]: float(r["Infant_Death"]) for r in csv.DictReader(fh)}
    perinatal = terminology_dir() / "perinatal"
    with open(perinatal / "infant_mortality_by_gestation.csv", newline="") as fh:
        bands = {
            r["band"]: (int(r["weeks_low"]), int(r["weeks_high"]), float(r["relative_risk"]))
            for r in csv.DictReader(fh)
        }
    with open(perinatal / "gestation.csv", newline="") as fh:
        weeks = [(int(r["weeks"]), float(r["share"])) for r in csv.DictReader(fh)]
    total = sum(s for _, s in weeks)
    share = {b: sum(s for w, s in weeks if lo <= w <= hi) / total for b, (lo, hi, _) in bands.items()}
    assert death.keys() == bands.keys() and sum(share.values()) == pytest.approx(1)
    assert sum(share[b] * death[b] for b in bands) == pytest.approx(Q0[(folder, sex)], rel=1e-3)
    for band, (_, _, rr) in bands.items():
        assert death[band] / death["39_40"] == pytest.approx(rr, rel=1e-3), band
    preterm = sum(share[b] * death[b] for b in ("under_32", "32_33", "34_36")) / Q0[(folder, sex)]
    assert 0.5 < preterm < 0.6  # two thirds of US infant deaths are preterm (all births; singletons here)
