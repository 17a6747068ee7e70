"""Persistent asthma before fluticasone (1996): the beclomethasone inhaler of its era (from age 6)."""

from __future__ import annotations

import datetime as dt

from tests.prescribing.helpers import Run, at, code_of, order, patient

FLUTICASONE_44, BECLOMETHASONE_MDI = "895994", "746190"
ASTHMA = [{"system": "SNOMED-CT", "code": "195967001", "display": "Asthma (disorder)"}]


def test_beclomethasone_before_1996_from_age_6_and_fluticasone_once_it_exists() -> None:
    sim = patient(dt.date(1950, 1, 1))
    at(sim, dt.date(1985, 3, 1))
    run = Run()
    sim.runs.append(run)  # type: ignore[arg-type]
    entry = order(sim, FLUTICASONE_44, chronic=True, reason=ASTHMA, amount=2.0, run=run)
    assert code_of(entry) == BECLOMETHASONE_MDI and entry["prescribing"]["rule"] == "us_approval"
    assert entry["dosage"]["frequency"] == 4 and entry["dosage"]["amount"] == 2.0  # two puffs four times a day
    at(sim, dt.date(1998, 3, 1))
    renewed = sim.renew("medications", entry, sim.now, None)
    assert code_of(renewed) == FLUTICASONE_44  # the ordered drug once approved
    child = patient(dt.date(1981, 1, 1))
    at(child, dt.date(1985, 3, 1))  # 4 years old: no beclomethasone under 6 (label), withheld as before
    held = order(child, FLUTICASONE_44, chronic=True, reason=ASTHMA, amount=2.0)
    assert held["prescribing"]["action"] == "withheld"
    nasal = patient(dt.date(1950, 1, 1))
    at(nasal, dt.date(1990, 3, 1))  # the nasal spray (1994) is not replaced by an oral inhaler
    assert code_of(order(nasal, "1797907", chronic=True)) != BECLOMETHASONE_MDI
