"""Latent glycaemia: diabetes is a state of the physiology that exists before (and without) a diagnosis."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from ehrsim.core import glycaemia, physio_drugs
from ehrsim.core.physiology import Physiology


def _people(n: int = 3000) -> list[Physiology]:
    return [Physiology(np.random.default_rng(seed), "M" if seed % 2 else "F", "white") for seed in range(n)]


def test_onset_age_inverts_the_cumulative_hazard() -> None:
    # 18-30 at 2.8/1000: cumulative hazard 0.0336 by 30, so u = exp(-0.02) reaches it at 18 + 0.02 / 0.0028
    assert glycaemia.onset_age(math.exp(-0.02), 1.0) == pytest.approx(18 + 0.02 / 0.0028)
    assert glycaemia.onset_age(math.exp(-0.02), 2.0) == pytest.approx(18 + 0.02 / 0.0056)  # higher risk: earlier
    assert glycaemia.onset_age(1e-300, 1.0) == glycaemia.NEVER  # beyond the table's lifetime hazard


def test_latent_diabetes_by_age_matches_nhanes_and_needs_no_diagnosis() -> None:
    """No attribute, condition or drug is given: the diabetic range is reached by the state alone, about as
    often as NHANES 2017-March 2020 finds total diabetes (NHSR 158: 4.4 % at 20-39, 16.4 % at 40-59)."""
    people = _people()
    for age, low, high in ((30, 0.01, 0.07), (50, 0.10, 0.24), (70, 0.25, 0.45)):
        values = [p.update(age, {})["Hemoglobin A1c"] for p in people]
        share = sum(v >= 6.5 for v in values) / len(values)
        assert low <= share <= high, (age, share)
        latent = sum(glycaemia.diabetes_onset(p) <= age for p in people) / len(people)
        assert abs(latent - share) < 0.03, (age, latent, share)  # the value follows the latent onset


def test_hba1c_rises_before_onset_and_settles_after() -> None:
    person = next(p for p in _people(400) if 45 < glycaemia.diabetes_onset(p) < 60)
    onset = glycaemia.diabetes_onset(person)
    path = [person.update(onset + dt, {})["Hemoglobin A1c"] for dt in (-8, -4, -1, 0.01, 2, 6, 10)]
    assert path[0] < 6.4 and path[-1] >= 6.5
    assert path[3] >= 6.5 > path[2]  # crosses the cut point at the onset
    assert all(b >= a - 0.2 for a, b in itertools.pairwise(path))  # no fall (age/BMI terms aside)


def test_latent_block_of_the_record_is_the_onset_time() -> None:
    person = next(p for p in _people(400) if glycaemia.diabetes_onset(p) < 60)
    birth = 0.0
    onset_time = birth + glycaemia.diabetes_onset(person) * glycaemia.YEAR
    assert glycaemia.latent_conditions(person, birth, onset_time + 1) == {"44054006": int(onset_time)}
    assert glycaemia.latent_conditions(person, birth, onset_time - 86400) == {}


def test_glucose_lowering_scales_with_the_excess_and_adherence() -> None:
    people = _people(1000)
    at_trial = [physio_drugs._glucose_lowering(p, 8.2, 1.1) for p in people]  # trial baseline: excess 3.0
    assert {round(x, 6) for x in at_trial} == {1.1, 0.55}
    nonadherent = sum(x < 1.0 for x in at_trial) / len(at_trial)
    assert 0.40 <= nonadherent <= 0.52  # Piragine 2023: 54 % adherent
    adherent = next(p for p, x in zip(people, at_trial, strict=True) if x > 1.0)
    assert physio_drugs._glucose_lowering(adherent, 6.7, 1.1) == pytest.approx(1.1 * 1.5 / 3.0)  # half the excess
    assert physio_drugs._glucose_lowering(adherent, 5.4, 1.1) == pytest.approx(1.1 * 0.2 / 3.0)  # near normal: little
    assert physio_drugs._glucose_lowering(adherent, 5.4, 9.0) == pytest.approx(0.2 * 0.8)  # never below normal


def test_untreated_hba1c_deteriorates_as_in_a_real_world_cohort() -> None:
    """After the plateau, untreated HbA1c rises about 1.4 mmol/mol (0.13 points) a year (GoDARTS, Donnelly 2018)."""
    person = next(p for p in _people(400) if 40 < glycaemia.diabetes_onset(p) < 55)
    onset = glycaemia.diabetes_onset(person)
    ten_years = glycaemia.hba1c(person, onset + 15, 27.0) - glycaemia.hba1c(person, onset + 5, 27.0)
    assert 1.1 <= ten_years <= 1.5, ten_years
