"""One fixture module per state type, each with the exact trace (date, module, state) it must produce."""

from __future__ import annotations

import datetime as dt
import json

import jsonschema
import pytest

from ehrsim.gmf.values import SECONDS
from ehrsim.record.schema import record_schema
from tests.engine.harness import outside_birth_stay, simulate, trace

BORN = dt.date(2000, 1, 1)


def test_initial_terminal_ends_the_module_at_birth() -> None:
    sim, _ = simulate("initial_terminal")
    assert trace(sim) == [("2000-01-01", "initial_terminal", "Terminal")]
    assert all(run.done for run in sim.runs)


@pytest.mark.parametrize(("gender", "branch"), [("F", "Female"), ("M", "Male")])
def test_simple_branches_on_gender(gender: str, branch: str) -> None:
    sim, _ = simulate("simple", gender=gender)
    assert [s for _, _, s in trace(sim)] == ["Branch", branch, "Terminal"]


def test_delay_waits_exactly() -> None:
    sim, _ = simulate("delay")
    assert trace(sim) == [
        ("2000-01-01", "delay", "Wait"),
        ("2000-01-11", "delay", "Wait_More"),
        ("2000-01-25", "delay", "Terminal"),
    ]


def test_guard_on_age_sleeps_to_the_birthday() -> None:
    sim, _ = simulate("guard")
    assert trace(sim) == [
        ("2000-01-01", "guard", "Adult"),
        ("2017-12-31", "guard", "Flag"),
        ("2017-12-31", "guard", "Terminal"),
    ]
    flag_time = sim.trace[1][0]  # type: ignore[index]
    assert flag_time - sim.birth_time == pytest.approx(18 * SECONDS["years"])
    assert sim.attributes["fixture_adult"] is True


def test_guard_on_attribute_wakes_when_it_changes() -> None:
    sim, _ = simulate("guard_on_attribute", "set_flag_later")
    assert trace(sim, "guard_on_attribute") == [
        ("2000-01-01", "guard_on_attribute", "Wait_For_Flag"),
        ("2000-04-10", "guard_on_attribute", "Seen"),
        ("2000-04-10", "guard_on_attribute", "Terminal"),
    ]


def test_set_attribute_counter_and_expression() -> None:
    sim, _ = simulate("set_attribute_counter")
    assert sim.attributes["fixture_count"] == 2.0
    assert sim.attributes["fixture_expr"] == 21.0


def test_call_submodule_runs_child_then_returns() -> None:
    sim, _ = simulate("call_submodule")
    assert trace(sim) == [
        ("2000-01-01", "call_submodule", "Call"),
        ("2000-01-01", "fixture_sub/child", "Initial"),
        ("2000-01-01", "fixture_sub/child", "Pause"),
        ("2000-01-04", "fixture_sub/child", "Terminal"),
        ("2000-01-04", "call_submodule", "After"),
        ("2000-01-04", "call_submodule", "Terminal"),
    ]


def test_physiology_follows_alt_direct_transition() -> None:
    sim, _ = simulate("physiology")
    assert [s for _, _, s in trace(sim)] == ["Model", "Used_Alt", "Terminal"]


def test_encounter_condition_medication_careplan_lifecycle() -> None:
    sim, record = simulate("encounter_condition")
    record = outside_birth_stay(record)
    assert [s for _, _, s in trace(sim)] == [
        "Wait",
        "Onset",
        "Visit",
        "Treat",
        "Plan",
        "End_Visit",
        "Recover",
        "Resolved",
        "Stop_Plan",
        "Stop_Med",
        "Terminal",
    ]
    enc = next(e for e in record["encounters"] if e["module"] == "encounter_condition")
    (cond,) = record["conditions"]
    (med,) = record["medications"]
    (plan,) = record["careplans"]
    assert cond["encounter"] == med["encounter"] == plan["encounter"] == enc["id"]
    assert cond["codes"][0]["code"] == "444814009"
    assert enc["reason"][0]["code"] == "444814009"
    assert med["reason"][0]["code"] == "444814009"
    assert plan["goals"][0]["addresses"][0]["code"] == "444814009"
    assert plan["goals"][1]["observation"] == {  # a measurable goal, its codes in the record's form
        "codes": [{"system": "LOINC", "code": "2339-0", "display": "Glucose [Mass/volume] in Blood"}],
        "operator": "<",
        "value": 108.0,
    }
    schema = record_schema()  # the published record schema allows it
    careplans = {"$defs": schema["$defs"], **schema["properties"]["careplans"]}
    jsonschema.Draft202012Validator(careplans).validate(json.loads(json.dumps(record["careplans"])))
    assert cond["stop"] - cond["start"] == 14 * 86400
    assert med["stop"] - med["start"] == 10 * 86400  # 10 days, no refills: over before MedicationEnd
    assert plan["stop"] == cond["stop"]
    assert med["stop_reason"] is None  # MedicationEnd after the course ended changes nothing
    # the fixture orders amoxicillin capsules for an infant: the prescribing layer gives the suspension by weight
    assert med["codes"][0]["code"] == "308189" and med["ordered"]["code"] == "308182"
    assert med["dosage"]["dose_unit"] == "mg" and med["dosage"]["mg_per_kg"] == 45.0
    assert enc["stop"] - enc["start"] == 15 * 60


