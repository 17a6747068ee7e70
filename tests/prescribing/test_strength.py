"""Strength choice: start doses by patient, titration at later orders and renewals, dose limits."""

from __future__ import annotations

import datetime as dt

from ehrsim.prescribing import tables
from tests.prescribing.helpers import at, code_of, onset, order, patient

LISINOPRIL = {2.5: "311353", 5: "311354", 10: "314076", 20: "314077", 40: "197884"}
AMLODIPINE = {2.5: "308136", 5: "197361", 10: "308135"}
SITAGLIPTIN = {25: "665038", 50: "665042", 100: "665033"}
SERTRALINE = {25: "312940", 50: "312941", 100: "312938"}
ATORVASTATIN = {20: "617310", 40: "617311", 80: "259255"}
PREDNISONE_20 = "312615"
ADULT = dt.date(1970, 1, 1)


def _renew(sim, entry):  # type: ignore[no-untyped-def]
    return sim.renew("medications", entry, sim.now, None)


class _Draws:
    """A prescriber's stream that always draws ``value`` (below a titration share: acts; above: inertia)."""

    def __init__(self, value: float) -> None:
        self.value = value

    def random(self) -> float:
        return self.value


def _vital(sim, name: str, value: float) -> None:  # type: ignore[no-untyped-def]
    sim.pinned_vitals[name] = value
    sim.invalidate_vitals()


def _reading(sim, systolic: float) -> None:  # type: ignore[no-untyped-def]
    """A blood-pressure panel recorded now (what a titration at renewal reads: dosing.csv ``obs:8480-6``)."""
    loinc = [("8480-6", "Systolic blood pressure", systolic), ("8462-4", "Diastolic blood pressure", 80.0)]
    comps = [{"codes": [{"system": "LOINC", "code": c, "display": d}], "value": v} for c, d, v in loinc]
    panel = [{"system": "LOINC", "code": "85354-9", "display": "Blood pressure panel with all children optional"}]
    fields = {"time": sim.now, "category": "vital-signs", "codes": panel, "value": None, "value_type": "none"}
    sim.write("observations", {**fields, "unit": "", "components": comps, "report": None}, None)


def test_every_strength_is_a_product_and_every_plan_has_a_source() -> None:
    rx = tables()
    plans = {id(p): p for p in rx.plans.values()}
    assert len(plans) >= 20
    for plan in plans.values():
        assert all(code in rx.products for _, code in plan.ladder)
        assert len({rx.products[code].key for _, code in plan.ladder}) == 1  # one drug per ladder
        assert plan.ladder[0][0] <= plan.max
        # the maximum is a strength, or whole tablets of one (metformin 2,000 mg once daily: four 500 mg tablets)
        assert plan.max <= plan.ladder[-1][0] or any(plan.max % mg == 0 for mg, _ in plan.ladder)


def test_start_dose_follows_the_patient() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2015, 3, 1))
    assert code_of(order(sim, LISINOPRIL[20], chronic=True)) == LISINOPRIL[10]  # label start for hypertension
    failing = patient(ADULT)
    at(failing, dt.date(2015, 3, 1))
    onset(failing, "conditions", "88805009")  # heart failure: 5 mg
    entry = order(failing, LISINOPRIL[10], chronic=True)
    assert code_of(entry) == LISINOPRIL[5] and entry["ordered"]["code"] == LISINOPRIL[10]
    assert "heart_failure" in entry["prescribing"]["strength"]
    assert failing.rx.events[-1]["action"] == "strength"
    dialysis = patient(ADULT, ckd=5)
    at(dialysis, dt.date(2015, 3, 1))
    assert code_of(order(dialysis, LISINOPRIL[10], chronic=True)) == LISINOPRIL[2.5]
    old = patient(dt.date(1940, 1, 1))
    at(old, dt.date(2015, 3, 1))
    assert code_of(order(old, AMLODIPINE[5], chronic=True)) == AMLODIPINE[2.5]  # elderly start


