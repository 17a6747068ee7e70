"""A chronic order renewed at a visit is prescribed again for the patient as they are now."""

from __future__ import annotations

import datetime as dt

from ehrsim.prescribing.pharmacy import STOPPED
from tests.prescribing.helpers import Order, Run, at, code_of, order, patient

EPI_ADULT = "1870230"
EPI_JUNIOR = "727316"
EPI_AMPOULE = "310132"
METFORMIN_ER = "860975"
GLARGINE = "311041"


def _renew(sim, entry):  # type: ignore[no-untyped-def]
    return sim.renew("medications", entry, sim.now, None)


def test_an_era_substitute_gives_way_to_the_drug_once_it_exists() -> None:
    sim = patient(dt.date(1950, 1, 1))
    at(sim, dt.date(1979, 6, 1))  # home epinephrine kits from 1978 (alternatives.csv from_year)
    run = Run()
    sim.runs.append(run)  # type: ignore[arg-type]
    first = order(sim, EPI_ADULT, chronic=True, run=run, state=Order(name="EpiPen", assign_to_attribute="epi"))
    assert code_of(first) == EPI_AMPOULE
    at(sim, dt.date(1983, 6, 1))
    same = _renew(sim, first)
    assert code_of(same) == EPI_AMPOULE and not any(e["action"] == "renewal_changed" for e in sim.rx.events)
    at(sim, dt.date(2024, 6, 1))
    renewed = _renew(sim, same)
    assert code_of(renewed) == EPI_ADULT and "ordered" not in renewed and "prescribing" not in renewed
    assert same["stop"] == sim.now and renewed["start"] == sim.now and renewed["stop"] is None
    assert sim.attributes["epi"] is renewed and run.created["EpiPen"] is renewed
    assert sim.active["medications"][EPI_ADULT] is renewed and EPI_AMPOULE not in sim.active["medications"]
    changed = [e for e in sim.rx.events if e["action"] == "renewal_changed"]
    assert len(changed) == 1 and changed[0]["ordered"]["code"] == EPI_AMPOULE
    assert changed[0]["given"]["code"] == EPI_ADULT


def test_a_child_who_outgrew_the_weight_band_gets_the_adult_auto_injector() -> None:
    sim = patient(dt.date(2010, 1, 1))
    at(sim, dt.date(2010, 9, 1))  # 8 months
    first = order(sim, EPI_ADULT, chronic=True)
    assert code_of(first) == EPI_JUNIOR
    at(sim, dt.date(2024, 9, 1))  # 14 years
    renewed = _renew(sim, first)
    assert sim.vitals["Weight"] >= 25
    assert code_of(renewed) == EPI_ADULT


def test_kidney_function_is_checked_again_at_renewal() -> None:
    sim = patient(dt.date(1960, 1, 1))
    at(sim, dt.date(2015, 3, 1))
    first = order(sim, METFORMIN_ER, chronic=True)
    assert code_of(first) == METFORMIN_ER
    sim.attributes["ckd"] = 4  # Synthea's library sets the stage as an attribute, with no diagnosis
    at(sim, dt.date(2016, 3, 1))
    renewed = _renew(sim, first)
    assert code_of(renewed) == GLARGINE and renewed["ordered"]["code"] == METFORMIN_ER
    assert renewed["prescribing"]["rule"] == "metformin_egfr_30"
    at(sim, dt.date(2017, 3, 1))
    again = _renew(sim, renewed)  # still on insulin: the order keeps what the module ordered
    assert code_of(again) == GLARGINE and again["ordered"]["code"] == METFORMIN_ER


def test_a_renewal_that_may_not_be_given_stops_the_order() -> None:
    sim = patient(dt.date(1960, 1, 1))
    at(sim, dt.date(2015, 3, 1))
    first = order(sim, METFORMIN_ER, chronic=True)
    at(sim, dt.date(2016, 3, 1))
    order(sim, GLARGINE, chronic=True)  # already on the alternative: nothing to switch to
    sim.attributes["ckd"] = 4
    assert _renew(sim, first) is None
    assert first["stop"] == sim.now and first["stop_reason"] == STOPPED
    assert sim.rx.events[-1]["action"] == "withheld"


def test_an_arni_replacing_its_era_substitute_at_renewal_waits_out_the_washout() -> None:
    sim = patient(dt.date(1950, 1, 1))
    at(sim, dt.date(2014, 6, 1))
    era = order(sim, "1656354", chronic=True)  # sacubitril/valsartan before its 2015 approval
    assert "enalapril" in era["codes"][0]["display"]
    at(sim, dt.date(2016, 6, 1))
    renewed = _renew(sim, era)
    assert code_of(renewed) == "1656351"  # the label start dose 49/51 mg (97/103 ordered)
    assert era["stop"] == sim.now and renewed["start"] == sim.now + 36 * 3600  # FDA label: 36 h after the ACE inhibitor


