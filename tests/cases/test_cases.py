"""Case sets: only the record up to the case's end, the diagnosis hidden for students, offline pages."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from ehrsim.cases import make_cases, select
from ehrsim.cases.spec import load_spec
from ehrsim.errors import ConfigError
from ehrsim.record.times import day

from .conftest import SPEC


def test_cases_cover_both_conditions_with_answers_from_the_record(case_set: tuple[Path, list[Any]]) -> None:
    out, cases = case_set
    assert len(cases) == SPEC.cases
    assert {c["diagnosis"]["code"] for c in cases} == set(SPEC.conditions)
    for case in cases:
        assert case["questions"][0]["answer"] == case["diagnosis"]["display"]
        assert case["module_path"].startswith("modules/")
        for path in (out / f"{case['slug']}.html", out / "instructor" / f"{case['slug']}.html"):
            html = path.read_text()
            assert "<svg" in html and 'id="labs"' in html and 'class="reveal"' in html
            # offline: no network resource of any kind
            assert not re.search(r'(src|href)="(https?:)?//', html)


def test_nothing_after_the_case_end(case_set: tuple[Path, list[Any]]) -> None:
    _, cases = case_set
    for case in cases:
        last = day(case["until"])
        assert all(s["date"] <= last for s in case["stages"])
        assert all(lab["date"] <= last for lab in case["labs"])
        for stage in case["stages"]:
            dates = re.findall(r"\d{4}-\d{2}-\d{2}", stage["note"])
            assert all(d <= last for d in dates), (dates, last)


def test_students_do_not_see_the_diagnosis_instructors_do(case_set: tuple[Path, list[Any]]) -> None:
    out, cases = case_set
    for case in cases:
        display = case["diagnosis"]["display"]
        bare = re.sub(r"\s*\([^()]*\)$", "", display)
        student = (out / f"{case['slug']}.html").read_text()
        visible = student.split('id="questions"')[0]  # answers are in the page, hidden until clicked
        assert bare.lower() not in visible.lower()
        assert bare.lower() not in (out / f"{case['slug']}.md").read_text().lower()
        assert display in (out / "instructor" / f"{case['slug']}.html").read_text()
        assert "Answer key" in (out / "instructor" / f"{case['slug']}.html").read_text()


def test_moodle_xml_has_every_question(case_set: tuple[Path, list[Any]]) -> None:
    out, cases = case_set
    root = ET.parse(out / "quiz.moodle.xml").getroot()
    questions = [q for q in root.findall("question") if q.get("type") != "category"]
    assert len(questions) == sum(len(c["questions"]) for c in cases)
    for q in questions:
        right = [a for a in q.findall("answer") if a.get("fraction") == "100"]
        assert len(right) == 1


def test_case_set_is_deterministic(
    case_records: list[dict[str, Any]], case_set: tuple[Path, list[Any]], tmp_path: Path
) -> None:
    out, _ = case_set
    make_cases(SPEC, tmp_path, records=case_records)
    for path in sorted(out.rglob("*")):
        if path.is_file():
            assert (tmp_path / path.relative_to(out)).read_bytes() == path.read_bytes(), path


def test_no_matching_patient_is_a_clear_error(case_records: list[dict[str, Any]]) -> None:
    spec = SPEC.model_copy(update={"conditions": ("1234567",)})
    with pytest.raises(ConfigError, match="no patient"):
        select(case_records, spec)


def test_bad_spec_names_the_key(tmp_path: Path) -> None:
    bad = tmp_path / "spec.toml"
    bad.write_text('conditions = ["44054006"]\nsections = ["labs", "gossip"]\n')
    with pytest.raises(ConfigError, match="gossip"):
        load_spec(bad)
    bad.write_text("conditions = [\n")
    with pytest.raises(ConfigError, match="TOML"):
        load_spec(bad)
    assert load_spec(Path(__file__).parents[2] / "docs" / "cases" / "diabetes_hypertension.toml").cases == 5


def test_a_cohort_expression_selects_the_patients_and_names_the_conditions(case_records: list[dict[str, Any]]) -> None:
    """Without conditions, a case is about a condition the cohort names; every case's patient matches it."""
    from ehrsim.cases import CaseSpec
    from ehrsim.cohort.evaluate import matches
    from ehrsim.cohort.lang import parse
    from ehrsim.record.times import from_date

    text = "condition(SNOMED-CT:59621000) and not condition(SNOMED-CT:44054006) and gender == F"
    spec = CaseSpec(title="t", cohort=text, cases=3, age=(30, 90), stages=2)
    assert [codes for _, codes in spec.targets()] == [frozenset({"59621000"})]  # the one not under "not"
    chosen = select(case_records, spec, from_date(spec.reference_date))
    assert chosen
    expr = parse(text)
    for record, cond in chosen:
        assert matches(expr, record, from_date(spec.reference_date)) and record["patient"]["gender"] == "F"
        assert cond["codes"][0]["code"] == "59621000"
    # the same patients, by code, without the cohort: some have diabetes or are men, so the cohort did select
    plain = select(case_records, spec.model_copy(update={"cohort": None, "conditions": ("59621000",)}))
    assert {r["index"] for r, _ in plain} != {r["index"] for r, _ in chosen}


def test_a_bad_cohort_in_the_spec_is_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "spec.toml"
    bad.write_text('cohort = "condition(SNOMED-CT:59621000) and age >>= 4"\n')
    with pytest.raises(ConfigError, match="cohort"):
        load_spec(bad)
    bad.write_text('cohort = "age >= 40"\n')
    with pytest.raises(ConfigError, match="names no condition"):
        load_spec(bad)
    bad.write_text("cases = 2\n")
    with pytest.raises(ConfigError, match="cohort expression"):
        load_spec(bad)


def test_masker_hides_the_diagnosis_and_its_terms_only() -> None:
    from ehrsim.cases.render import masker

    case = {"diagnosis": {"display": "Essential hypertension (disorder)"}}
    mask = masker(case, True, ("hypertension",))
    assert "hypertension" not in mask("Essential hypertension (disorder); Lifestyle education regarding hypertension")
    assert mask("Prediabetes (finding)") == "Prediabetes (finding)"
    assert masker(case, False)("Essential hypertension (disorder)") == "Essential hypertension (disorder)"


def test_cli_user_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ehrsim.cli.main import main

    spec = tmp_path / "spec.toml"
    spec.write_text('conditions = ["44054006"]\ncases = 0\n')
    assert main(["cases", str(spec), "-o", str(tmp_path / "out")]) == 2
    spec.write_text('conditions = ["44054006"]\n')
    assert main(["cases", str(spec), "-o", str(tmp_path / "out"), "--from", str(tmp_path / "nothing")]) == 2
    err = capsys.readouterr().err
    assert "cases" in err and "Traceback" not in err
