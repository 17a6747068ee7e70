"""A thiazide at eGFR < 30 (CKD stage 4-5) is replaced by a loop diuretic (rules.csv thiazide_egfr_30)."""

from __future__ import annotations

import datetime as dt

from tests.prescribing.helpers import at, code_of, order, patient

HCTZ_12_5, HCTZ_25, FUROSEMIDE_20 = "429503", "310798", "310429"
EGFR_MDRD = "33914-3"


def _egfr(sim, value: float) -> None:  # type: ignore[no-untyped-def]
    entry = sim.rec.add("observations", {"time": sim.now, "codes": [{"code": EGFR_MDRD}], "value": value}, None)
    sim.rx.observed(entry, sim.now)


def test_hctz_at_egfr_below_30_becomes_furosemide_twice_daily() -> None:
    sim = patient(dt.date(1950, 1, 1))
    at(sim, dt.date(2015, 3, 1))
    _egfr(sim, 25.0)
    entry = order(sim, HCTZ_25, chronic=True)
    assert code_of(entry) == FUROSEMIDE_20 and entry["dosage"]["frequency"] == 2
    assert entry["prescribing"]["rule"] == "thiazide_egfr_30"


def test_hctz_stays_at_stage_3_and_is_switched_when_egfr_falls_below_30() -> None:
    sim = patient(dt.date(1950, 1, 1))
    at(sim, dt.date(2015, 3, 1))
    _egfr(sim, 45.0)
    entry = order(sim, HCTZ_25, chronic=True)
    assert code_of(entry) in (HCTZ_12_5, HCTZ_25)  # stage 3: the thiazide still works (started at 12.5 mg)
    at(sim, dt.date(2016, 3, 1))
    _egfr(sim, 24.0)
    running = [m for m in sim.rec.lists["medications"] if m["stop"] is None]
    assert [code_of(m) for m in running] == [FUROSEMIDE_20] and entry["stop"] == sim.now


def test_a_hydrochlorothiazide_combination_at_egfr_below_30_becomes_its_partner_alone() -> None:
    """Tribenzor (Synthea's COVID-19 home medications) and lisinopril/HCTZ at eGFR 21: the partner drug alone."""
    sim = patient(dt.date(1950, 1, 1))
    at(sim, dt.date(2020, 6, 29))
    _egfr(sim, 21.0)
    tribenzor = order(sim, "999970", chronic=True)
    assert code_of(tribenzor) == "349405" and tribenzor["prescribing"]["rule"] == "thiazide_egfr_30"
    lisinopril = order(sim, "197885", chronic=True)["codes"][0]["display"]  # the 12.5/10 mg tablet
    assert lisinopril.startswith("lisinopril ") and "hydrochlorothiazide" not in lisinopril  # (renal strength limit)


def test_a_running_hydrochlorothiazide_combination_is_switched_when_egfr_falls_below_30() -> None:
    sim = patient(dt.date(1950, 1, 1))
    at(sim, dt.date(2015, 3, 1))
    _egfr(sim, 50.0)
    entry = order(sim, "979468", chronic=True)  # hydrochlorothiazide 12.5 / losartan 50
    assert code_of(entry) == "979468"
    at(sim, dt.date(2016, 3, 1))
    _egfr(sim, 24.0)
    running = [m for m in sim.rec.lists["medications"] if m["stop"] is None]
    assert [code_of(m) for m in running] == ["979492"] and entry["stop"] == sim.now


def test_bisoprolol_2_5_hydrochlorothiazide_at_egfr_below_30_becomes_half_a_bisoprolol_5_mg_tablet() -> None:
    """Ziac 2.5/6.25 (Synthea's library): no US bisoprolol 2.5 mg tablet exists, so half of the scored 5 mg one;
    Ziac 5/6.25 still gives the whole 5 mg tablet (regimens.csv ``ordered_rxcui``)."""
    sim = patient(dt.date(1950, 1, 1))
    at(sim, dt.date(2015, 3, 1))
    _egfr(sim, 25.0)
    low = order(sim, "854916", chronic=True)
    assert code_of(low) == "854905" and low["dosage"]["amount"] == 0.5
    assert low["prescribing"]["rule"] == "thiazide_egfr_30"
    other = patient(dt.date(1950, 1, 1))
    at(other, dt.date(2015, 3, 1))
    _egfr(other, 25.0)
    usual = order(other, "854919", chronic=True)
    assert code_of(usual) == "854905" and usual["dosage"]["amount"] == 1.0
