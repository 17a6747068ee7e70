"""The hepatitis B birth dose: in the birth hospital within 24 hours, at the coverage NIS measured by cohort."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from ehrsim.core.birth_dose import birth_dose, coverage
from ehrsim.record.times import from_date

HOUR = 3600


def _doses(birth: dt.date, n: int = 2000):
    born = from_date(birth)
    return born, [birth_dose(np.random.default_rng(i), born) for i in range(n)]


def test_coverage_follows_the_survey_cohorts():
    assert coverage(from_date(dt.date(2006, 7, 1))) == pytest.approx(0.561)
    assert coverage(from_date(dt.date(2019, 1, 1))) == pytest.approx(0.798)
    assert coverage(from_date(dt.date(2024, 1, 1))) == pytest.approx(0.798)  # flat after the last cohort
    between = coverage(from_date(dt.date(2018, 1, 1)))
    assert 0.764 < between < 0.798


def test_birth_dose_is_hepb_dose_1_within_24_hours_in_hospital():
    born, doses = _doses(dt.date(2020, 3, 1))
    given = [d for d in doses if d is not None]
    assert 0.75 < len(given) / len(doses) < 0.85  # 79.8 % expected
    for d in given:
        assert d.key == "hepb" and d.cvx == "08" and d.enc_class == "inpatient"
        assert HOUR <= d.time - born <= 24 * HOUR


def test_lower_coverage_before_the_2005_recommendation():
    _, doses = _doses(dt.date(2001, 6, 1))
    assert 0.3 < sum(d is not None for d in doses) / len(doses) < 0.5


def test_no_birth_dose_before_universal_infant_hepatitis_b_vaccination():
    _, doses = _doses(dt.date(1985, 6, 1), 200)
    assert all(d is None for d in doses)