def test_blood_pressure_above_goal_titrates_up_at_each_renewal_to_the_maximum() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2015, 3, 1))
    entry = order(sim, LISINOPRIL[10], chronic=True)
    _vital(sim, "Systolic Blood Pressure", 118.0)  # the true value is not what the prescriber sees: the reading is
    sim.rx._rng = _Draws(0.1)  # type: ignore[assignment]  # below the titration share: the prescriber acts
    seen = []
    for year in (2016, 2017, 2018):
        at(sim, dt.date(year, 3, 1))
        _reading(sim, 150.0)  # the visit's vital signs come before its renewals (engine/care.py)
        entry = _renew(sim, entry)
        seen.append(code_of(entry))
    assert seen == [LISINOPRIL[20], LISINOPRIL[40], LISINOPRIL[40]]
    assert entry["ordered"]["code"] == LISINOPRIL[10]  # the module's order, for MedicationEnd by code
    assert sim.active["medications"][LISINOPRIL[10]] is entry
    inert = patient(ADULT)
    at(inert, dt.date(2015, 3, 1))
    held = order(inert, LISINOPRIL[10], chronic=True)
    inert.rx._rng = _Draws(0.9)  # type: ignore[assignment]  # above it: clinical inertia, the dose stays
    at(inert, dt.date(2016, 3, 1))
    _reading(inert, 150.0)
    assert code_of(_renew(inert, held)) == LISINOPRIL[10]
    controlled = patient(ADULT)
    at(controlled, dt.date(2015, 3, 1))
    kept = order(controlled, LISINOPRIL[10], chronic=True)
    _vital(controlled, "Systolic Blood Pressure", 150.0)
    controlled.rx._rng = _Draws(0.1)  # type: ignore[assignment]
    at(controlled, dt.date(2016, 3, 1))
    _reading(controlled, 118.0)
    assert code_of(_renew(controlled, kept)) == LISINOPRIL[10]
    unseen = patient(ADULT)  # no reading since the last order: nothing to titrate on
    at(unseen, dt.date(2015, 3, 1))
    running = order(unseen, LISINOPRIL[10], chronic=True)
    _vital(unseen, "Systolic Blood Pressure", 150.0)
    unseen.rx._rng = _Draws(0.1)  # type: ignore[assignment]
    at(unseen, dt.date(2016, 3, 1))
    assert code_of(_renew(unseen, running)) == LISINOPRIL[10]


def test_a_new_order_continues_the_running_strength_and_titrates_after_the_step_interval() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2015, 3, 1))
    first = order(sim, AMLODIPINE[5], chronic=True)
    sim.rx._rng = _Draws(0.1)  # type: ignore[assignment]
    at(sim, dt.date(2015, 3, 5))  # 4 days later: too early to step up (7-14 days)
    _reading(sim, 142.0)
    again = order(sim, AMLODIPINE[5], chronic=True)
    assert code_of(again) == AMLODIPINE[5] and first["stop"] == sim.now
    at(sim, dt.date(2015, 4, 1))
    _reading(sim, 142.0)
    assert code_of(order(sim, AMLODIPINE[5], chronic=True)) == AMLODIPINE[10]


def test_phq9_result_since_the_last_change_titrates_sertraline() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2015, 3, 1))
    entry = order(sim, SERTRALINE[100], chronic=True)
    assert code_of(entry) == SERTRALINE[50]
    at(sim, dt.date(2015, 2, 1))
    sim.rec.add("observations", {"time": sim.now, "codes": [{"code": "44261-6"}], "value": 15}, None)
    at(sim, dt.date(2015, 6, 1))
    entry = _renew(sim, entry)
    assert code_of(entry) == SERTRALINE[50]  # the only PHQ-9 predates this dose
    at(sim, dt.date(2015, 8, 1))
    sim.rec.add("observations", {"time": sim.now, "codes": [{"code": "44261-6"}], "value": 15}, None)
    at(sim, dt.date(2015, 9, 1))
    assert code_of(_renew(sim, entry)) == SERTRALINE[100]


def test_kidney_function_limits_sitagliptin() -> None:
    for ckd, expected in ((0, 100), (4, 25)):
        sim = patient(ADULT, ckd=ckd)
        at(sim, dt.date(2015, 3, 1))
        assert code_of(order(sim, SITAGLIPTIN[100], chronic=True)) == SITAGLIPTIN[expected]
    sim = patient(ADULT)
    at(sim, dt.date(2015, 3, 1))
    sim.rec.add("observations", {"time": sim.now, "codes": [{"code": "98979-8"}], "value": 38.0}, None)
    assert code_of(order(sim, SITAGLIPTIN[100], chronic=True)) == SITAGLIPTIN[50]


