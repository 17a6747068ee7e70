"""Near the end of life preventive drugs stop (rules.csv deprescribe_*): at hospice enrolment, in severe dementia;
hydrochlorothiazide is capped at 25 mg (dosing.csv). Any library's orders go through these rules."""

from __future__ import annotations

import datetime as dt

from tests.prescribing.helpers import at, code_of, onset, order, patient

ATORVASTATIN_80, ALENDRONATE_10, LISINOPRIL_10 = "259255", "904419", "314076"
DONEPEZIL_MEMANTINE, DONEPEZIL_10 = "1599803", "997223"
HCTZ_25, HCTZ_50 = "310798", "197770"
HOSPICE, ALZHEIMER, MMSE = "385763009", "26929004", "72106-8"


def _running(sim) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(code_of(m) for m in sim.rec.lists["medications"] if m["stop"] is None)


def _mmse(sim, value: float) -> None:  # type: ignore[no-untyped-def]
    entry = sim.rec.add("observations", {"time": sim.now, "codes": [{"code": MMSE}], "value": value}, None)
    sim.rx.observed(entry, sim.now)


def test_hospice_enrolment_stops_the_statin_and_osteoporosis_drug_not_the_antihypertensive() -> None:
    sim = patient(dt.date(1935, 1, 1))
    at(sim, dt.date(2015, 3, 1))
    statin = order(sim, ATORVASTATIN_80, chronic=True)
    bones = order(sim, ALENDRONATE_10, chronic=True)
    order(sim, LISINOPRIL_10, chronic=True)
    at(sim, dt.date(2020, 5, 1))
    plan = onset(sim, "careplans", HOSPICE)
    assert statin["stop"] == plan["start"] and bones["stop"] == plan["start"]
    assert statin["stop_reason"]["code"] == "182840001"  # Drug treatment stopped - medical advice
    assert statin["prescribing"]["stop_rule"] == "deprescribe_comfort_statin"
    assert [c for c in _running(sim) if c in (ATORVASTATIN_80, ALENDRONATE_10)] == []
    assert len(_running(sim)) == 1  # the antihypertensive goes on
    at(sim, dt.date(2020, 6, 1))
    again = order(sim, ATORVASTATIN_80, chronic=True)  # a module ordering it again in hospice: withheld
    assert again["id"] is None and again["prescribing"]["rule"] == "deprescribe_comfort_statin"


def test_a_terminal_course_written_back_from_the_death_stops_drugs_at_its_start() -> None:
    """The core's hospice is written at the death (sim.now) with a start weeks earlier: drugs stop at the start."""
    sim = patient(dt.date(1935, 1, 1))
    at(sim, dt.date(2015, 3, 1))
    statin = order(sim, ATORVASTATIN_80, chronic=True)
    started = at(sim, dt.date(2020, 5, 1))
    at(sim, dt.date(2020, 6, 15))
    entry = sim.rec.add("careplans", {"start": started, "stop": None, "codes": [{"code": HOSPICE}]}, None)
    sim.activate("careplans", entry)
    assert statin["stop"] == started


def test_without_hospice_the_statin_goes_on() -> None:
    sim = patient(dt.date(1935, 1, 1))
    at(sim, dt.date(2015, 3, 1))
    statin = order(sim, ATORVASTATIN_80, chronic=True)
    at(sim, dt.date(2020, 5, 1))
    onset(sim, "careplans", "386257007")  # dementia management, not comfort care
    assert statin["stop"] is None


def test_severe_dementia_stops_statin_and_memantine_but_keeps_donepezil() -> None:
    sim = patient(dt.date(1930, 1, 1))
    at(sim, dt.date(2012, 3, 1))
    onset(sim, "conditions", ALZHEIMER)
    statin = order(sim, ATORVASTATIN_80, chronic=True)
    at(sim, dt.date(2016, 1, 1))  # the combination capsule exists from 2015
    combo = order(sim, DONEPEZIL_MEMANTINE, chronic=True)
    at(sim, dt.date(2016, 3, 1))
    _mmse(sim, 15.0)  # moderate: nothing changes
    assert statin["stop"] is None and combo["stop"] is None
    at(sim, dt.date(2021, 3, 1))
    _mmse(sim, 6.0)  # severe
    assert statin["stop"] == sim.now and combo["stop"] == sim.now
    assert _running(sim) == [DONEPEZIL_10]
    alone = next(m for m in sim.rec.lists["medications"] if m["stop"] is None)
    assert alone["dosage"]["dose_unit"] == "{tablet}"  # s18old: the capsule's unit stayed on the tablet


def test_a_low_mmse_without_a_dementia_diagnosis_stops_nothing() -> None:
    sim = patient(dt.date(1930, 1, 1))
    at(sim, dt.date(2012, 3, 1))
    statin = order(sim, ATORVASTATIN_80, chronic=True)
    at(sim, dt.date(2019, 3, 1))
    _mmse(sim, 6.0)
    assert statin["stop"] is None


def test_hydrochlorothiazide_is_capped_at_25_mg() -> None:
    sim = patient(dt.date(1950, 1, 1))
    at(sim, dt.date(2015, 3, 1))
    entry = order(sim, HCTZ_50, chronic=True)
    assert code_of(entry) in ("429503", HCTZ_25)  # the start dose or the cap, never 50 mg
    for year in range(2016, 2024):  # renewed yearly with the blood pressure above target: never above 25 mg
        at(sim, dt.date(year, 3, 1))
        sim.rec.add("observations", {"time": sim.now, "codes": [{"code": "8480-6"}], "value": 165.0}, None)
        entry = sim.rx.renew(entry, sim.now, None) or entry
        assert code_of(entry) != HCTZ_50
    assert code_of(entry) == HCTZ_25  # titrated up to the cap
