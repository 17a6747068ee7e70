"""A module that ends a drug and orders it again continues the course at its dose (dosing.previous)."""

from __future__ import annotations

import datetime as dt

from ehrsim.engine import care
from tests.prescribing.helpers import Order, Run, at, code_of, onset, order, patient

DONEPEZIL_5, DONEPEZIL_10, DONEPEZIL_MEMANTINE, ALZHEIMER = "997229", "997223", "1599803", "26929004"


def _on_donepezil_10() -> tuple:  # type: ignore[type-arg]
    sim = patient(dt.date(1930, 1, 1))
    at(sim, dt.date(2008, 1, 10))
    dx = onset(sim, "conditions", ALZHEIMER)
    run = Run()
    sim.runs.append(run)  # type: ignore[arg-type]
    first = order(sim, DONEPEZIL_10, chronic=True, run=run, state=Order(name="Donepezil"), reason=[dx["codes"][0]])
    assert code_of(first) == DONEPEZIL_5  # the label's start dose
    at(sim, dt.date(2009, 1, 10))
    care._renew_chronic(sim, {"id": "w1"}, sim.now)  # titrated to the target dose
    assert [code_of(m) for m, _ in sim.rx._current(sim.now)] == [DONEPEZIL_10]
    return sim, run, dx


def test_donepezil_ended_and_ordered_again_as_the_combination_capsule_keeps_its_dose() -> None:
    """The dementia module ends donepezil to order donepezil/memantine, given as donepezil 10 mg alone before 2015:
    the chart review found the 10 mg cut to the 5 mg start dose at that re-order."""
    sim, run, dx = _on_donepezil_10()
    at(sim, dt.date(2010, 6, 1))
    sim.deactivate("medications", run.created["Donepezil"], sim.now, None)  # MedicationEnd
    again = order(sim, DONEPEZIL_MEMANTINE, chronic=True, run=run, state=Order(name="Both"), reason=[dx["codes"][0]])
    assert code_of(again) == DONEPEZIL_10
    assert [code_of(m) for m, _ in sim.rx._current(sim.now)] == [DONEPEZIL_10]


def test_a_drug_ended_long_ago_starts_again_at_the_start_dose() -> None:
    sim, run, dx = _on_donepezil_10()
    at(sim, dt.date(2010, 6, 1))
    sim.deactivate("medications", run.created["Donepezil"], sim.now, None)
    at(sim, dt.date(2010, 9, 1))
    again = order(sim, DONEPEZIL_10, chronic=True, run=run, state=Order(name="Again"), reason=[dx["codes"][0]])
    assert code_of(again) == DONEPEZIL_5


ENTRESTO_97, ENTRESTO_49, CHF = "1656354", "1656351", "88805009"


def test_sacubitril_valsartan_ordered_again_is_titrated_not_withheld_as_an_arb_added_to_itself() -> None:
    """Re-ordered to titrate it, sacubitril/valsartan was withheld by its own interaction (an ARB while an ARNI is
    taken: Entresto label section 7), so it stayed at 49/51 mg until the yearly renewal."""
    sim = patient(dt.date(1950, 1, 1))
    at(sim, dt.date(2020, 1, 6))
    hf = onset(sim, "conditions", CHF)
    first = order(sim, ENTRESTO_97, chronic=True, reason=[hf["codes"][0]])
    assert code_of(first) == ENTRESTO_49  # the label's start dose
    at(sim, dt.date(2020, 1, 27))
    again = order(sim, ENTRESTO_97, chronic=True, reason=[hf["codes"][0]])
    assert again["id"] is not None and "97 MG" in again["codes"][0]["display"]
    assert [m["codes"][0]["display"] for m, _ in sim.rx._current(sim.now)] == [again["codes"][0]["display"]]


def test_an_order_ended_within_a_day_and_ordered_again_unchanged_goes_on() -> None:
    """A titration at a PHQ-9 renewed duloxetine, then the module ended it and ordered it again at the same visit: a
    0-second course was left in the medication list (rx.same_day_reorder)."""
    sim, run, dx = _on_donepezil_10()
    held = run.created["Donepezil"]
    count = len(sim.rec.lists["medications"])
    at(sim, dt.date(2009, 1, 10))  # the renewal's own visit: the course written today is ended and ordered again
    sim.deactivate("medications", held, sim.now, None)
    again = order(sim, DONEPEZIL_10, chronic=True, run=run, state=Order(name="Donepezil"), reason=[dx["codes"][0]])
    assert again is held and held["stop"] is None and len(sim.rec.lists["medications"]) == count
    assert [code_of(m) for m, _ in sim.rx._current(sim.now)] == [DONEPEZIL_10]
