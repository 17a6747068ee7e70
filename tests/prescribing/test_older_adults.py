"""Diabetes in older adults (older_adults.py, ADA Standards 2024 section 13): titration stops at the individual
HbA1c goal; below the deintensification threshold a sulfonylurea stops and basal insulin steps down. Any library's
orders go through these rules."""

from __future__ import annotations

import datetime as dt

from tests.prescribing.helpers import at, code_of, onset, order, patient

GLARGINE, GLIPIZIDE_5 = "311041", "310490"
ALZHEIMER, HBA1C, WEIGHT = "26929004", "4548-4", "29463-7"
HYPERTENSION, OA_KNEE, CKD3 = "59621000", "239873007", "433144002"


def _result(sim, code: str, value: float) -> None:  # type: ignore[no-untyped-def]
    entry = sim.rec.add("observations", {"time": sim.now, "codes": [{"code": code}], "value": value}, None)
    sim.rx.observed(entry, sim.now)


def _vital(sim, name: str, value: float) -> None:  # type: ignore[no-untyped-def]
    sim.pinned_vitals[name] = value
    sim.invalidate_vitals()


def _running(sim, code: str) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    return [m for m in sim.rec.lists["medications"] if m["stop"] is None and code_of(m) == code]


def _on_insulin(born: dt.date, *conditions: str):  # type: ignore[no-untyped-def]
    sim = patient(born)
    at(sim, dt.date(2015, 3, 1))
    sim.rec.add("observations", {"time": sim.now, "codes": [{"code": WEIGHT}], "value": 80.0}, None)
    for code in conditions:
        onset(sim, "conditions", code)
    insulin = order(sim, GLARGINE, chronic=True)
    sulfonylurea = order(sim, GLIPIZIDE_5, chronic=True)
    return sim, insulin, sulfonylurea


def test_dementia_with_hba1c_below_7_stops_the_sulfonylurea_and_steps_insulin_down() -> None:
    sim, insulin, sulfonylurea = _on_insulin(dt.date(1935, 1, 1), ALZHEIMER)
    assert insulin["dosage"]["units_per_kg"] == 0.2
    at(sim, dt.date(2016, 3, 1))
    _result(sim, HBA1C, 6.6)
    assert sulfonylurea["stop"] == sim.now and sulfonylurea["prescribing"]["stop_rule"] == "deintensify_sulfonylurea"
    assert _running(sim, GLIPIZIDE_5) == []
    (renewed,) = _running(sim, GLARGINE)
    assert renewed is not insulin and renewed["dosage"]["units_per_kg"] == 0.1  # one step down
    assert renewed["dosage"]["peak_units_per_kg"] == 0.2 and "peak_units_per_kg" not in insulin["dosage"]
    at(sim, dt.date(2016, 6, 1))
    again = order(sim, GLIPIZIDE_5, chronic=True)  # a module adding the sulfonylurea again: withheld
    assert again["id"] is None  # (within the goal: no new course, before the sulfonylurea rule is asked)
    assert again["prescribing"]["rule"] in ("older_adult_within_goal", "deintensify_sulfonylurea")


def test_the_same_result_without_dementia_at_70_changes_nothing() -> None:
    sim, insulin, sulfonylurea = _on_insulin(dt.date(1945, 1, 1))
    at(sim, dt.date(2016, 3, 1))
    _result(sim, HBA1C, 6.6)
    assert sulfonylurea["stop"] is None and insulin["stop"] is None


def test_eighty_with_three_coexisting_illnesses_is_deintensified_with_two_not() -> None:
    for conditions, deintensified in (((HYPERTENSION, OA_KNEE, CKD3), True), ((HYPERTENSION, OA_KNEE), False)):
        sim, _insulin, sulfonylurea = _on_insulin(dt.date(1932, 1, 1), *conditions)
        at(sim, dt.date(2016, 3, 1))
        _result(sim, HBA1C, 6.8)
        assert (sulfonylurea["stop"] is not None) is deintensified, conditions


def test_at_goal_in_dementia_insulin_is_not_raised_above_7() -> None:
    """HbA1c 7.6 % is above 7 but within the goal < 8.0 % with dementia: the renewal keeps the dose."""
    for conditions, expected in (((ALZHEIMER,), 0.2), ((), 0.3)):
        sim, insulin, _ = _on_insulin(dt.date(1955, 1, 1), *conditions)  # 61: the goal by age alone is 7.0
        _vital(sim, "Hemoglobin A1c", 7.6)
        at(sim, dt.date(2016, 3, 1))
        renewed = sim.renew("medications", insulin, sim.now, None)
        assert renewed["dosage"]["units_per_kg"] == expected, conditions