def test_allergy_onset_and_end() -> None:
    _, record = simulate("allergy")
    (allergy,) = record["allergies"]
    assert allergy["reactions"] == [
        {"code": {"system": "SNOMED-CT", "code": "247472004", "display": "Wheal (finding)"}, "severity": "severe"}
    ]
    assert allergy["category"] == "food" and allergy["stop"] - allergy["start"] == 5 * 86400


def test_procedure_blocks_and_stretches_the_encounter() -> None:
    _sim, record = simulate("procedure_device_supply")
    record = outside_birth_stay(record)
    (proc,) = record["procedures"]
    enc = next(e for e in record["encounters"] if e["module"] == "procedure_device_supply")
    assert proc["stop"] - proc["start"] == 3600
    assert enc["stop"] == proc["stop"]
    (device,) = record["devices"]
    assert device["start"] == proc["stop"] == device["stop"] and device["udi"].startswith("(01)")
    (supply,) = record["supplies"]
    assert supply["quantity"] == 3
    shots = [i for i in record["immunizations"] if i["codes"][0]["code"] == "140" and i["encounter"] == enc["id"]]
    assert len(shots) == 1


def test_observation_forms() -> None:
    _, record = simulate("observations")
    by_code = {o["codes"][0]["code"]: o for o in record["observations"]}
    # the module set the true glucose to 150; a result is that plus measurement noise, in whole mg/dL
    glucose = by_code["2339-0"]
    assert abs(glucose["value"] - 150.0) <= 25 and glucose["value"] == int(glucose["value"])
    assert glucose["unit"] == "mg/dL"
    bp = by_code["85354-9"]
    assert [(c["codes"][0]["code"], c["value"]) for c in bp["components"]] == [("8480-6", 110.0), ("8462-4", 70.0)]
    report, radiology = record["reports"]  # the module's lab panel, then the chest X-ray's report text
    assert radiology["category"] == "RAD" and radiology["conclusion"] == "No acute cardiopulmonary abnormality."
    assert report["observations"] == [by_code["2947-0"]["id"]] and by_code["2947-0"]["report"] == report["id"]
    (study,) = record["imaging_studies"]
    assert study["series"][0]["modality"]["code"] == "DX" and len(study["series"][0]["instances"]) == 1
    assert any(p["codes"][0]["code"] == "399208008" for p in record["procedures"])


def test_symptom_is_readable_by_logic() -> None:
    sim, _ = simulate("symptom")
    assert [s for _, _, s in trace(sim)] == ["Cough", "Check", "Coughing", "Terminal"]
    assert sim.symptom_level("Cough") == 40


def test_death_is_delayed_and_nothing_follows_it() -> None:
    sim, record = simulate("death", "wellness_join")
    assert record["alive"] is False
    death_time = record["death"]["time"]
    assert death_time - sim.birth_time == 367 * 86400
    assert record["death"]["codes"][0]["code"] == "401314000"
    for kind in ("encounters", "observations", "immunizations"):
        for entry in record[kind]:
            assert entry.get("time", entry.get("start")) <= death_time
    cert = [o for o in record["observations"] if o["codes"][0]["code"] == "69453-9"]
    assert cert and cert[0]["value"]["code"] == "401314000"


