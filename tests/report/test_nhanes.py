"""Body measurements vs NHANES percentiles in the realism report."""

from __future__ import annotations

from ehrsim.report import nhanes
from ehrsim.report.source import YEAR

REF = 1_735_689_600  # 2025-01-01


def _record(sex: str, age: float, a1c_values: list[tuple[float, float]], dead: bool = False) -> dict:
    return {
        "patient": {"gender": sex, "birth_time": REF - age * YEAR},
        "death": {"time": REF - 10} if dead else None,
        "observations": [
            {
                "time": REF - years_before * YEAR,
                "codes": [{"system": "LOINC", "code": "4548-4"}],
                "value": value,
                "value_type": "numeric",
                "components": [],
            }
            for years_before, value in a1c_values
        ],
    }


def test_last_value_in_window_counts_once_per_living_adult() -> None:
    c = nhanes.Collector(REF)
    c.add(_record("F", 50, [(2.5, 9.0), (0.5, 5.4)]))  # the last one counts
    c.add(_record("F", 45, [(0.2, 5.6)]))
    c.add(_record("F", 44, [(5.0, 7.0)]))  # outside the three-year window
    c.add(_record("F", 47, [(0.1, 8.0)], dead=True))  # dead at the reference date
    c.add(_record("F", 15, [(0.1, 5.0)]))  # a child
    band = next(
        r for r in c.compare() if r.band.variable == "Hemoglobin A1c" and r.band.sex == "F" and r.band.age_low == 40
    )
    assert band.n == 2 and band.p50 == 5.5
    assert band.status == "ok" if band.band.p25 <= 5.5 <= band.band.p75 else band.status != "ok"
    empty = next(r for r in c.compare() if r.band.variable == "LDL" and r.band.sex == "M" and r.band.age_low == 20)
    assert empty.n == 0 and empty.status == "no data"
