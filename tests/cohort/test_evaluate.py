"""Cohort expressions decided on native records, and before simulation from sex and age."""

from __future__ import annotations

from typing import Any

from ehrsim.cohort.evaluate import YEAR, decided_early, matches
from ehrsim.cohort.lang import parse
from ehrsim.record.kinds import KINDS

END = int(50 * YEAR)  # the reference date, as a record time


def _code(system: str, code: str) -> dict[str, str]:
    return {"system": system, "code": code, "display": ""}


def _record(**lists: Any) -> dict[str, Any]:
    record: dict[str, Any] = {kind: [] for kind in KINDS}
    record.update(patient={"birth_time": 0, "gender": "F"}, alive=True, death=None)
    record.update(lists)
    return record


HBA1C = {"time": END - int(YEAR / 2), "codes": [_code("LOINC", "4548-4")], "value": 9.5, "components": []}
DIABETES = {"start": END - int(5 * YEAR), "stop": None, "codes": [_code("SNOMED-CT", "44054006")]}
SINUSITIS = {
    "start": END - int(3 * YEAR),
    "stop": END - int(3 * YEAR) + 86400 * 14,
    "codes": [_code("SNOMED-CT", "444814009")],
}


def test_codes_values_and_windows() -> None:
    record = _record(observations=[HBA1C], conditions=[DIABETES, SINUSITIS])
    assert matches(parse("observation(LOINC:4548-4) > 9"), record, END)
    assert not matches(parse("observation(LOINC:4548-4) > 10"), record, END)
    assert matches(parse("observation(LOINC:4548-4) > 9 within 1y"), record, END)
    assert not matches(parse("observation(LOINC:4548-4) within 3m"), record, END)
    # an active condition overlaps any window; an ended one only windows reaching back to it
    assert matches(parse("condition(SNOMED-CT:44054006) within 1m"), record, END)
    assert matches(parse("condition(SNOMED-CT:444814009) within 4y"), record, END)
    assert not matches(parse("condition(SNOMED-CT:444814009) within 2y"), record, END)
    assert not matches(parse("medication(RxNorm:860975)"), record, END)


def test_components_text_values_and_demographics() -> None:
    bp = {"time": END, "codes": [_code("LOINC", "85354-9")], "value": None, "components": [
        {"codes": [_code("LOINC", "8480-6")], "value": 150.0}]}  # fmt: skip
    smoker = {"time": END, "codes": [_code("LOINC", "72166-2")], "value": _code("SNOMED-CT", "1"), "components": []}
    record = _record(observations=[bp, smoker])
    assert matches(parse("observation(LOINC:8480-6) >= 140"), record, END)
    assert not matches(parse("observation(LOINC:72166-2) > 0"), record, END)  # a coded value is no number
    assert matches(parse("observation(LOINC:72166-2)"), record, END)
    assert matches(parse("age >= 50 and age < 51 and gender == F and sex != M and alive and not dead"), record, END)
    dead = _record(alive=False, death={"time": int(40 * YEAR), "codes": []})
    assert matches(parse("dead and age < 41 and age >= 40"), dead, END)  # age at death


def test_decided_early_is_three_valued() -> None:
    expr = parse("condition(SNOMED-CT:72892002) and gender == F")
    assert decided_early(expr, "M", 30.0) is False
    assert decided_early(expr, "F", 30.0) is None
    assert decided_early(parse("age >= 40 and condition(SNOMED-CT:1)"), "F", 39.0) is False
    assert decided_early(parse("age >= 40 and condition(SNOMED-CT:1)"), "F", 41.0) is None  # death may come before 40
    assert decided_early(parse("age <= 40 or condition(SNOMED-CT:1)"), "F", 39.0) is True
    assert decided_early(parse("not gender == M or alive"), "F", None) is True
    assert decided_early(parse("age >= 40"), "F", None) is None
