"""Our modules do not make a diagnosis before it had a name (s17review: ADHD diagnosed in 1927 and the 1940s, chronic
hepatitis C in 1970; audit rule rec.diagnosis_before_named)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from ehrsim.record.times import from_date
from tests.engine.harness import simulate, trace

MODULES = Path(__file__).resolve().parents[2] / "modules"


def _states(sim: object) -> set[str]:
    return {state for _, _, state in trace(sim, "adhd")}  # type: ignore[arg-type]


def test_no_adhd_diagnosis_before_dsm_iii(tmp_path: Path) -> None:
    """The same boys (same draws) are diagnosed when born in 2005 and not when born in 1925: the diagnosis waits
    for no one, the child of the 1930s is simply not diagnosed (DSM-III, 1980, first named the disorder)."""
    shutil.copy(MODULES / "adhd.json", tmp_path / "adhd.json")  # the one module: the whole library loads slowly
    modern = old = 0
    for seed in range(40):
        sim, _ = simulate(
            "adhd", gender="M", born=dt.date(2005, 3, 1), end=dt.date(2020, 1, 1), seed=seed, folder=tmp_path
        )
        if "ADHD_Diagnosis" not in _states(sim):
            continue
        modern += 1
        sim, record = simulate(
            "adhd", gender="M", born=dt.date(1925, 3, 1), end=dt.date(1945, 1, 1), seed=seed, folder=tmp_path
        )
        assert "Diagnosis_Era" in _states(sim) and "ADHD_Diagnosis" not in _states(sim)
        assert not [c for c in record["conditions"] if c["codes"][0]["code"] == "406506008"]
        old += 1
    assert modern == old >= 2


def test_no_hepatitis_c_diagnosis_before_the_virus_was_found() -> None:
    """Before 21 April 1989 (Choo et al.) an undiagnosed chronic infection stays undiagnosed (cirrhosis may still
    come silently); from then the yearly chance of a diagnosis applies."""
    states = json.loads((MODULES / "hepatitis_c.json").read_text())["states"]
    branches = states["Undiagnosed_Course"]["complex_transition"]
    era = branches[1]
    assert era["condition"] == {
        "condition_type": "Date",
        "operator": "<",
        "date": {"year": 1989, "month": 4, "day": 21},
    }
    assert {d["transition"] for d in era["distributions"]} == {"Silent_Cirrhosis", "Undiagnosed_Year"}
    assert "Diagnosis_Visit" in {d["transition"] for d in branches[2]["distributions"]}


def test_no_caries_nor_filling_at_a_dental_visit_before_two(tmp_path: Path) -> None:
    """s17review: a tooth filling at the first dental visit at 12 months. Under 2 the visit is an examination,
    fluoride and anticipatory guidance (AAPD); caries and fillings come from 2 (NHANES from age 2)."""
    shutil.copy(MODULES / "dental.json", tmp_path / "dental.json")
    toddler_visits = later_fillings = 0
    for seed in range(30):
        sim, record = simulate("dental", born=dt.date(2000, 1, 1), end=dt.date(2010, 1, 1), seed=seed, folder=tmp_path)
        two = "2001-12-31"  # the second birthday is 730.5 days after birth: 2001-12-31 at noon
        states = trace(sim, "dental")
        toddler_visits += sum(1 for d, _, s in states if s == "Dental_Visit" and d < two)
        assert not [s for d, _, s in states if s in ("Caries", "Filling") and d < two]
        later_fillings += sum(1 for d, _, s in states if s == "Filling" and d >= two)
        assert not [
            p
            for p in record["procedures"]
            if p["codes"][0]["code"] == "275298007" and p["start"] < from_date(dt.date(2001, 12, 31))
        ]
    assert toddler_visits >= 5 and later_fillings >= 3  # the rule is tested on visits that happened
