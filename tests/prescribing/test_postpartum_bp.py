"""Persistent postpartum hypertension is treated (ACOG PB 222: >= 150/100 on two occasions 4-6 hours apart; a
severe-range reading at once, CO 767), in the 6 weeks after a pregnancy with a hypertensive disorder (s17mom)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from ehrsim.prescribing import postpartum, pregnancy

HOUR, DAY = 3600.0, 86400.0
GH = {"codes": [{"system": "SNOMED-CT", "code": "48194001", "display": "Pregnancy-induced hypertension (disorder)"}]}


def _panel(t: float, systolic: float, diastolic: float) -> dict[str, Any]:
    part = lambda code, v: {"codes": [{"code": code}], "value": v}  # noqa: E731
    return {"time": t, "encounter": "e1", "codes": [{"code": "85354-9"}],
            "components": [part("8480-6", systolic), part("8462-4", diastolic)]}  # fmt: skip


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(pregnancy, "start_drug", lambda *a: calls.append(a) or True)
    monkeypatch.setattr(pregnancy, "treated", lambda ph, t: False)
    return calls


def _ph(readings: list[dict[str, Any]], active: dict[str, Any] | None = None, end: float = 0.0) -> Any:
    sim = SimpleNamespace(
        physiology=SimpleNamespace(pregnancy_end=end),
        active={"conditions": {"48194001": GH} if active is None else active},
        rec=SimpleNamespace(lists={"observations": readings}),
        end_time=1e12,
    )
    return SimpleNamespace(sim=sim)


def test_two_readings_of_150_100_four_hours_apart_start_treatment_for_the_disorder(started: list) -> None:
    first, repeat = _panel(5 * DAY, 152, 96), _panel(5 * DAY + 4.5 * HOUR, 148, 101)
    ph = _ph([first])
    assert not postpartum.start_postpartum(ph, first, first["time"])  # one occasion is not persistent
    ph.sim.rec.lists["observations"].append(repeat)
    assert postpartum.start_postpartum(ph, repeat, repeat["time"])
    _, encounter, t, reason, stop, chronic, _, rule = started[0]
    assert (encounter, t, reason, chronic, rule) == ("e1", repeat["time"], GH["codes"][0], False, postpartum.RULE)
    assert stop == postpartum.POSTPARTUM_S  # until 6 weeks after the birth


def test_severe_reading_starts_at_once_and_lower_or_late_or_undiagnosed_readings_do_not(started: list) -> None:
    severe = _panel(4 * DAY, 162, 95)
    assert postpartum.start_postpartum(_ph([severe]), severe, severe["time"])
    close = [_panel(5 * DAY, 155, 90), _panel(5 * DAY + 2 * HOUR, 156, 92)]  # under 4 hours apart
    assert not postpartum.start_postpartum(_ph(close), close[1], close[1]["time"])
    mild = [_panel(5 * DAY, 146, 95), _panel(5 * DAY + 5 * HOUR, 148, 96)]  # below 150/100: watched, not treated
    assert not postpartum.start_postpartum(_ph(mild), mild[1], mild[1]["time"])
    late = _panel(50 * DAY, 170, 112)  # after the 6 postpartum weeks: the hypertension module's care
    assert not postpartum.start_postpartum(_ph([late]), late, late["time"])
    assert not postpartum.start_postpartum(_ph([severe], active={}), severe, severe["time"])  # no disorder known
    assert len(started) == 1


WEEK = 7 * DAY


def _ended(meds: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch, conception: float = 0.0) -> Any:
    monkeypatch.setattr(pregnancy, "first_line", lambda: ("labetalol 100",))
    monkeypatch.setattr(pregnancy, "second_line", lambda: ("nifedipine 30",))
    products = {
        "labetalol 100": SimpleNamespace(ingredients=("labetalol",)),
        "labetalol 200": SimpleNamespace(ingredients=("labetalol",)),
        "nifedipine 30": SimpleNamespace(ingredients=("nifedipine",)),
        "lisinopril 10": SimpleNamespace(ingredients=("lisinopril",)),
    }
    ph = SimpleNamespace(
        sim=SimpleNamespace(physiology=SimpleNamespace(pregnancy_start=conception)),
        rx=SimpleNamespace(products=products),
        pregnancy_aspirin=None,
        postpartum_review=False,
    )
    ph._current = lambda t: [(m, products[m["codes"][0]["code"]]) for m in meds if m["stop"] is None or m["stop"] > t]
    return ph


def _order(code: str, start: float, stop: float | None, chronic: bool = False) -> dict[str, Any]:
    return {"codes": [{"code": code}], "start": start, "stop": stop, "chronic": chronic}


def test_pregnancy_bp_course_ends_six_weeks_after_a_preterm_birth(monkeypatch: pytest.MonkeyPatch) -> None:
    """Planned to 46 weeks after the conception, a labetalol course outlived a birth at 32 weeks by 14 weeks (the
    audit's 12-week limit, ACOG PB 222); it now ends 6 weeks after the birth (s18seeds: seed 2, patient 915)."""
    planned = pregnancy.POSTPARTUM_END_S
    birth = 32 * WEEK
    titrated = _order("labetalol 200", 30 * WEEK, planned)  # a titration's renewal: another strength, no rule marker
    second = _order("nifedipine 30", 31 * WEEK, planned)
    chronic = _order("labetalol 100", 20 * WEEK, None, chronic=True)  # chronic hypertension: the module's care
    other = _order("lisinopril 10", 20 * WEEK, planned)  # not a pregnancy blood-pressure drug
    before = _order("labetalol 100", -10 * WEEK, planned)  # begun before this pregnancy
    ph = _ended([titrated, second, chronic, other, before], monkeypatch)
    pregnancy.pregnancy_ended(ph, birth)
    assert titrated["stop"] == second["stop"] == birth + 6 * WEEK
    assert (chronic["stop"], other["stop"], before["stop"]) == (None, planned, planned)
    assert ph.postpartum_review


def test_pregnancy_bp_course_planned_within_six_weeks_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    term = _order("labetalol 100", 30 * WEEK, pregnancy.POSTPARTUM_END_S)  # a birth at 40 weeks: 6 weeks already
    ph = _ended([term], monkeypatch)
    pregnancy.pregnancy_ended(ph, 40 * WEEK)
    assert term["stop"] == pregnancy.POSTPARTUM_END_S
