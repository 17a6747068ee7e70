"""A module's unit count does not survive a drug or strength change that would exceed the maximum dose."""

from __future__ import annotations

import datetime as dt

from tests.prescribing.helpers import at, code_of, order, patient

DULOXETINE_20 = "596926"
FLUOXETINE_20 = "310385"
LISINOPRIL_10 = "314076"


def test_a_substituted_drug_is_one_unit_of_its_strength() -> None:
    sim = patient(dt.date(1950, 1, 1))
    at(sim, dt.date(1998, 3, 1))  # duloxetine (2004) -> fluoxetine
    entry = order(sim, DULOXETINE_20, chronic=True, amount=3.0)
    assert code_of(entry) == FLUOXETINE_20
    assert entry["dosage"]["amount"] == 1.0


def test_a_unit_count_above_the_ladder_maximum_is_one_unit() -> None:
    sim = patient(dt.date(1950, 1, 1))
    at(sim, dt.date(2010, 3, 1))
    entry = order(sim, FLUOXETINE_20, chronic=True, amount=3.0)  # 60 mg > 40 mg ladder maximum
    assert entry["dosage"]["amount"] == 1.0


def test_a_unit_count_within_the_maximum_is_kept() -> None:
    sim = patient(dt.date(1950, 1, 1))
    at(sim, dt.date(2010, 3, 1))
    entry = order(sim, LISINOPRIL_10, chronic=True, amount=2.0)  # 2 x 10 mg = 20 mg <= 40 mg
    assert code_of(entry) == LISINOPRIL_10 and entry["dosage"]["amount"] == 2.0
