"""Care the wellness visit gives when the library does not model it (engine/visit_care.py, engine/visit_care.csv)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from ehrsim.core.codes import all_codes
from ehrsim.engine import visit_care
from ehrsim.engine.simulation import Simulation
from tests.engine.harness import library
from tests.prescribing.helpers import at, onset, patient

FOOT_EXAM = "401191002"
NUTRITIONAL_ASSESSMENT = "310243009"
NUTRITION_THERAPY = "386373004"
TYPE_2_DIABETES = "44054006"


def _visit(sim: Simulation, day: dt.date, name: str) -> dict[str, Any]:
    at(sim, day)
    return {"id": name, "start": sim.now}


def _done(sim: Simulation, code: str) -> list[dict[str, Any]]:
    return [p for p in sim.rec.lists["procedures"] if p["codes"][0]["code"] == code]


def _percentile(sim: Simulation, enc: dict[str, Any], value: float) -> None:
    fields = {
        "time": sim.now,
        "category": "vital-signs",
        "codes": [{"system": "LOINC", "code": "59576-9", "display": "BMI percentile"}],
        "value": value,
        "value_type": "numeric",
        "unit": "%",
        "components": [],
        "report": None,
    }
    sim.write("observations", fields, enc["id"])


def test_an_adult_with_diabetes_has_a_yearly_foot_exam_for_the_diabetes() -> None:
    sim = patient(dt.date(1960, 1, 1))
    at(sim, dt.date(2015, 2, 1))
    onset(sim, "conditions", TYPE_2_DIABETES)
    enc = _visit(sim, dt.date(2016, 3, 1), "v1")
    visit_care.give(sim, enc, sim.now)
    (exam,) = _done(sim, FOOT_EXAM)
    assert exam["encounter"] == "v1" and exam["reason"][0]["code"] == TYPE_2_DIABETES
    assert exam["codes"][0]["display"] == "Diabetic foot examination (regime/therapy)"
    enc = _visit(sim, dt.date(2016, 9, 1), "v2")  # half a year later: not again
    visit_care.give(sim, enc, sim.now)
    assert len(_done(sim, FOOT_EXAM)) == 1
    enc = _visit(sim, dt.date(2017, 2, 25), "v3")  # the next yearly visit, a few days early
    visit_care.give(sim, enc, sim.now)
    assert len(_done(sim, FOOT_EXAM)) == 2


def test_no_foot_exam_without_diabetes_under_18_or_when_the_library_examines_feet_itself() -> None:
    healthy = patient(dt.date(1960, 1, 1))
    visit_care.give(healthy, _visit(healthy, dt.date(2016, 3, 1), "v"), healthy.now)
    child = patient(dt.date(2005, 1, 1))
    at(child, dt.date(2015, 2, 1))
    onset(child, "conditions", "46635009")  # type 1 diabetes at 10
    visit_care.give(child, _visit(child, dt.date(2016, 3, 1), "v"), child.now)
    own = patient(dt.date(1960, 1, 1))
    own.library = SimpleNamespace(recorded_codes=frozenset({FOOT_EXAM}))  # type: ignore[assignment]
    at(own, dt.date(2015, 2, 1))
    onset(own, "conditions", TYPE_2_DIABETES)
    visit_care.give(own, _visit(own, dt.date(2016, 3, 1), "v"), own.now)
    assert not _done(healthy, FOOT_EXAM) and not _done(child, FOOT_EXAM) and not _done(own, FOOT_EXAM)


def test_a_child_under_the_5th_or_at_the_95th_percentile_at_the_visit_gets_nutrition_care() -> None:
    thin = patient(dt.date(2010, 1, 1))
    enc = _visit(thin, dt.date(2016, 3, 1), "v")
    _percentile(thin, enc, 3.2)
    visit_care.give(thin, enc, thin.now)
    heavy = patient(dt.date(2010, 1, 1))
    enc = _visit(heavy, dt.date(2016, 3, 1), "v")
    _percentile(heavy, enc, 97.0)
    visit_care.give(heavy, enc, heavy.now)
    usual = patient(dt.date(2010, 1, 1))
    enc = _visit(usual, dt.date(2016, 3, 1), "v")
    _percentile(usual, enc, 50.0)
    visit_care.give(usual, enc, usual.now)
    assert [p["codes"][0]["code"] for p in thin.rec.lists["procedures"]] == [NUTRITIONAL_ASSESSMENT]
    assert [p["codes"][0]["code"] for p in heavy.rec.lists["procedures"]] == [NUTRITION_THERAPY]
    assert not usual.rec.lists["procedures"]


def test_nutrition_care_reads_only_this_visits_percentile_and_leaves_a_library_its_own() -> None:
    earlier = patient(dt.date(2010, 1, 1))
    _percentile(earlier, _visit(earlier, dt.date(2016, 3, 1), "sick visit"), 2.0)
    visit_care.give(earlier, _visit(earlier, dt.date(2016, 4, 1), "wellness"), earlier.now)
    own = patient(dt.date(2010, 1, 1))
    own.library = SimpleNamespace(recorded_codes=frozenset({"414916001"}))  # type: ignore[assignment]
    enc = _visit(own, dt.date(2016, 3, 1), "v")
    _percentile(own, enc, 99.0)
    visit_care.give(own, enc, own.now)
    assert not earlier.rec.lists["procedures"] and not own.rec.lists["procedures"]


def test_library_recorded_codes_and_the_table_codes_are_core_codes() -> None:
    codes = library().recorded_codes
    assert "185349003" in codes and FOOT_EXAM not in codes  # a fixture's check-up encounter code
    listed = {(c["system"], c["code"], c["display"]) for c in all_codes()}
    for care in visit_care.table():
        code = dict(care.procedure)
        assert (code["system"], code["code"], code["display"]) in listed, care.name


ATORVASTATIN_20 = "617310"


def _statins(sim: Simulation) -> list[dict[str, Any]]:
    return [m for m in sim.rec.lists["medications"] if m["codes"][0]["code"] == ATORVASTATIN_20]


def _wellness(sim: Simulation, day: dt.date, name: str) -> dict[str, Any]:
    enc = {**_visit(sim, day, name), "stop": sim.now + 1800.0, "class": "wellness"}
    sim.desk.wellness_enc = enc  # the open visit the core orders in
    return enc


def test_an_adult_40_to_75_with_diabetes_is_offered_a_statin_once() -> None:
    sim = patient(dt.date(1960, 1, 1))
    sim.visit_care_uptake["diabetes_statin"] = True  # one who takes it (MMWR 2015: 58.6 % of women)
    at(sim, dt.date(2015, 2, 1))
    onset(sim, "conditions", TYPE_2_DIABETES)
    visit_care.give(sim, _wellness(sim, dt.date(2016, 3, 1), "v1"), sim.now)
    (statin,) = _statins(sim)
    assert statin["encounter"] == "v1" and statin["chronic"] and statin["reason"][0]["code"] == TYPE_2_DIABETES
    assert ATORVASTATIN_20 in sim.active["medications"]
    visit_care.give(sim, _wellness(sim, dt.date(2017, 3, 1), "v2"), sim.now)  # taking it: not ordered again
    assert len(_statins(sim)) == 1


def test_no_statin_before_40_before_2004_or_when_the_library_runs_its_own_diabetes_review() -> None:
    young = patient(dt.date(1980, 1, 1))
    at(young, dt.date(2015, 2, 1))
    onset(young, "conditions", TYPE_2_DIABETES)
    visit_care.give(young, _wellness(young, dt.date(2016, 3, 1), "v"), young.now)
    early = patient(dt.date(1940, 1, 1))
    at(early, dt.date(1999, 2, 1))
    onset(early, "conditions", TYPE_2_DIABETES)
    visit_care.give(early, _wellness(early, dt.date(2003, 3, 1), "v"), early.now)
    own = patient(dt.date(1960, 1, 1))
    own.library = SimpleNamespace(recorded_codes=frozenset({FOOT_EXAM}))  # type: ignore[assignment]
    at(own, dt.date(2015, 2, 1))
    onset(own, "conditions", TYPE_2_DIABETES)
    visit_care.give(own, _wellness(own, dt.date(2016, 3, 1), "v"), own.now)
    assert not _statins(young) and not _statins(early) and not own.rec.lists["medications"]


CANAGLIFLOZIN = "1373463"


def test_type_2_diabetes_with_ckd_3_gets_an_sglt2_inhibitor_since_october_2019() -> None:
    sim = patient(dt.date(1950, 1, 1))
    sim.visit_care_uptake["diabetes_statin"] = False
    at(sim, dt.date(2015, 2, 1))
    onset(sim, "conditions", TYPE_2_DIABETES)
    visit_care.give(sim, _wellness(sim, dt.date(2019, 3, 1), "v0"), sim.now)
    onset(sim, "conditions", "433144002")  # chronic kidney disease stage 3
    visit_care.give(sim, _wellness(sim, dt.date(2019, 6, 1), "v1"), sim.now)  # before CREDENCE's approval
    assert not [m for m in sim.rec.lists["medications"] if m["codes"][0]["code"] == CANAGLIFLOZIN]
    visit_care.give(sim, _wellness(sim, dt.date(2020, 3, 1), "v2"), sim.now)
    visit_care.give(sim, _wellness(sim, dt.date(2021, 3, 1), "v3"), sim.now)  # taking it: not again
    (sglt2,) = [m for m in sim.rec.lists["medications"] if m["codes"][0]["code"] == CANAGLIFLOZIN]
    assert sglt2["encounter"] == "v2" and sglt2["reason"][0]["code"] == TYPE_2_DIABETES


def test_the_statin_uptake_is_drawn_once_and_a_patient_who_declines_gets_none() -> None:
    sim = patient(dt.date(1960, 1, 1), gender="M")
    at(sim, dt.date(2015, 2, 1))
    onset(sim, "conditions", TYPE_2_DIABETES)
    visit_care.give(sim, _wellness(sim, dt.date(2016, 3, 1), "v1"), sim.now)
    drawn = sim.visit_care_uptake["diabetes_statin"]
    visit_care.give(sim, _wellness(sim, dt.date(2017, 3, 1), "v2"), sim.now)
    assert sim.visit_care_uptake == {"diabetes_statin": drawn} and len(_statins(sim)) == int(drawn)
    declines = patient(dt.date(1960, 1, 1))
    declines.visit_care_uptake["diabetes_statin"] = False
    at(declines, dt.date(2015, 2, 1))
    onset(declines, "conditions", TYPE_2_DIABETES)
    visit_care.give(declines, _wellness(declines, dt.date(2016, 3, 1), "v1"), declines.now)
    assert not _statins(declines) and _done(declines, FOOT_EXAM)  # the foot exam needs no consent draw


ALCOHOL_COUNSELLING = "413473000"


def _auditc(sim: Simulation, enc: dict[str, Any], score: float, hours: float = 2.0) -> float:
    """An AUDIT-C total score recorded ``hours`` into the visit (Synthea's screening chain takes that long)."""
    when = enc["start"] + hours * 3600.0
    fields = {
        "time": when,
        "category": "survey",
        "codes": [{"system": "LOINC", "code": "75626-2", "display": "Total score [AUDIT-C]"}],
        "value": score,
        "value_type": "numeric",
        "unit": "{score}",
        "components": [],
        "report": None,
    }
    sim.write("observations", fields, enc["id"])
    return when


def _counselled(gender: str, score: float, day: dt.date = dt.date(2016, 3, 1)) -> list[dict[str, Any]]:
    sim = patient(dt.date(1970, 1, 1), gender=gender)
    sim.library = SimpleNamespace(recorded_codes=frozenset({ALCOHOL_COUNSELLING}))  # type: ignore[assignment]
    enc = _visit(sim, day, "v")
    scored = _auditc(sim, enc, score)
    visit_care.give(sim, enc, enc["start"])
    done = _done(sim, ALCOHOL_COUNSELLING)
    assert all(p["start"] == scored and p["encounter"] == "v" for p in done)  # after the score, in the visit
    return done


def test_a_positive_auditc_is_counselled_at_4_in_men_and_3_in_women_in_any_library() -> None:
    """USPSTF 2004/2018: brief counselling after a positive AUDIT-C. Synthea's library records the counselling code
    (for hypertension) but never after its AUDIT-C, so no library code turns the row off."""
    assert len(_counselled("M", 4)) == 1 and len(_counselled("F", 3)) == 1
    assert not _counselled("M", 3) and not _counselled("F", 2)
    assert not _counselled("M", 9, day=dt.date(2003, 6, 1))  # before the USPSTF's 2004 recommendation


def test_a_library_that_counselled_at_the_visit_keeps_its_own_counselling() -> None:
    sim = patient(dt.date(1970, 1, 1), gender="M")
    enc = _visit(sim, dt.date(2016, 3, 1), "v")
    scored = _auditc(sim, enc, 8)
    sim.write("procedures", {"start": scored, "stop": scored, "codes": [{"system": "SNOMED-CT",
              "code": ALCOHOL_COUNSELLING, "display": "Counseling about alcohol consumption (procedure)"}],
              "reason": []}, enc["id"])  # fmt: skip
    visit_care.give(sim, enc, enc["start"])
    assert len(_done(sim, ALCOHOL_COUNSELLING)) == 1