def test_at_the_lowest_insulin_step_a_low_hba1c_stops_insulin() -> None:
    sim, _insulin, _ = _on_insulin(dt.date(1935, 1, 1), ALZHEIMER)
    at(sim, dt.date(2016, 3, 1))
    _result(sim, HBA1C, 6.6)
    (lowest,) = _running(sim, GLARGINE)
    assert lowest["dosage"]["units_per_kg"] == 0.1
    at(sim, dt.date(2016, 9, 1))
    _result(sim, HBA1C, 6.5)
    assert _running(sim, GLARGINE) == [] and lowest["prescribing"]["stop_rule"] == "deintensify_insulin"


def test_no_new_sitagliptin_or_insulin_within_the_goal_in_dementia() -> None:
    sitagliptin = "665033"
    for hba1c, conditions, held in ((7.4, (ALZHEIMER,), True), (8.3, (ALZHEIMER,), False), (7.4, (), False)):
        sim = patient(dt.date(1935, 1, 1))
        at(sim, dt.date(2015, 3, 1))
        for code in conditions:
            onset(sim, "conditions", code)
        sim.rec.add("observations", {"time": sim.now, "codes": [{"code": HBA1C}], "value": hba1c}, None)
        at(sim, dt.date(2015, 3, 8))
        for drug in (sitagliptin, GLARGINE):
            entry = order(sim, drug, chronic=True)
            assert (entry["id"] is None) is held, (hba1c, conditions, drug)
            if held:
                assert entry["prescribing"]["rule"] == "older_adult_within_goal"


def test_no_new_sglt2_inhibitor_within_the_goal_in_severe_dementia() -> None:
    """s18old: canagliflozin started at HbA1c 7.6 % in a nursing-home resident with MMSE 3, days before death."""
    canagliflozin = "1373463"
    for mmse, held in ((3.0, True), (18.0, False)):
        sim = patient(dt.date(1938, 1, 1))
        at(sim, dt.date(2019, 3, 1))
        onset(sim, "conditions", ALZHEIMER)
        sim.rec.add("observations", {"time": sim.now, "codes": [{"code": HBA1C}], "value": 7.6}, None)
        sim.rec.add("observations", {"time": sim.now, "codes": [{"code": "72106-8"}], "value": mmse}, None)
        at(sim, dt.date(2019, 3, 8))
        entry = order(sim, canagliflozin, chronic=True)
        assert (entry["id"] is None) is held, mmse


ASPIRIN_81, MI, MMSE = "243670", "22298006", "72106-8"


def test_aspirin_for_primary_prevention_is_not_given_from_70_since_2019_with_ascvd_it_is() -> None:
    for year, mi, held in ((2020, False, True), (2020, True, False), (2015, False, False)):
        sim = patient(dt.date(year - 75, 1, 1))
        at(sim, dt.date(year, 3, 1))
        if mi:
            onset(sim, "conditions", MI)
        entry = order(sim, ASPIRIN_81, chronic=True)
        assert (entry["id"] is None) is held, (year, mi)


def test_severe_dementia_stops_aspirin_for_primary_prevention_not_after_a_stroke() -> None:
    for stroke, stopped in ((False, True), (True, False)):
        sim = patient(dt.date(1950, 1, 1))  # 60-65: below the age rule
        at(sim, dt.date(2010, 3, 1))
        if stroke:
            onset(sim, "conditions", "230690007")
        aspirin = order(sim, ASPIRIN_81, chronic=True)
        onset(sim, "conditions", ALZHEIMER)
        at(sim, dt.date(2014, 3, 1))
        _result(sim, MMSE, 8.0)
        assert (aspirin["stop"] is not None) is stopped, stroke
        if stopped:
            assert aspirin["prescribing"]["stop_rule"] == "deprescribe_dementia_aspirin"


LISINOPRIL = {2.5: "311353", 5: "311354", 10: "314076", 20: "314077", 40: "197884"}
AMLODIPINE_5 = "197361"


def _bp(sim, systolic: float) -> None:  # type: ignore[no-untyped-def]
    loinc = [("8480-6", "Systolic blood pressure", systolic), ("8462-4", "Diastolic blood pressure", 70.0)]
    comps = [{"codes": [{"system": "LOINC", "code": c, "display": d}], "value": v} for c, d, v in loinc]
    panel = [{"system": "LOINC", "code": "85354-9", "display": "Blood pressure panel with all children optional"}]
    fields = {"time": sim.now, "category": "vital-signs", "codes": panel, "value": None, "value_type": "none"}
    entry = sim.write("observations", {**fields, "unit": "", "components": comps, "report": None}, None)
    sim.rx.observed(entry, sim.now)


