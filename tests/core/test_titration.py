"""Treatment that answers the numbers: insulin titrated to an HbA1c goal by age (ADA), glycaemic progression that
ends with the beta-cell decline, and lipid-lowering drugs that act less in patients who do not take them."""

from __future__ import annotations

import numpy as np
import pytest

from ehrsim.core import glycaemia, physio_drugs
from ehrsim.core.physio_effects import params
from ehrsim.core.physiology import Physiology

YEAR = 365.25 * 86400


def _people(n: int) -> list[Physiology]:
    return [Physiology(np.random.default_rng(seed), "M" if seed % 2 else "F", "white") for seed in range(n)]


def _settles(person: Physiology, age: float) -> float:
    p = params()
    return (
        physio_drugs.hba1c_goal(age)
        + p["hba1c_titration_offset"]
        + p["hba1c_titration_sd"] * person.z("insulin_titration")
    )


def _adherent(person: Physiology) -> bool:
    return person.unit("glucose_drug_adherence") >= params()["hba1c_nonadherent_share"]


def test_hba1c_goal_is_ada_by_age() -> None:
    assert physio_drugs.hba1c_goal(50) == 7.0  # section 6: most adults
    assert physio_drugs.hba1c_goal(70) == 7.5  # section 13: healthy older adults 7.0-7.5
    assert physio_drugs.hba1c_goal(82) == 8.0  # section 13: complex or intermediate health
    assert physio_drugs.hba1c_goal(120) == 8.0


def test_titrated_insulin_lowers_to_where_the_patient_settles_within_the_ceiling() -> None:
    people = _people(400)
    adherent = next(p for p in people if _adherent(p) and abs(p.z("insulin_titration")) < 1.0)
    target = _settles(adherent, 60)
    assert physio_drugs._titrated_lowering(adherent, target + 1.2, 3.0, 60) == pytest.approx(1.2)
    assert physio_drugs._titrated_lowering(adherent, target + 5.0, 3.0, 60) == pytest.approx(3.0)  # the ceiling
    assert physio_drugs._titrated_lowering(adherent, target - 0.3, 3.0, 60) == 0.0  # at goal: nothing more
    # an older adult's goal is higher, so the same HbA1c is lowered less (not pushed toward 7)
    assert physio_drugs._titrated_lowering(adherent, 9.0, 3.5, 80) == pytest.approx(
        physio_drugs._titrated_lowering(adherent, 9.0, 3.5, 60) - 1.0
    )
    nonadherent = next(p for p in people if not _adherent(p) and abs(p.z("insulin_titration")) < 1.0)
    gap = 9.5 - _settles(nonadherent, 60)
    assert physio_drugs._titrated_lowering(nonadherent, 9.5, 5.0, 60) == pytest.approx(0.5 * gap)


def test_titration_puts_about_60_percent_of_adherent_patients_at_goal() -> None:
    """Treat-to-Target Trial (Riddle 2003): about 60 % reached HbA1c <= 7 % on titrated basal insulin."""
    people = [p for p in _people(3000) if _adherent(p)]
    reached = [9.0 - physio_drugs._titrated_lowering(p, 9.0, 3.5, 55) <= 7.0 for p in people]
    assert 0.55 <= sum(reached) / len(reached) <= 0.65


def test_insulin_acts_after_the_fixed_effect_drugs() -> None:
    person = next(p for p in _people(400) if _adherent(p) and abs(p.z("insulin_titration")) < 0.5)
    drugs = {
        "a": {"codes": [{"display": "insulin glargine 100 UNT/ML Injectable Solution"}], "start": 0.0},
        "b": {
            "codes": [{"display": "24 HR metformin hydrochloride 500 MG Extended Release Oral Tablet"}],
            "start": 0.0,
        },
    }
    v = {"Hemoglobin A1c": 9.5}
    physio_drugs.apply_drugs(v, person, 2 * YEAR, drugs, None, age=60)
    assert v["Hemoglobin A1c"] == pytest.approx(_settles(person, 60))  # insulin answers what metformin left


