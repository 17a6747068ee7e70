"""Cefazolin before a caesarean, for any library (prescribing/prophylaxis.py, surgical_prophylaxis.csv)."""

from __future__ import annotations

import datetime as dt

from ehrsim.prescribing import prophylaxis
from tests.engine.harness import outside_birth_stay, simulate
from tests.prescribing.helpers import Run, at, onset, patient

CEFAZOLIN_2G = "1665060"


def test_a_caesarean_since_2011_gets_cefazolin_at_the_incision() -> None:
    _, record = simulate("cesarean_only", born=dt.date(1985, 1, 1), end=dt.date(2020, 1, 1))
    (cesarean,) = [p for p in record["procedures"] if p["codes"][0]["code"] == "11466000"]
    (cefazolin,) = [m for m in record["medications"] if m["codes"][0]["code"] == CEFAZOLIN_2G]
    assert cefazolin["start"] == cesarean["start"] and cefazolin["administered"]
    assert cefazolin["encounter"] == cesarean["encounter"]


def test_no_core_prophylaxis_before_2011() -> None:
    _, record = simulate("cesarean_only", born=dt.date(1975, 1, 1), end=dt.date(2010, 1, 1))
    record = outside_birth_stay(record)
    assert [p["codes"][0]["code"] for p in record["procedures"]] == ["11466000"]
    assert record["medications"] == []


def test_the_modules_own_antibiotic_in_the_hour_before_is_enough() -> None:
    sim, _ = simulate("cesarean_only", born=dt.date(1985, 1, 1), end=dt.date(2016, 1, 1))
    before = len(sim.rec.lists["medications"])
    procedure = {"start": sim.rec.lists["medications"][0]["start"] + 1800, "codes": [{"code": "11466000"}]}
    assert prophylaxis.give(sim, None, procedure) is None  # type: ignore[arg-type]  # cefazolin 30 minutes before
    assert len(sim.rec.lists["medications"]) == before


def test_after_a_severe_penicillin_allergy_the_caesarean_gets_clindamycin_not_aztreonam() -> None:
    """Anaphylaxis to penicillin: cephalosporins are avoided too; ACOG PB 199 gives clindamycin 900 mg (6 mL)."""
    sim = patient(dt.date(1985, 1, 1))
    at(sim, dt.date(2018, 3, 22))
    severe = [
        {"code": {"system": "SNOMED-CT", "code": "39579001", "display": "Anaphylaxis (disorder)"}, "severity": "severe"}
    ]
    onset(sim, "allergies", "91936005", reactions=severe)
    procedure = {"start": sim.now, "codes": [{"code": "11466000"}], "reason": []}
    given = prophylaxis.give(sim, Run(), procedure)  # type: ignore[arg-type]
    assert given is not None and given["codes"][0]["code"] == "205964"
    assert (given["dosage"]["amount"], given["dosage"]["dose_unit"]) == (6, "mL")