def _severe_dementia_on_lisinopril_20(mmse: float):  # type: ignore[no-untyped-def]
    sim = patient(dt.date(1935, 1, 1))
    at(sim, dt.date(2015, 3, 1))
    onset(sim, "conditions", HYPERTENSION)
    lisinopril = order(sim, LISINOPRIL[20], chronic=True, reason=[{"system": "SNOMED-CT", "code": HYPERTENSION}])
    onset(sim, "conditions", ALZHEIMER)
    at(sim, dt.date(2016, 3, 1))
    _result(sim, MMSE, mmse)
    return sim, lisinopril


def test_severe_dementia_at_a_systolic_below_130_steps_the_ace_inhibitor_down_then_stops_it() -> None:
    sim, lisinopril = _severe_dementia_on_lisinopril_20(7.0)
    first = code_of(lisinopril)
    at(sim, dt.date(2016, 3, 2))
    _bp(sim, 118.0)
    assert lisinopril["stop"] == sim.now
    (lower,) = [m for m in sim.rec.lists["medications"] if m["stop"] is None]
    assert list(LISINOPRIL.values()).index(code_of(lower)) == list(LISINOPRIL.values()).index(first) - 1
    for month in range(4, 12):  # further low readings: down to the lowest strength, then stopped
        at(sim, dt.date(2016, month, 1))
        _bp(sim, 118.0)
    assert [m for m in sim.rec.lists["medications"] if m["stop"] is None] == []
    again = order(sim, AMLODIPINE_5, chronic=True)  # a module adding another antihypertensive: withheld
    assert again["id"] is None and again["prescribing"]["rule"] == "older_adult_bp_scale_back"


def test_moderate_dementia_or_a_systolic_of_130_keeps_the_dose() -> None:
    for mmse, systolic in ((15.0, 118.0), (7.0, 132.0)):
        sim, lisinopril = _severe_dementia_on_lisinopril_20(mmse)
        at(sim, dt.date(2016, 3, 2))
        _bp(sim, systolic)
        assert lisinopril["stop"] is None, (mmse, systolic)


def test_in_severe_dementia_a_blood_pressure_drug_is_raised_only_above_150() -> None:
    for mmse, systolic, raised in ((7.0, 142.0, False), (7.0, 156.0, True), (20.0, 142.0, True)):
        sim, lisinopril = _severe_dementia_on_lisinopril_20(mmse)
        at(sim, dt.date(2016, 3, 2))
        loinc = [("8480-6", "Systolic blood pressure", systolic), ("8462-4", "Diastolic blood pressure", 80.0)]
        comps = [{"codes": [{"system": "LOINC", "code": c, "display": d}], "value": v} for c, d, v in loinc]
        panel = [{"system": "LOINC", "code": "85354-9", "display": "Blood pressure panel with all children optional"}]
        fields = {"time": sim.now, "category": "vital-signs", "codes": panel, "value": None, "value_type": "none"}
        sim.write("observations", {**fields, "unit": "", "components": comps, "report": None}, None)
        sim.rx._rng = _Always()  # (the titration share: the prescriber acts)
        at(sim, dt.date(2016, 6, 1))
        renewed = sim.renew("medications", lisinopril, sim.now, None)
        assert (code_of(renewed) != code_of(lisinopril)) is raised, (mmse, systolic)


class _Always:
    def random(self) -> float:
        return 0.0


def test_prandial_insulin_stops_below_the_threshold_in_dementia() -> None:
    lispro = "865098"  # Insulin Lispro 100 UNT/ML Injectable Solution [Humalog], as Synthea's diabetes module orders
    sim = patient(dt.date(1935, 1, 1))
    at(sim, dt.date(2015, 3, 1))
    onset(sim, "conditions", ALZHEIMER)
    prandial = order(sim, lispro, chronic=True)
    at(sim, dt.date(2016, 3, 1))
    _result(sim, HBA1C, 6.6)
    assert prandial["stop"] == sim.now and prandial["prescribing"]["stop_rule"] == "deintensify_prandial_insulin"


def test_a_running_dpp4_inhibitor_stops_below_the_threshold_in_dementia_as_the_other_agents_do() -> None:
    """s15 chart review: sitagliptin kept where the rule stopped the sulfonylurea and stepped insulin down."""
    sim, _insulin, sulfonylurea = _on_insulin(dt.date(1935, 1, 1), ALZHEIMER)
    sitagliptin = order(sim, "665033", chronic=True)  # sitagliptin 100 mg, started before any HbA1c result
    at(sim, dt.date(2016, 3, 1))
    _result(sim, HBA1C, 6.6)
    assert sulfonylurea["stop"] == sim.now
    assert sitagliptin["stop"] == sim.now and sitagliptin["prescribing"]["stop_rule"] == "deintensify_dpp4"
    kept, _, _ = _on_insulin(dt.date(1935, 1, 1), ALZHEIMER)
    running = order(kept, "665033", chronic=True)
    at(kept, dt.date(2016, 3, 1))
    _result(kept, HBA1C, 7.6)  # within the goal, above the threshold: continued
    assert running["stop"] is None
