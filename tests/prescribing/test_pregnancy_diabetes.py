"""Drugs unsafe in pregnancy give way: GLP-1, SGLT2, DPP-4 to insulin (ADA 2024 s15), spironolactone to labetalol."""

from __future__ import annotations

import datetime as dt

from tests.prescribing.helpers import at, code_of, order, patient

LIRAGLUTIDE = "897122"
GLARGINE = "311041"


def test_liraglutide_in_pregnancy_becomes_insulin_and_returns_after() -> None:
    sim = patient(dt.date(1985, 1, 1), pregnant=True)
    at(sim, dt.date(2018, 3, 1))
    entry = order(sim, LIRAGLUTIDE, chronic=True)
    assert code_of(entry) == GLARGINE and entry["prescribing"]["rule"] == "glp1_pregnancy"
    assert entry["dosage"]["dose_unit"] == "[iU]"  # insulin in units by weight, not the pen's mL
    after = patient(dt.date(1985, 1, 1))
    at(after, dt.date(2019, 3, 1))
    assert code_of(order(after, LIRAGLUTIDE, chronic=True)) == LIRAGLUTIDE


def test_spironolactone_in_pregnancy_becomes_labetalol() -> None:
    sim = patient(dt.date(1975, 1, 1), pregnant=True)
    at(sim, dt.date(2000, 3, 1))
    entry = order(sim, "313096", chronic=True)  # spironolactone 25 mg (a fourth antihypertensive)
    assert code_of(entry) == "896758" and entry["prescribing"]["rule"] == "spironolactone_pregnancy"
