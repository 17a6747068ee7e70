"""How terminology/deaths/external_causes/lookup_tables/ are derived (the test compares the files with this).

For ages 1-44, the yearly probability of dying of each external cause (motor vehicle injury, overdose, other
accident, fall, suicide, homicide) in ehrsim's own library's residual deaths: the natural-cause probability of
modules/lookup_tables/natural_causes_{sex}.csv (the population rate: the non-diabetic and diabetic tables weighted
by the diagnosed-diabetes share the module's remarks cite, CDC NDSR 2020: 3.0 % at 18-44) times the cause's weight
in its band of terminology/deaths/causes.csv over the band's total weight.
"""

from __future__ import annotations

import csv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: state name in external_causes.json -> SNOMED CT code of the certified cause (causes.csv)
CAUSES = {
    "Motor_Vehicle_Death": "407153006",
    "Overdose_Death": "1149222004",
    "Accident_Death": "7878000",
    "Fall_Death": "1912002",
    "Suicide_Death": "44301001",
    "Homicide_Death": "27935005",
}
DIABETES_SHARE = ((18, 45, 0.030),)  # CDC National Diabetes Statistics Report 2020
#: from 45 the module's table is calibrated to the gap left by ehrsim's own disease modules (men 55-64 x1.3), not to the
#: US causes no module models, and would give about twice the US external-cause rate: not used there
MAX_AGE = 45


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _years(row: dict[str, str], key: str) -> float:
    """An age bound of causes.csv in years (infant rows give days as ``28d``: below every band used here)."""
    value = row[key]
    return float(value[:-1]) / 365.25 if value.endswith("d") else float(value)


def _band(age: str) -> tuple[int, int]:
    lo, hi = age.split("-")
    return int(lo), int(hi) + 1


def derived(sex: str) -> list[list[str]]:
    """Rows (header first) of external_causes_{male,female}.csv."""
    name = {"M": "male", "F": "female"}[sex]
    plain = _read(ROOT / "modules" / "lookup_tables" / f"natural_causes_{name}.csv")
    diabetic = {
        r["age"]: float(r["Natural_Death"])
        for r in _read(ROOT / "modules" / "lookup_tables" / f"natural_causes_{name}_diabetes.csv")
    }
    causes = _read(ROOT / "terminology" / "deaths" / "causes.csv")
    out = [["age", *CAUSES, "Next_Year"]]
    for r in plain:
        lo, hi = _band(r["age"])
        probabilities = [0.0] * len(CAUSES)
        if lo >= 1 and hi <= MAX_AGE:
            share = next((s for a, b, s in DIABETES_SHARE if a <= lo < b), 0.0)
            rate = (1 - share) * float(r["Natural_Death"]) + share * diabetic[r["age"]]
            band = [
                c for c in causes if _years(c, "age_low") <= lo < _years(c, "age_high") and c["sex"] in ("all", sex)
            ]
            total = sum(float(c["weight"]) for c in band)
            weights = {c["code"]: float(c["weight"]) for c in band}
            probabilities = [rate * weights.get(code, 0.0) / total for code in CAUSES.values()]
        out.append([r["age"], *(f"{p:.6g}" for p in probabilities), f"{1 - sum(probabilities):.6g}"])
    return out


if __name__ == "__main__":  # writes the tables
    for sex, name in (("M", "male"), ("F", "female")):
        path = ROOT / "terminology" / "deaths" / "external_causes" / "lookup_tables" / f"external_causes_{name}.csv"
        with open(path, "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh, lineterminator="\n").writerows(derived(sex))
