"""Load-time checks: field types and ranges, cross-references, and what stays a warning."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ehrsim.errors import ModuleError
from ehrsim.gmf.library import load_library

VALIDATION = Path(__file__).resolve().parents[1] / "fixtures" / "validation"
END = {"type": "Terminal"}


def _module(folder: Path, name: str, states: dict[str, Any]) -> Path:
    path = folder / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"name": name, "states": states}))
    return path


def _problems(folder: Path, lenient: bool = False) -> tuple[list[str], list[str]]:
    try:
        library = load_library([folder], lenient=lenient)
    except ModuleError as exc:
        return exc.problems, exc.warnings
    return [], [*library.warnings, *library.notices]


def test_synthea_reference_fixture_is_rejected_as_synthea_rejects_it(tmp_path: Path) -> None:
    (tmp_path / "reference_problems.json").write_bytes((VALIDATION / "reference_problems.json").read_bytes())
    errors, warnings = _problems(tmp_path)
    assert len(errors) == 2
    assert "Onset_With_Missing_Encounter: target_encounter: no Encounter state named 'No_Such_State'" in errors[0]
    assert "End_Names_An_Encounter: condition_onset: 'Checkup' is an Encounter state, not a ConditionOnset" in errors[1]
    assert any("Never_Entered: unreachable from Initial" in w for w in warnings)
    assert any("unknown code system 'made-up'" in w for w in warnings)
    # references stay errors under --lenient (Synthea rejects the file too)
    assert len(_problems(tmp_path, lenient=True)[0]) == 2


def test_synthea_field_fixture_names_every_broken_state() -> None:
    errors, _ = _problems(VALIDATION)
    field_errors = [e for e in errors if "field_problems.json" in e]
    states = json.loads((VALIDATION / "field_problems.json").read_text())["states"]
    broken = [n for n in states if n not in ("Initial", "Terminal")]
    for name in broken:
        assert any(f"field_problems.json: {name}: " in e for e in field_errors), name
    assert len({e.split(": ")[1] for e in field_errors}) == len(broken)


def test_delay_text_quantity_and_unknown_unit_are_load_errors(tmp_path: Path) -> None:
    _module(
        tmp_path,
        "soon",
        {
            "Initial": {"type": "Initial", "direct_transition": "Wait"},
            "Wait": {"type": "Delay", "exact": {"quantity": "soon", "unit": "fortnights"}, "direct_transition": "T"},
            "T": END,
        },
    )
    errors, _ = _problems(tmp_path, lenient=True)
    assert any("soon.json: Wait: exact.quantity: Input should be a valid number" in e for e in errors)
    assert any("soon.json: Wait: exact.unit: Input should be 'years'" in e for e in errors)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"type": "Delay", "exact": {"quantity": -3, "unit": "days"}}, "exact.quantity: Input should be greater"),
        ({"type": "Delay", "exact": {"quantity": 1e300, "unit": "days"}}, "exact.quantity: Input should be less"),
        ({"type": "Delay", "range": {"low": 1, "high": "2", "unit": "days"}}, "range.high: Input should be a valid"),
        (
            {"type": "Delay", "distribution": {"kind": "EXPONENTIAL", "parameters": {"mean": -1}}, "unit": "days"},
            "EXPONENTIAL distribution needs a positive mean",
        ),
        ({"type": "Guard", "allow": {"condition_type": "Date", "operator": ">", "year": 99999}}, "allow.year"),
        (
            {
                "type": "Guard",
                "allow": {"condition_type": "Date", "operator": ">", "date": {"year": 2020, "month": 2, "day": 30}},
            },
            "not a calendar day",
        ),
        (
            {"type": "Guard", "allow": {"condition_type": "Age", "operator": ">", "quantity": "ten", "unit": "years"}},
            "allow.quantity",
        ),
        ({"type": "Symptom", "symptom": "Pain", "probability": 1.5, "exact": {"quantity": 1}}, "probability"),
        ({"type": "SetAttribute", "attribute": "a", "series_data": "1 2 x"}, "series_data must be numbers"),
        ({"type": "SetAttribute", "attribute": "a", "expression": "#{age} ** 'x'"}, "unsupported element"),
        ({"type": "Counter", "attribute": "a", "action": "increment", "amount": "one"}, "amount"),
        ({"type": "VitalSign", "vital_sign": "Weight", "unit": "kg", "exact": {"quantity": "heavy"}}, "exact.quantity"),
        (
            {
                "type": "MedicationOrder",
                "codes": [{"system": "RxNorm", "code": "1", "display": "x"}],
                "prescription": {"duration": {"quantity": 3, "unit": "fortnights"}},
            },
            "prescription.duration.unit",
        ),
        ({"type": "Simple", "conditional_transition": []}, "conditional_transition is empty"),
        ({"type": "Simple", "distributed_transition": [{"transition": "T", "distribution": -0.5}]}, "distribution"),
    ],
)
def test_every_field_is_type_and_range_checked(tmp_path: Path, body: dict[str, Any], expected: str) -> None:
    if not any(k.endswith("_transition") for k in body):
        body = {**body, "direct_transition": "T"}
    _module(tmp_path, "m", {"Initial": {"type": "Initial", "direct_transition": "S"}, "S": body, "T": END})
    errors, _ = _problems(tmp_path, lenient=True)
    assert any(e.startswith(f"{tmp_path / 'm.json'}: S: ") and expected in e for e in errors), errors


def test_references_must_name_a_state_of_the_right_type(tmp_path: Path) -> None:
    code = [{"system": "SNOMED-CT", "code": "1", "display": "x"}]
    _module(
        tmp_path,
        "refs",
        {
            "Initial": {"type": "Initial", "direct_transition": "Med"},
            "Med": {"type": "MedicationOrder", "codes": code, "direct_transition": "Plan"},
            "Plan": {"type": "CarePlanStart", "codes": code, "direct_transition": "End_Med"},
            "End_Med": {"type": "MedicationEnd", "medication_order": "Plan", "direct_transition": "End_Plan"},
            "End_Plan": {"type": "CarePlanEnd", "careplan": "Gone", "direct_transition": "End_Allergy"},
            "End_Allergy": {"type": "AllergyEnd", "allergy_onset": "Med", "direct_transition": "Call"},
            "Call": {"type": "CallSubmodule", "submodule": "refs", "direct_transition": "T"},
            "T": END,
        },
    )
    errors, _ = _problems(tmp_path)
    text = "\n".join(errors)
    assert "End_Med: medication_order: 'Plan' is a CarePlanStart state, not a MedicationOrder" in text
    assert "End_Plan: careplan: no CarePlanStart state named 'Gone'" in text
    assert "End_Allergy: allergy_onset: 'Med' is a MedicationOrder state, not an AllergyOnset" in text
    assert "Call: submodule: calls itself through refs -> refs (endless recursion)" in text


def test_submodule_cycles_through_several_modules(tmp_path: Path) -> None:
    for name, callee in (("a", "loop/b"), ("loop/b", "loop/c"), ("loop/c", "loop/b")):
        _module(
            tmp_path,
            name,
            {
                "Initial": {"type": "Initial", "direct_transition": "Call"},
                "Call": {"type": "CallSubmodule", "submodule": callee, "direct_transition": "T"},
                "T": END,
            },
        )
    errors, _ = _problems(tmp_path)
    assert len(errors) == 1 and "loop/b -> loop/c -> loop/b" in errors[0]


def test_a_state_that_fails_to_parse_is_reported_once(tmp_path: Path) -> None:
    _module(
        tmp_path,
        "once",
        {
            "Initial": {"type": "Initial", "direct_transition": "Broken"},
            "Broken": {"type": "Delay", "exact": {"quantity": "x", "unit": "days"}, "direct_transition": "T"},
            "Again": {"type": "Simple", "direct_transition": "Broken"},
            "T": END,
        },
    )
    errors, _ = _problems(tmp_path)
    assert len(errors) == 1 and "once.json: Broken: exact.quantity" in errors[0]


def test_attribute_readers_without_writers_are_warnings(tmp_path: Path) -> None:
    _module(
        tmp_path,
        "reads",
        {
            "Initial": {"type": "Initial", "direct_transition": "G"},
            "G": {
                "type": "Guard",
                "allow": {"condition_type": "Attribute", "attribute": "never_set", "operator": "is nil"},
                "direct_transition": "Set",
            },
            "Set": {
                "type": "SetAttribute",
                "attribute": "x",
                "expression": "#{nor_this} + #{age}",
                "direct_transition": "T",
            },
            "T": END,
        },
    )
    errors, warnings = _problems(tmp_path)
    assert errors == []
    assert any("G: reads attribute 'never_set'" in w for w in warnings)
    assert any("Set: reads attribute 'nor_this'" in w for w in warnings)
    assert not any("'age'" in w or "'x'" in w for w in warnings)


def test_lookup_table_cells_and_columns_are_checked(tmp_path: Path) -> None:
    (tmp_path / "lookup_tables").mkdir()
    (tmp_path / "lookup_tables" / "t.csv").write_text("age,A,B\n0-10,0.5,oops\n")
    options = [
        {"transition": "A", "default_probability": 0.5, "lookup_table_name": "t.csv"},
        {"transition": "B", "default_probability": 0.5, "lookup_table_name": "t.csv"},
    ]
    _module(
        tmp_path,
        "lk",
        {
            "Initial": {"type": "Initial", "lookup_table_transition": options},
            "A": {"type": "Simple", "direct_transition": "T"},
            "B": {"type": "Simple", "direct_transition": "T"},
            "T": END,
        },
    )
    errors, _ = _problems(tmp_path)
    assert any("t.csv: unreadable lookup table: line 2" in e for e in errors), errors
    (tmp_path / "lookup_tables" / "t.csv").write_text("age,A\n0-10,0.5\n")
    errors, _ = _problems(tmp_path)
    assert any("lk.json: Initial: lookup table 't.csv' has no column 'B'" in e for e in errors), errors


def test_deeply_nested_json_is_a_module_error_not_a_recursion_error(tmp_path: Path) -> None:
    depth = 200_000
    nested = '{"condition_type": "Not", "condition": ' * depth + '{"condition_type": "True"}' + "}" * depth
    text = (
        '{"name": "deep", "states": {"Initial": {"type": "Initial", "direct_transition": "G"}, '
        f'"G": {{"type": "Guard", "allow": {nested}, "direct_transition": "T"}}, "T": {{"type": "Terminal"}}}}}}'
    )
    (tmp_path / "deep.json").write_text(text)
    errors, _ = _problems(tmp_path)
    assert errors == [f"{tmp_path / 'deep.json'}: G: JSON nested too deeply to be a module"]
    (tmp_path / "deep.json").write_text(
        text.replace('{"condition_type": "Not", "condition": ', "", depth - 300).replace("}" * depth, "}" * 300)
    )
    errors, _ = _problems(tmp_path)
    assert len(errors) == 1 and "nested" in errors[0] and "deep.json" in errors[0]


def test_care_plan_goal_addresses_must_resolve(tmp_path: Path) -> None:
    code = [{"system": "SNOMED-CT", "code": "1", "display": "x"}]
    _module(
        tmp_path,
        "goals",
        {
            "Initial": {"type": "Initial", "direct_transition": "Plan"},
            "Plan": {
                "type": "CarePlanStart",
                "codes": code,
                "goals": [{"text": "t", "addresses": ["Missing"]}],
                "direct_transition": "T",
            },
            "T": END,
        },
    )
    errors, _ = _problems(tmp_path)
    assert any("Plan: goals: addresses 'Missing' names no ConditionOnset state" in e for e in errors), errors
    assert _problems(tmp_path, lenient=True)[0] == []


def test_hidden_folders_hold_no_modules(tmp_path: Path) -> None:
    _module(tmp_path, "ok", {"Initial": {"type": "Initial", "direct_transition": "T"}, "T": END})
    (tmp_path / ".ehrsim").mkdir()
    (tmp_path / ".ehrsim" / "run.json").write_text('{"seed": 1}')
    assert list(load_library([tmp_path]).modules) == ["ok"]