def test_wellness_module_joins_each_scheduled_visit() -> None:
    _sim, record = simulate("wellness_join", end=dt.date(2001, 1, 1))
    record = outside_birth_stay(record)
    wellness = [e for e in record["encounters"] if e["class"] == "wellness"]
    heights = [o for o in record["observations"] if o["codes"][0]["code"] == "8302-2"]
    assert wellness and len(heights) == 1  # the module records once, then reaches Terminal
    assert heights[0]["encounter"] == wellness[0]["id"]


def test_high_symptom_total_opens_one_sick_visit() -> None:
    sim, record = simulate("symptom_visit")
    visits = [e for e in record["encounters"] if e["module"] == "symptoms"]
    assert len(visits) == 1  # total 380 > 350: urgent care; the worst symptom is then addressed
    assert visits[0]["class"] == "urgentcare" and visits[0]["codes"][0]["code"] == "702927004"
    assert visits[0]["start"] - sim.birth_time == 3 * 86400
    assert sim.symptom_total() == 285


def test_one_panel_ordered_twice_at_one_instant_is_one_set_of_results() -> None:
    """Two reports of the same panel at one visit share the sample's results (no same-instant duplicates)."""
    _, record = simulate("same_panel_twice", born=dt.date(1960, 1, 1), end=dt.date(2011, 1, 1))
    bmp = [r for r in record["reports"] if r["codes"][0]["code"] == "51990-0"]
    assert len(bmp) == 2 and bmp[0]["observations"] == bmp[1]["observations"] and len(bmp[0]["observations"]) == 3
    keys = [(o["codes"][0]["code"], o["time"]) for o in record["observations"]]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("seed", range(12))
def test_a_module_ldl_range_keeps_the_lipid_panel_coherent(seed: int) -> None:
    """Synthea's hyperlipidaemia panel gives LDL a range and asks for HDL after it: the range moves the state
    before the sample is drawn, and LDL stays at most total - HDL of the same sample."""
    _, record = simulate("same_panel_twice", born=dt.date(1960, 1, 1), end=dt.date(2011, 1, 1), seed=seed)
    (lipids,) = [r for r in record["reports"] if r["codes"][0]["code"] == "57698-3"]
    by_id = {o["id"]: o for o in record["observations"]}
    value = {by_id[i]["codes"][0]["code"]: by_id[i]["value"] for i in lipids["observations"]}
    assert value["18262-6"] <= value["2093-3"] - value["2085-9"]
    assert 101 <= value["18262-6"] <= 200 or value["18262-6"] == value["2093-3"] - value["2085-9"]


def test_an_instrument_is_not_recorded_before_it_was_published() -> None:
    """A PHQ-2 panel, PHQ-9 screening and a DXA T-score at 1990 and 2010 visits (Synthea's screening modules): the
    core records them only in 2010 (test_availability.csv: PHQ-2 2003, PHQ-9 1999, T-score 1994), whatever
    module asks for them."""
    _, record = simulate("instrument_eras", born=dt.date(1960, 1, 1), end=dt.date(2015, 1, 1))
    record = outside_birth_stay(record)
    years = {
        kind: sorted(dt.datetime.fromtimestamp(e.get("time", e.get("start")), dt.UTC).year for e in record[kind])
        for kind in ("reports", "observations", "procedures")
    }
    assert years["reports"] == [2010]
    assert [o["codes"][0]["code"] for o in record["observations"]] == ["55758-7", "38265-5"]
    assert years["observations"] == [2010, 2010]
    assert years["procedures"] == [2010]


def test_timed_assessments_of_a_module_that_joined_the_wellness_visit_stay_in_it() -> None:
    """Three chained timed procedures (28 + 15 + 22 minutes) and a score: every entry belongs to the wellness visit,
    which lasts until the last one (they had no encounter, after the visit had closed)."""
    _sim, record = simulate("wellness_assessments", born=dt.date(1960, 1, 1), end=dt.date(2003, 1, 1))
    codes = {"762993000", "428211000124100", "763302001", "75626-2"}
    entries = [e for k in ("procedures", "observations") for e in record[k] if e["codes"][0]["code"] in codes]
    assert len(entries) == 4
    (visit,) = {e["encounter"] for e in entries}
    (enc,) = [e for e in record["encounters"] if e["id"] == visit]
    assert enc["class"] == "wellness"
    audit_c = next(e for e in entries if e["codes"][0]["code"] == "75626-2")
    assert audit_c["time"] - enc["start"] >= 65 * 60 and enc["stop"] >= audit_c["time"]
