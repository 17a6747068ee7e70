"""Home epinephrine before self-injection kits existed (1978): withheld for its era, not an ampoule for home use."""

from __future__ import annotations

import datetime as dt

from tests.prescribing.helpers import at, code_of, order, patient

EPI_ADULT, EPI_JUNIOR, EPI_AMPOULE = "1870230", "727316", "310132"


def test_no_home_epinephrine_before_the_kits_then_the_kit_syringe_then_the_auto_injector() -> None:
    child = patient(dt.date(1918, 1, 1))
    at(child, dt.date(1919, 6, 1))  # the s10 chart review's 1-year-old with a peanut allergy in 1919
    held = order(child, EPI_JUNIOR, chronic=True)
    assert held["prescribing"]["action"] == "withheld" and held["prescribing"]["rule"] == "us_approval"
    assert child.rec.lists["medications"] == []
    adult = patient(dt.date(1930, 1, 1))
    at(adult, dt.date(1977, 12, 31))
    assert order(adult, EPI_ADULT, chronic=True)["prescribing"]["action"] == "withheld"
    at(adult, dt.date(1978, 1, 2))  # the insect-sting kit era: 1:1000 epinephrine drawn into the kit's syringe
    assert code_of(order(adult, EPI_ADULT, chronic=True)) == EPI_AMPOULE
    at(adult, dt.date(1990, 1, 2))  # EpiPen (1987)
    assert code_of(order(adult, EPI_ADULT, chronic=True)) == EPI_ADULT


def test_an_ampoule_ordered_as_such_before_1978_is_untouched() -> None:
    sim = patient(dt.date(1930, 1, 1))
    at(sim, dt.date(1960, 6, 1))  # e.g. given in the emergency room: the from_year limits only the substitute
    assert code_of(order(sim, EPI_AMPOULE, amount=0.3)) == EPI_AMPOULE