def test_the_chart_weight_decides_the_auto_injector() -> None:
    sim = patient(dt.date(2010, 1, 1))
    at(sim, dt.date(2017, 6, 1))
    sim.rec.add("observations", {"time": sim.now, "codes": [{"code": "29463-7"}], "value": 22.0}, None)
    assert code_of(order(sim, EPI_ADULT, chronic=True)) == EPI_JUNIOR  # 22 kg measured, whatever the true weight


def test_a_chronic_order_withheld_before_approval_is_prescribed_once_approved() -> None:
    sim = patient(dt.date(1930, 1, 1))
    at(sim, dt.date(1970, 6, 1))
    run = Run()
    sim.runs.append(run)  # type: ignore[arg-type]
    held = order(sim, "1656351", chronic=True, run=run, state=Order(name="Entresto", assign_to_attribute="arni"))
    assert held["prescribing"]["action"] == "withheld" and sim.rx.pending
    at(sim, dt.date(1980, 6, 1))
    sim.rx.resume(sim.now, None)
    assert sim.rec.lists["medications"] == [] and sim.rx.pending  # still not approved (enalapril 1985 not either)
    at(sim, dt.date(2016, 6, 1))
    sim.rx.resume(sim.now, None)
    given = sim.rec.lists["medications"]
    assert len(given) == 1 and given[0]["stop"] is None and run.created["Entresto"] is given[0]
    assert sim.attributes["arni"] is given[0] and not sim.rx.pending
    assert sim.rx.events[-1]["action"] == "resumed" and sim.rx.events[-1]["entry"] == given[0]["id"]


def test_a_withheld_order_the_module_replaced_is_not_resumed() -> None:
    sim = patient(dt.date(1930, 1, 1))
    at(sim, dt.date(1970, 6, 1))
    run = Run()
    order(sim, "1656351", chronic=True, run=run, state=Order(name="Entresto"))
    run.created["Entresto"] = {"id": "other"}
    at(sim, dt.date(2016, 6, 1))
    sim.rx.resume(sim.now, None)
    assert sim.rec.lists["medications"] == [] and not sim.rx.pending


def test_an_unchanged_renewal_of_an_order_written_hours_before_keeps_it() -> None:
    """s14review finding 15: a chronic drug ordered at a visit was stopped and re-ordered 2 hours later at a same-day
    wellness visit (a 0-day course). A renewal within renewal.csv's 30 days that changes nothing keeps the order;
    one that changes the dose (a titration step) is a new order."""
    sim = patient(dt.date(1960, 1, 1))
    start = at(sim, dt.date(2015, 3, 1))
    first = order(sim, "314076", chronic=True)  # lisinopril 10 mg
    sim.now = start + 2 * 3600
    assert _renew(sim, first) is first and first["stop"] is None and first in sim.active["medications"].values()
    sim.now = start + 31 * 86400  # a month on: renewed as a new order
    second = _renew(sim, first)
    assert second is not first and first["stop"] == sim.now and second["stop"] is None
    other = patient(dt.date(1950, 1, 1))
    at(other, dt.date(1987, 12, 20))  # this auto-injector is listed from 1988: an ampoule stands in
    held = order(other, EPI_ADULT, chronic=True)
    at(other, dt.date(1988, 1, 5))
    renewed = _renew(other, held)  # 16 days on, but another drug now: a new order
    assert code_of(held) == EPI_AMPOULE and code_of(renewed) == EPI_ADULT and held["stop"] == other.now


def test_two_drugs_with_the_same_era_substitute_give_one_order_and_each_starts_once_approved() -> None:
    """Synthea's diabetes medications ordered in 1980: metformin (1995) and liraglutide (2010) both become regular
    insulin. It was written twice and the first replaced at the same instant (a 0-second course, again at every
    yearly renewal). Now one insulin order; the second drug waits for its own approval."""
    from ehrsim.engine import care

    sim = patient(dt.date(1930, 1, 1))
    start = at(sim, dt.date(1980, 3, 1))
    run = Run()
    sim.runs.append(run)  # type: ignore[arg-type]
    first = order(sim, METFORMIN_ER, chronic=True, run=run, state=Order(name="Metformin"))
    second = order(sim, "897122", chronic=True, run=run, state=Order(name="Liraglutide"))
    assert code_of(first) == "311034" and first["stop"] is None  # regular insulin, running
    assert second["id"] is None and second["prescribing"]["rule"] == "duplicate_therapy"
    assert [m["start"] for m in sim.rec.lists["medications"]] == [start] and len(sim.rx.pending) == 1
    at(sim, dt.date(1981, 3, 1))
    care._renew_chronic(sim, {"id": "w1"}, sim.now)  # renewed once, nothing replaced
    assert [(code_of(m), m["stop"]) for m in sim.rec.lists["medications"]] == [("311034", sim.now), ("311034", None)]
    assert len(sim.rx.pending) == 1  # liraglutide still waits (its substitute is taken)
    at(sim, dt.date(2011, 3, 1))
    care._renew_chronic(sim, {"id": "w2"}, sim.now)
    running = sorted(code_of(m) for m in sim.rec.lists["medications"] if m["stop"] is None)
    assert running == ["860975", "897122"] and not sim.rx.pending  # metformin and liraglutide, each approved
