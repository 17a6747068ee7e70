"""An order a module writes outside any visit names the active condition the module diagnosed last (Synthea's stable
ischaemic heart disease module: clopidogrel, a statin, metoprolol and nitroglycerin a week after the diagnosis, with
no encounter and no reason; s18syn: 103 of 105 orders without a reason on 300 lives)."""

from __future__ import annotations

import datetime as dt

from tests.engine.harness import simulate


def test_an_order_outside_any_visit_is_for_the_modules_active_diagnosis() -> None:
    _sim, record = simulate("order_after_visit", gender="M", born=dt.date(1950, 1, 1), end=dt.date(2020, 1, 1))
    (order,) = [m for m in record["medications"] if m["codes"][0]["code"] == "309362"]
    assert [r["code"] for r in order["reason"]] == ["414545008"]