def test_a_statin_keeps_the_ordered_intensity_and_intensifies_on_ldl() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2015, 3, 1))
    assert code_of(order(sim, ATORVASTATIN[80], chronic=True)) == ATORVASTATIN[80]
    other = patient(ADULT)
    at(other, dt.date(2015, 3, 1))
    entry = order(other, ATORVASTATIN[20], chronic=True)
    assert code_of(entry) == ATORVASTATIN[20]
    _vital(other, "LDL", 160.0)
    at(other, dt.date(2016, 3, 1))
    assert code_of(_renew(other, entry)) == ATORVASTATIN[40]


def test_a_child_prednisone_dose_is_by_weight() -> None:
    sim = patient(dt.date(2010, 1, 1))
    at(sim, dt.date(2014, 1, 1))  # 4 years old
    entry = order(sim, PREDNISONE_20, days=5)
    assert code_of(entry) == "283077"  # prednisolone oral solution under 6 (paediatric.csv)
    assert entry["dosage"]["mg_per_kg"] == 1 and entry["dosage"]["amount"] <= entry["dosage"]["weight_kg"] + 0.1
    older = patient(dt.date(2000, 1, 1))
    at(older, dt.date(2014, 1, 1))  # 14 years old: a tablet strength by weight (dose_limits.csv)
    assert tables().plans[PREDNISONE_20].mg_of(code_of(order(older, PREDNISONE_20, days=5))) is not None


def test_the_reason_for_the_order_chooses_the_strength() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2015, 3, 1))
    pneumonia = [{"system": "SNOMED-CT", "code": "385093006", "display": "Community acquired pneumonia (disorder)"}]
    sinusitis = [{"system": "SNOMED-CT", "code": "75498004", "display": "Acute bacterial sinusitis (disorder)"}]
    asthma = [{"system": "SNOMED-CT", "code": "195967001", "display": "Asthma (disorder)"}]
    assert code_of(order(sim, "308192", days=7, reason=pneumonia)) == "308194"  # amoxicillin 875 mg
    at(sim, dt.date(2015, 6, 1))  # that course is over
    assert code_of(order(sim, "308192", days=7, reason=sinusitis)) == "308192"  # 500 mg as ordered
    assert code_of(order(sim, "308460", days=3, reason=sinusitis)) == "248656"  # azithromycin 500 mg x 3 days
    assert code_of(order(sim, PREDNISONE_20, days=5, reason=asthma)) == "198148"  # prednisone 50 mg (GINA)


def test_basal_insulin_is_dosed_by_weight_and_raised_while_hba1c_is_high() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2015, 3, 1))
    sim.rec.add("observations", {"time": sim.now, "codes": [{"code": "29463-7"}], "value": 90.0}, None)
    first = order(sim, "311041", chronic=True)
    assert first["dosage"]["dose_unit"] == "[iU]" and first["dosage"]["amount"] == 18.0  # 0.2 units/kg x 90 kg
    _vital(sim, "Hemoglobin A1c", 8.4)
    at(sim, dt.date(2016, 3, 1))
    sim.rec.add("observations", {"time": sim.now, "codes": [{"code": "29463-7"}], "value": 90.0}, None)
    renewed = _renew(sim, first)
    assert renewed["dosage"]["units_per_kg"] == 0.3 and renewed["dosage"]["amount"] == 27.0
    _vital(sim, "Hemoglobin A1c", 6.6)
    at(sim, dt.date(2017, 3, 1))
    assert _renew(sim, renewed)["dosage"]["units_per_kg"] == 0.3  # at target: the dose stays


def test_a_moderate_statin_stays_moderate_below_130() -> None:
    """Issue 11: no LDL-C target in primary prevention since 2013 (ATP III goal < 130 with 2+ risk factors); titrating
    every user to < 100 put a third of old women's statins at 80 mg."""
    for ldl, expected in ((118.0, 20), (135.0, 40)):
        sim = patient(ADULT)
        at(sim, dt.date(2015, 3, 1))
        entry = order(sim, ATORVASTATIN[20], chronic=True)
        _vital(sim, "LDL", ldl)
        at(sim, dt.date(2016, 3, 1))
        assert code_of(_renew(sim, entry)) == ATORVASTATIN[expected], ldl
