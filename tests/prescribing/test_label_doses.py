"""A multi-dose pen ordered without a dose (Synthea's metabolic-syndrome liraglutide) gets the label's dose in mg."""

from __future__ import annotations

import datetime as dt

from tests.prescribing.helpers import at, code_of, order, patient

LIRAGLUTIDE_PEN = "897122"
REGULAR_INSULIN = "311034"


def test_a_pen_ordered_without_a_dose_gets_the_label_dose_in_mg() -> None:
    sim = patient(dt.date(1960, 1, 1))
    at(sim, dt.date(2015, 3, 1))
    entry = order(sim, LIRAGLUTIDE_PEN, chronic=True, no_dosage=True)
    assert code_of(entry) == LIRAGLUTIDE_PEN
    dosage = entry["dosage"]
    assert (dosage["amount"], dosage["dose_unit"], dosage["frequency"], dosage["volume_ml"]) == (1.2, "mg", 1, 0.2)


def test_one_ml_a_day_of_the_pen_is_replaced_by_the_label_dose() -> None:
    """1 mL of the 6 mg/mL pen is 6 mg a day, above the label's 1.8 mg: never what a prescriber writes."""
    sim = patient(dt.date(1960, 1, 1))
    at(sim, dt.date(2015, 3, 1))
    entry = order(sim, LIRAGLUTIDE_PEN, chronic=True, amount=1.0)
    assert (entry["dosage"]["amount"], entry["dosage"]["dose_unit"]) == (1.2, "mg")


def test_a_module_dose_within_the_label_is_kept() -> None:
    sim = patient(dt.date(1960, 1, 1))
    at(sim, dt.date(2015, 3, 1))
    entry = order(sim, LIRAGLUTIDE_PEN, chronic=True, amount=0.2)  # ehrsim's module: 0.2 mL = 1.2 mg
    assert (entry["dosage"]["amount"], entry["dosage"]["dose_unit"]) == (0.2, "mL")


def test_a_pen_renewed_after_an_era_insulin_gets_the_label_dose() -> None:
    """Ordered before liraglutide existed (2010), human insulin stands in; renewed after, the pen has no dose
    of its own to go back to: the label's, not '1 mL'."""
    sim = patient(dt.date(1960, 1, 1))
    at(sim, dt.date(2008, 3, 1))
    first = order(sim, LIRAGLUTIDE_PEN, chronic=True, no_dosage=True)
    assert code_of(first) != LIRAGLUTIDE_PEN
    at(sim, dt.date(2011, 3, 1))
    renewed = sim.renew("medications", first, sim.now, None)
    assert renewed is not None and code_of(renewed) == LIRAGLUTIDE_PEN
    assert (renewed["dosage"]["amount"], renewed["dosage"]["dose_unit"]) == (1.2, "mg")


def test_regular_insulin_without_a_schedule_is_given_before_each_meal() -> None:
    sim = patient(dt.date(1960, 1, 1))
    at(sim, dt.date(2015, 3, 1))
    assert order(sim, REGULAR_INSULIN, chronic=True, no_dosage=True)["dosage"]["frequency"] == 3
    assert order(sim, REGULAR_INSULIN, chronic=True, amount=10.0)["dosage"]["frequency"] == 3  # once a day ordered
