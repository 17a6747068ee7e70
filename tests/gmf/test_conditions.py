"""Each of the 21 condition types against a hand-built patient state."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ehrsim.gmf.conditions import CONDITION_TYPES, parse_condition
from ehrsim.record.times import from_date
from tests.engine.harness import simulate

AT = float(from_date(dt.date(2020, 6, 15)))  # the patient (born 2000-01-01, female) is 20
CODE = {"system": "SNOMED-CT", "code": "44054006", "display": "Diabetes mellitus type 2 (disorder)"}


@pytest.fixture(scope="module")
def state() -> tuple[Any, Any]:
    sim, _ = simulate("initial_terminal")
    sim.now = AT
    sim.attributes.update(
        {
            "fixture_level": 3,
            "fixture_flag": True,
            "fixture_entry": {"codes": [CODE]},
            "income_level": 0.9,
            "education_level": 0.8,
            "occupation_level": 0.5,
        }
    )
    entry = sim.rec.add("conditions", {"start": AT, "stop": None, "codes": [CODE]}, None)
    sim.rec.activate("conditions", entry)
    sim.rec.add(
        "observations",
        {
            "time": AT,
            "category": "laboratory",
            "value": 7.1,
            "value_type": "numeric",
            "unit": "%",
            "components": [],
            "report": None,
            "codes": [{"system": "LOINC", "code": "4548-4", "display": "Hemoglobin A1c"}],
        },
        None,
    )
    sim.set_symptom("Cough", "fixture", 60, AT)
    sim.set_vital("Systolic Blood Pressure", 150.0)
    run = sim.runs[0]
    run.history = {"Onset": AT - 86400 * 10, "Start": AT - 86400 * 100}
    return sim, run


CASES: list[tuple[dict[str, Any], bool]] = [
    ({"condition_type": "Gender", "gender": "F"}, True),
    ({"condition_type": "Age", "operator": ">=", "quantity": 18, "unit": "years"}, True),
    ({"condition_type": "Age", "operator": "<", "quantity": 240, "unit": "months"}, False),
    ({"condition_type": "Date", "operator": ">=", "year": 2020}, True),
    ({"condition_type": "Date", "operator": "==", "month": 6}, True),
    ({"condition_type": "Socioeconomic Status", "category": "High"}, True),
    ({"condition_type": "Race", "race": "White"}, True),
    ({"condition_type": "Symptom", "symptom": "Cough", "operator": ">", "value": 50}, True),
    (
        {
            "condition_type": "Observation",
            "codes": [{"system": "LOINC", "code": "4548-4", "display": "x"}],
            "operator": ">=",
            "value": 6.5,
        },
        True,
    ),
    ({"condition_type": "Attribute", "attribute": "fixture_level", "operator": ">", "value": 2}, True),
    ({"condition_type": "Attribute", "attribute": "missing", "operator": "is nil"}, True),
    ({"condition_type": "Vital Sign", "vital_sign": "Systolic Blood Pressure", "operator": ">", "value": 140}, True),
    ({"condition_type": "Active Condition", "codes": [CODE]}, True),
    ({"condition_type": "Active Condition", "referenced_by_attribute": "fixture_entry"}, True),
    ({"condition_type": "Active Allergy", "codes": [CODE]}, False),
    ({"condition_type": "Active Medication", "codes": [CODE]}, False),
    ({"condition_type": "Active CarePlan", "codes": [CODE]}, False),
    ({"condition_type": "PriorState", "name": "Onset"}, True),
    ({"condition_type": "PriorState", "name": "Start", "since": "Onset"}, False),
    ({"condition_type": "PriorState", "name": "Onset", "within": {"quantity": 1, "unit": "weeks"}}, False),
    ({"condition_type": "And", "conditions": [{"condition_type": "True"}, {"condition_type": "False"}]}, False),
    ({"condition_type": "Or", "conditions": [{"condition_type": "True"}, {"condition_type": "False"}]}, True),
    ({"condition_type": "Not", "condition": {"condition_type": "False"}}, True),
    ({"condition_type": "At Least", "minimum": 2, "conditions": [{"condition_type": "True"}] * 2}, True),
    ({"condition_type": "At Most", "maximum": 0, "conditions": [{"condition_type": "True"}]}, False),
    ({"condition_type": "True"}, True),
    ({"condition_type": "False"}, False),
]


def test_every_condition_type_is_covered() -> None:
    assert {c["condition_type"] for c, _ in CASES} == set(CONDITION_TYPES)


@pytest.mark.parametrize(
    ("spec", "expected"), CASES, ids=[f"{c['condition_type']}-{i}" for i, (c, _) in enumerate(CASES)]
)
def test_condition(state: tuple[Any, Any], spec: dict[str, Any], expected: bool) -> None:
    sim, run = state
    assert parse_condition(spec).test(sim, run, AT) is expected


def test_age_guard_wake_time_is_the_birthday() -> None:
    sim, _ = simulate("initial_terminal")
    cond = parse_condition({"condition_type": "Age", "operator": ">=", "quantity": 21, "unit": "years"})
    assert cond.wake_time(sim, AT) == pytest.approx(sim.birth_time + 21 * 365.25 * 86400)
    assert cond.reads() == frozenset()
    attr = parse_condition({"condition_type": "Attribute", "attribute": "x", "operator": "==", "value": 1})
    assert attr.reads() == frozenset({"a:x"})
