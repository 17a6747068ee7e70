"""Body measurements vs NHANES percentiles in the realism report."""

from __future__ import annotations

from itertools import pairwise

from ehrsim.core.tables import rows
from ehrsim.report import nhanes
from ehrsim.report.source import YEAR

REF = 1_735_689_600  # 2025-01-01


def _record(sex: str, age: float, bmi_values: list[tuple[float, float]], dead: bool = False) -> dict:
    return {
        "patient": {"gender": sex, "birth_time": REF - age * YEAR},
        "death": {"time": REF - 10} if dead else None,
        "observations": [
            {
                "time": REF - years_before * YEAR,
                "codes": [{"system": "LOINC", "code": "39156-5"}],
                "value": value,
                "value_type": "numeric",
                "components": [],
            }
            for years_before, value in bmi_values
        ],
    }


def _with_exam(record: dict, values: dict[str, float]) -> dict:
    return {**record, "latent": {"44054006": REF - YEAR, "exam": {"time": REF, "values": values}}}


def test_the_exam_of_every_living_adult_counts_and_recorded_results_do_not() -> None:
    c = nhanes.Collector(REF)  # the judged comparison reads the survey exam
    c.add(_with_exam(_record("F", 45, [(0.5, 45.0)]), {"39156-5": 27.0, "4548-4": 5.6}))  # recorded 45 ignored
    c.add(_with_exam(_record("F", 42, []), {"39156-5": 29.0}))  # never tested: counts all the same
    c.add(_with_exam(_record("F", 47, [], dead=True), {"39156-5": 50.0}))  # dead at the reference date
    c.add(_with_exam(_record("F", 15, []), {"39156-5": 20.0}))  # a child
    c.add(_record("F", 44, [(0.1, 60.0)]))  # no exam (a record from before it existed): nothing counts
    results = c.compare()
    band = next(r for r in results if r.band.variable == "BMI" and r.band.sex == "F" and r.band.age_low == 40)
    assert band.n == 2 and band.p50 == 28.0
    hba1c = [r for r in results if r.band.variable == "Hemoglobin A1c" and r.band.sex == "F" and r.n]
    assert [(r.band.age_low, r.n, r.p50) for r in hba1c] == [(40, 1, 5.6)]
    recorded = nhanes.Collector(REF, nhanes.RECORDED)  # the informative one reads the results, not the exam
    recorded.add(_with_exam(_record("F", 45, [(0.5, 45.0)]), {"39156-5": 27.0}))
    band = next(
        r for r in recorded.compare() if r.band.variable == "BMI" and r.band.sex == "F" and r.band.age_low == 40
    )
    assert band.n == 1 and band.p50 == 45.0


def test_last_value_in_window_counts_once_per_living_adult() -> None:
    c = nhanes.Collector(REF, nhanes.RECORDED)
    c.add(_record("F", 45, [(2.5, 45.0), (0.5, 27.0)]))  # the last one counts
    c.add(_record("F", 42, [(0.2, 29.0)]))
    c.add(_record("F", 44, [(5.0, 50.0)]))  # outside the three-year window
    c.add(_record("F", 47, [(0.1, 50.0)], dead=True))  # dead at the reference date
    c.add(_record("F", 15, [(0.1, 20.0)]))  # a child
    band = next(r for r in c.compare() if r.band.variable == "BMI" and r.band.sex == "F" and r.band.age_low == 40)
    assert band.n == 2 and band.p50 == 28.0
    assert band.band.p25 <= 28.0 <= band.band.p75 and band.status == "ok"
    empty = next(r for r in c.compare() if r.band.variable == "BMI" and r.band.sex == "M" and r.band.age_low == 20)
    assert empty.n == 0 and empty.status == "no data"


def test_median_above_the_published_interquartile_range_is_high() -> None:
    c = nhanes.Collector(REF, nhanes.RECORDED)
    for age in (41, 43, 45):
        c.add(_record("M", age, [(0.3, 45.0)]))
    band = next(r for r in c.compare() if r.band.variable == "BMI" and r.band.sex == "M" and r.band.age_low == 40)
    assert band.n == 3 and band.status == "high"


def test_published_bands_are_ordered_sourced_and_do_not_overlap() -> None:
    bands = nhanes.bands()
    assert bands
    for b in bands:
        assert b.p25 <= b.p50 <= b.p75
        assert b.age_low <= b.age_high
    for sex in ("M", "F"):
        for variable in ("BMI", "LDL"):
            same = sorted((b for b in bands if b.sex == sex and b.variable == variable), key=lambda b: b.age_low)
            assert all(a.age_high < b.age_low for a, b in pairwise(same))
        # LDL-C is compared by age band (issue 11), not for all adults at once
        assert len([b for b in bands if b.sex == sex and b.variable == "LDL"]) == 6
    sources = [r["source"] for r in rows("physiology/nhanes_percentiles.csv")]
    assert all(s.strip() and "approximate" not in s for s in sources)