def test_insulin_stepped_down_lowers_hba1c_by_the_share_still_given() -> None:
    """s15 chart review: an older adult's insulin stepped down (ADA 2024 section 13) and HbA1c did not rise."""
    person = next(p for p in _people(400) if _adherent(p) and abs(p.z("insulin_titration")) < 0.5)
    glargine = {"display": "insulin glargine 100 UNT/ML Injectable Solution"}
    dose = {"amount": 16.0, "frequency": 1, "period": 1.0, "unit": "days", "dose_unit": "[iU]"}
    lowered = []
    for dosage in ({**dose, "units_per_kg": 0.2}, {**dose, "units_per_kg": 0.1, "peak_units_per_kg": 0.2}):
        v = {"Hemoglobin A1c": 9.5}
        physio_drugs.apply_drugs(v, person, 2 * YEAR, {"a": {"codes": [glargine], "start": 0.0, "dosage": dosage}})
        lowered.append(9.5 - v["Hemoglobin A1c"])
    assert lowered[0] > 1.0  # the titrated course
    assert lowered[1] == pytest.approx(lowered[0] / 2)  # half the dose: half the lowering, HbA1c rises


def test_untreated_hba1c_stops_rising_when_the_beta_cell_decline_ends() -> None:
    person = next(p for p in _people(400) if 35 < glycaemia.diabetes_onset(p) < 45)
    onset = glycaemia.diabetes_onset(person)
    end = params()["hba1c_progression_end_years"]
    assert glycaemia.hba1c(person, onset + end - 5, 27.0) < glycaemia.hba1c(person, onset + end, 27.0)
    # after the end it no longer rises (the non-diabetic baseline it started from is below the cut point)
    assert glycaemia.hba1c(person, onset + end + 20, 27.0) == pytest.approx(glycaemia.hba1c(person, onset + end, 27.0))


def test_a_statin_lowers_ldl_half_as_much_in_a_patient_who_does_not_take_it() -> None:
    people = _people(2000)
    drug = {"a": {"codes": [{"display": "atorvastatin 80 MG Oral Tablet"}], "start": 0.0}}
    falls = []
    for person in people:
        v = {"LDL": 150.0}
        physio_drugs.apply_drugs(v, person, YEAR, drug, None)
        falls.append(1.0 - v["LDL"] / 150.0)
    full = [f for f in falls if f >= 0.5]  # ACC/AHA high intensity: 50-60 %
    half = [f for f in falls if f < 0.5]
    assert all(0.25 <= f <= 0.30 + 1e-9 for f in half)  # half of it
    assert 0.35 <= len(half) / len(falls) <= 0.45  # Chowdhury 2013: 60 % adherent
    assert all(0.5 <= f <= 0.6 + 1e-9 for f in full)


def test_a_beta_blocker_slows_the_heart_less_in_a_patient_who_does_not_take_it() -> None:
    """The heart-rate effect follows the same adherence as the BP effect (the same tablets): a nonadherent
    patient gets ``bp_nonadherent_effect`` of the 10-15 beats/min, and the mean fall is near the 7-8 beats/min
    between users and non-users of a cohort of old people (Stessman 2013)."""
    p = params()
    drug = {"a": {"codes": [{"display": "metoprolol tartrate 50 MG Oral Tablet"}], "start": 0.0}}
    falls, adherent = [], []
    for person in _people(1000):
        v = {"Heart Rate": 70.0}
        physio_drugs.apply_drugs(v, person, YEAR, drug, None)
        falls.append(70.0 - v["Heart Rate"])
        adherent.append(person.unit("bp_adherence") >= p["bp_nonadherent_share"])
    full = [f for f, a in zip(falls, adherent, strict=True) if a]
    part = [f for f, a in zip(falls, adherent, strict=True) if not a]
    assert all(10.0 - 1e-9 <= f <= 15.0 + 1e-9 for f in full)
    scale = p["bp_nonadherent_effect"]
    assert all(10.0 * scale - 1e-9 <= f <= 15.0 * scale + 1e-9 for f in part)
    assert 0.28 <= len(part) / len(falls) <= 0.42
    assert 8.0 <= sum(falls) / len(falls) <= 10.5
