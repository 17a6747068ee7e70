"""Metformin as the label titrates it (s19dm): 500 mg a week at a time to 2,000 mg a day, the immediate-release
tablet twice daily when it stands in for the extended-release one, and at most 1,000 mg a day in CKD stage 3."""

from __future__ import annotations

import datetime as dt

from tests.prescribing.helpers import at, code_of, order, patient
from tests.prescribing.test_rules_lifecycle import egfr

DAY = 86400.0
ER_500, IR_500 = "860975", "861007"


def _course(sim):  # type: ignore[no-untyped-def]
    """(code, tablets a dose, doses a day, days) of each order, in time order."""
    meds = sorted(sim.rec.lists["medications"], key=lambda m: m["start"])
    return [
        (
            code_of(m),
            m["dosage"]["amount"],
            m["dosage"]["frequency"],
            None if m["stop"] is None else round((m["stop"] - m["start"]) / DAY),
        )
        for m in meds
    ]


def test_extended_release_metformin_rises_500_mg_a_week_to_2000_mg_once_daily() -> None:
    sim = patient(dt.date(1970, 1, 1))
    t = at(sim, dt.date(2015, 3, 1))
    main = order(sim, ER_500, chronic=True, amount=4)
    assert _course(sim) == [(ER_500, 1, 1, 7), (ER_500, 2, 1, 7), (ER_500, 3, 1, 7), (ER_500, 4, 1, None)]
    assert main["start"] == t + 21 * DAY


def test_the_maintenance_dose_is_renewed_unchanged() -> None:
    sim = patient(dt.date(1970, 1, 1))
    at(sim, dt.date(2015, 3, 1))
    main = order(sim, ER_500, chronic=True, amount=4)
    at(sim, dt.date(2016, 3, 1))
    renewed = sim.renew("medications", main, sim.now, None)
    assert code_of(renewed) == ER_500 and renewed["dosage"]["amount"] == 4  # 2,000 mg, not cut to one tablet


def test_immediate_release_metformin_before_2000_is_1000_mg_twice_daily_after_weekly_steps() -> None:
    sim = patient(dt.date(1950, 1, 1))
    at(sim, dt.date(1997, 3, 1))  # Glucophage XR approved 2000: the immediate-release tablet, in divided doses
    order(sim, ER_500, chronic=True, amount=4)
    assert _course(sim) == [(IR_500, 1, 1, 7), (IR_500, 1, 2, 7), (IR_500, 1, 3, 7), (IR_500, 2, 2, None)]


def test_ckd_stage_3_caps_metformin_at_1000_mg_a_day_with_one_step_before() -> None:
    sim = patient(dt.date(1950, 1, 1))
    at(sim, dt.date(2015, 3, 1))
    egfr(sim, 40.0)
    order(sim, ER_500, chronic=True, amount=4)
    assert _course(sim) == [(ER_500, 1, 1, 7), (ER_500, 2, 1, None)]
    old = patient(dt.date(1930, 1, 1))
    at(old, dt.date(1997, 3, 1))
    egfr(old, 40.0)
    order(old, ER_500, chronic=True, amount=4)
    assert _course(old) == [(IR_500, 1, 1, 7), (IR_500, 1, 2, None)]  # 500 mg twice daily


def test_ckd_found_later_lowers_the_renewed_dose() -> None:
    sim = patient(dt.date(1950, 1, 1))
    at(sim, dt.date(2015, 3, 1))
    main = order(sim, ER_500, chronic=True, amount=4)
    at(sim, dt.date(2016, 2, 1))
    egfr(sim, 40.0)
    at(sim, dt.date(2016, 3, 1))
    renewed = sim.renew("medications", main, sim.now, None)
    assert code_of(renewed) == ER_500 and renewed["dosage"]["amount"] == 2


def test_the_steps_carry_the_orders_own_display() -> None:
    sim = patient(dt.date(1970, 1, 1))
    at(sim, dt.date(2015, 3, 1))
    order(sim, ER_500, chronic=True, amount=4)
    assert {m["codes"][0]["display"] for m in sim.rec.lists["medications"]} == {ER_500}  # the test order's display
