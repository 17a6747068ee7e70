"""Secondary prevention after a myocardial infarction outlasts the acute condition (successors.csv)."""

from __future__ import annotations

import datetime as dt

from tests.prescribing.helpers import at, onset, order, patient

NSTEMI = "401314000"
HISTORY_OF_MI = "399211009"
ATORVASTATIN_80 = "259255"
CLOPIDOGREL = "309362"
ACETAMINOPHEN = "313782"


def _reason(sim, code):  # type: ignore[no-untyped-def]
    return [{"system": "SNOMED-CT", "code": code, "display": code}]


def test_statin_and_p2y12_pass_to_the_history_of_mi() -> None:
    sim = patient(dt.date(1960, 1, 1), gender="M")
    at(sim, dt.date(2015, 3, 1))
    mi = onset(sim, "conditions", NSTEMI)
    statin = order(sim, ATORVASTATIN_80, chronic=True, reason=_reason(sim, NSTEMI))
    p2y12 = order(sim, CLOPIDOGREL, chronic=True, reason=_reason(sim, NSTEMI))
    other = order(sim, ACETAMINOPHEN, chronic=True, reason=_reason(sim, NSTEMI))
    t = at(sim, dt.date(2015, 4, 20))
    sim.deactivate("conditions", mi, t, None)
    assert statin["stop"] == t and p2y12["stop"] == t and other["stop"] == t
    statin2, p2y12_2 = (sim.active["medications"][c] for c in (ATORVASTATIN_80, CLOPIDOGREL))
    assert statin2["start"] == t and statin2["stop"] is None and statin2["reason"][0]["code"] == HISTORY_OF_MI
    assert p2y12_2["stop"] == mi["start"] + 365 * 86400.0 and p2y12_2["reason"][0]["code"] == HISTORY_OF_MI
    assert ACETAMINOPHEN not in sim.active["medications"]  # not secondary prevention: ends with its reason
    assert [e["action"] for e in sim.rx.events].count("reason_passed") == 2
    p2y12 = p2y12_2
    at(sim, dt.date(2015, 9, 1))
    renewed = sim.renew("medications", p2y12, sim.now, None)
    assert renewed is not None and renewed["stop"] == mi["start"] + 365 * 86400.0  # the planned stop is kept


def test_a_p2y12_past_12_months_ends_with_the_infarction() -> None:
    sim = patient(dt.date(1960, 1, 1), gender="M")
    at(sim, dt.date(2015, 3, 1))
    mi = onset(sim, "conditions", NSTEMI)
    p2y12 = order(sim, CLOPIDOGREL, chronic=True, reason=_reason(sim, NSTEMI))
    t = at(sim, dt.date(2016, 6, 1))
    sim.deactivate("conditions", mi, t, None)
    assert p2y12["stop"] == t


ISCHEMIC_STROKE = "422504002"
HISTORY_WITH_DEFICIT = "440140008"
HISTORY_WITHOUT_DEFICIT = "429993008"
ASPIRIN_81 = "243670"


def test_stroke_prevention_passes_to_the_history_recorded() -> None:
    """s18old: aspirin and the statin ended with the acute stroke (8 of 8 survivors untreated a year on)."""
    for history in (HISTORY_WITH_DEFICIT, HISTORY_WITHOUT_DEFICIT):
        sim = patient(dt.date(1940, 1, 1), gender="F")
        at(sim, dt.date(2020, 5, 26))
        stroke = onset(sim, "conditions", ISCHEMIC_STROKE)
        aspirin = order(sim, ASPIRIN_81, chronic=True, reason=_reason(sim, ISCHEMIC_STROKE))
        statin = order(sim, ATORVASTATIN_80, chronic=True, reason=_reason(sim, ISCHEMIC_STROKE))
        t = at(sim, dt.date(2020, 9, 9))
        onset(sim, "conditions", history)
        sim.deactivate("conditions", stroke, t, None)
        assert aspirin["stop"] == t and statin["stop"] == t
        for code in (ASPIRIN_81, ATORVASTATIN_80):
            now = sim.active["medications"][code]
            assert now["stop"] is None and now["reason"][0]["code"] == history
