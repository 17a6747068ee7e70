"""Duplicate therapy by ingredient and the maximum daily dose over all running orders (ingredient_limits.csv).

CLOSING8 chart 4: as-needed acetaminophen 325 mg (two tablets four times a day) was added to chronic acetaminophen
500 mg (two tablets three times a day) at 87: up to 5.6 g a day against the 4 g label maximum (3 g from 65).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ehrsim.errors import EhrsimError
from ehrsim.prescribing import ingredients
from ehrsim.prescribing.tables import tables
from tests.prescribing.helpers import Order, Run, at, code_of, patient

APAP_500, APAP_325, APAP_HYDROCODONE = "198440", "313782", "857005"
HCTZ_25, LISINOPRIL_HCTZ = "310798", "197885"


def _rx(sim, code: str, amount: float, per_day: int, *, chronic: bool, days: float | None = None) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    t = sim.now
    fields = {
        "start": t,
        "stop": t + days * 86400.0 if days else None,
        "codes": [{"system": "RxNorm", "code": code, "display": code}],
        "reason": [],
        "chronic": chronic,
        "administered": False,
        "requested": True,
        "dosage": {"amount": amount, "frequency": per_day, "period": 1.0, "unit": "days"},
        "as_needed": not chronic,
        "duration_days": days,
        "refills": 0,
        "instructions": [],
        "stop_reason": None,
    }
    return sim.rx.order(Run(), Order(name=f"Order_{code}"), fields, t)


def _running(sim) -> list[str]:  # type: ignore[no-untyped-def]
    live = {m["id"]: m for m in sim.active["medications"].values() if m["stop"] is None or m["stop"] > sim.now}
    return sorted(code_of(m) for m in live.values())


def test_as_needed_acetaminophen_is_not_added_to_a_running_acetaminophen_order() -> None:
    sim = patient(dt.date(1937, 1, 1))
    at(sim, dt.date(2024, 1, 10))
    chronic = _rx(sim, APAP_500, 2, 3, chronic=True)  # 3 g a day: the maximum at 87
    assert "dose_capped" not in (chronic.get("prescribing") or {})
    at(sim, dt.date(2024, 5, 28))
    prn = _rx(sim, APAP_325, 2, 4, chronic=False, days=14)
    assert prn["id"] is None and prn["prescribing"] == {
        "action": "withheld",
        "rule": "duplicate_ingredient",
        "reason": "duplicate therapy: acetaminophen in acetaminophen 500 MG Oral Tablet already taken",
    }
    assert chronic["stop"] is None and _running(sim) == [APAP_500]


def test_a_combination_with_acetaminophen_replaces_plain_acetaminophen() -> None:
    sim = patient(dt.date(1960, 1, 1))
    at(sim, dt.date(2020, 1, 10))
    chronic = _rx(sim, APAP_500, 2, 3, chronic=True)
    at(sim, dt.date(2020, 3, 1))
    _rx(sim, APAP_HYDROCODONE, 1, 4, chronic=False, days=5)
    assert chronic["stop"] == sim.now and chronic["prescribing"]["stop_rule"] == "duplicate_ingredient"
    assert _running(sim) == [APAP_HYDROCODONE]


def test_a_combination_with_hydrochlorothiazide_replaces_hydrochlorothiazide_alone() -> None:
    sim = patient(dt.date(1960, 1, 1))
    at(sim, dt.date(2015, 1, 10))
    hctz = _rx(sim, HCTZ_25, 1, 1, chronic=True)
    at(sim, dt.date(2015, 6, 1))
    _rx(sim, LISINOPRIL_HCTZ, 1, 1, chronic=True)
    assert hctz["stop"] == sim.now and len(_running(sim)) == 1


def test_the_daily_maximum_lowers_the_doses_a_day_from_65() -> None:
    old = patient(dt.date(1940, 1, 1))
    at(old, dt.date(2020, 1, 10))
    capped = _rx(old, APAP_500, 2, 4, chronic=True)  # 4 g a day at 80: 3 g is the maximum
    assert capped["dosage"]["frequency"] == 3 and capped["dosage"]["amount"] == 2
    assert any(e["action"] == "dose_capped" and e["rule"] == "max_daily_dose" for e in old.rx.events)
    young = patient(dt.date(1980, 1, 1))
    at(young, dt.date(2020, 1, 10))
    kept = _rx(young, APAP_500, 2, 4, chronic=True)  # 4 g at 40: the maximum itself
    assert kept["dosage"]["frequency"] == 4 and "dose_capped" not in (kept.get("prescribing") or {})


def test_mg_a_day_reads_the_ingredient_of_a_combination() -> None:
    product = tables().products[APAP_HYDROCODONE]  # acetaminophen 325 mg / hydrocodone 7.5 mg
    dosage = {"amount": 2, "frequency": 6, "period": 1, "unit": "days", "dose_unit": "{tablet}"}
    assert ingredients.mg_a_day(dosage, product, "acetaminophen") == 3900
    assert ingredients.mg_a_day(dosage, product, "hydrocodone") == 90
    assert ingredients.mg_a_day({**dosage, "period": 24, "unit": "hours"}, product, "acetaminophen") == 3900
    assert ingredients.mg_a_day(None, product, "acetaminophen") is None


def test_every_row_has_an_action_and_a_source(monkeypatch: pytest.MonkeyPatch) -> None:
    table = ingredients.limits()
    assert table["acetaminophen"].limit(64.9) == 4000 and table["acetaminophen"].limit(65) == 3000
    assert table["hydrochlorothiazide"].limit(80) is None
    bad = ({"ingredient": "x", "duplicate_action": "merge", "max_mg_a_day": "", "max_mg_a_day_older": "",
            "older_from_age": "", "source": "s"},)  # fmt: skip
    ingredients.limits.cache_clear()
    monkeypatch.setattr(ingredients, "rows", lambda _: bad)
    with pytest.raises(EhrsimError):
        ingredients.limits()
    ingredients.limits.cache_clear()


def test_a_replaced_era_substitute_still_waits_for_the_drug_it_stood_for() -> None:
    """Lisinopril ordered in 1980 is given as a thiazide; the module's own thiazide then replaces that thiazide, and
    lisinopril still comes once it exists (300 lives: a replaced stand-in had lost lisinopril or amlodipine)."""
    from ehrsim.engine import care

    sim = patient(dt.date(1930, 1, 1))
    at(sim, dt.date(1980, 7, 7))
    run = Run()
    sim.runs.append(run)  # type: ignore[arg-type]
    stand_in = sim.rx.order(run, Order(name="Lisinopril"), _fields(sim, "314076"), sim.now)  # type: ignore[arg-type]
    assert "hydrochlorothiazide" in stand_in["codes"][0]["display"]
    at(sim, dt.date(1981, 7, 7))
    sim.rx.order(run, Order(name="Thiazide"), _fields(sim, HCTZ_25), sim.now)  # type: ignore[arg-type]
    assert stand_in["stop"] == sim.now and len(sim.rx.pending) == 1
    at(sim, dt.date(1982, 7, 7))
    care._renew_chronic(sim, {"id": "w1"}, sim.now)  # no second thiazide for the waiting lisinopril
    assert len(_running(sim)) == 1 and len(sim.rx.pending) == 1
    at(sim, dt.date(1988, 7, 7))
    care._renew_chronic(sim, {"id": "w2"}, sim.now)
    assert "314076" in _running(sim) and not sim.rx.pending


def _fields(sim, code: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    t = sim.now
    return {
        "start": t,
        "stop": None,
        "codes": [{"system": "RxNorm", "code": code, "display": code}],
        "reason": [],
        "chronic": True,
        "administered": False,
        "requested": True,
        "dosage": {"amount": 1, "frequency": 1, "period": 1.0, "unit": "days"},
        "as_needed": False,
        "duration_days": None,
        "refills": 0,
        "instructions": [],
        "stop_reason": None,
    }


IBUPROFEN_200, PREGNANCY = "310965", "72892002"


def test_a_substitute_for_a_stopped_nsaid_is_not_added_to_running_acetaminophen() -> None:
    """The lead's proof run (2,000 lives, seed 1, #195): ibuprofen stopped by a review was switched to acetaminophen
    325 mg beside a chronic acetaminophen 3 g a day (4.3 g a day). The switch passes the checks a new order passes."""
    from tests.prescribing.helpers import onset

    sim = patient(dt.date(1990, 1, 1))
    at(sim, dt.date(2020, 1, 10))
    chronic = _rx(sim, APAP_500, 2, 3, chronic=True)
    at(sim, dt.date(2020, 3, 1))
    nsaid = _rx(sim, IBUPROFEN_200, 2, 3, chronic=False, days=7)
    assert "ibuprofen" in nsaid["codes"][0]["display"]
    at(sim, dt.date(2020, 3, 2))
    onset(sim, "conditions", PREGNANCY)  # NSAIDs stop in pregnancy (rules.csv nsaid_pregnancy)
    assert nsaid["stop"] == sim.now and chronic["stop"] is None
    assert _running(sim) == [APAP_500]
    assert any(e["action"] == "withheld" and e["rule"] == "duplicate_ingredient" for e in sim.rx.events)


def test_an_nsaid_renewed_as_acetaminophen_in_pregnancy_replaces_the_other_acetaminophen_order() -> None:
    """A chronic ibuprofen renewed in pregnancy becomes acetaminophen: one acetaminophen order runs, not two."""
    from ehrsim.engine import care

    sim = patient(dt.date(1990, 1, 1))
    at(sim, dt.date(2020, 1, 10))
    _rx(sim, APAP_500, 2, 3, chronic=True)
    at(sim, dt.date(2020, 1, 20))
    _rx(sim, IBUPROFEN_200, 2, 1, chronic=True)
    sim.set_attribute("pregnant", True)
    at(sim, dt.date(2020, 6, 1))
    care._renew_chronic(sim, {"id": "w1"}, sim.now)
    running = [m["codes"][0]["display"] for m, _ in sim.rx._current(sim.now)]
    assert len(running) == 1 and running[0].startswith("acetaminophen"), running
