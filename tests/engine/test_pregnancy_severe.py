"""A severe-range reading with pre-eclampsia at a visit other than the prenatal one is confirmed, admitted and
delivered (engine/pregnancy_severe.py; ACOG PB 222). The 2,000-life proof run delivered a woman 16 days after 162/92
at her 34-week visit and 165/97 at a cystitis visit (s19mom)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from ehrsim.engine import pregnancy_bp, pregnancy_severe
from tests.engine.harness import simulate

MODULES = Path(__file__).resolve().parents[2] / "modules"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "modules" / "pregnancy_severe"
DAY, HOUR = 86400, 3600
PREECLAMPSIA, SEVERE = "398254007", "46764007"
DELIVERIES = {"177184002", "11466000", "236974004"}
FIXTURE = "severe_bp_at_sick_visits"


def test_severe_readings_at_sick_visits_are_confirmed_and_delivered() -> None:
    """Two days after pre-eclampsia is diagnosed at 34 weeks a sick visit reads 165/100 (the fixture; 5 hours later
    another, 166/101): obstetric triage repeats the reading 15 minutes to 4 hours later, and a second severe reading
    admits her; severe pre-eclampsia is charted at the admission and she is delivered within 2 days. Before, the
    next prenatal visit (36 weeks) was the first to look: delivered 12 days or more later."""
    for seed in (23, 34):  # seeds whose pre-eclampsia is diagnosed without a severe reading
        _, record = simulate(
            "pregnancy", FIXTURE, born=dt.date(1990, 1, 1), end=dt.date(2025, 1, 1), seed=seed, folder=MODULES,
            extra=(FIXTURES,),
        )  # fmt: skip
        (pe,) = [c for c in record["conditions"] if c["codes"][0]["code"] == PREECLAMPSIA]
        sick = min(e["start"] for e in record["encounters"] if e["module"] == FIXTURE and e["start"] > pe["start"])
        births = [p["start"] for p in record["procedures"] if p["codes"][0]["code"] in DELIVERIES]
        born = min(t for t in births if t >= pe["start"])
        assert sick < born <= sick + 2 * DAY, seed
        (triage,) = [e for e in record["encounters"] if e["module"] == pregnancy_severe.TRIAGE_MODULE]
        assert triage["class"] == "emergency" and sick + 900 <= triage["start"] <= sick + 4 * HOUR
        assert triage["reason"][0]["code"] == PREECLAMPSIA
        repeat = [o for o in record["observations"] if o["encounter"] == triage["id"]]
        assert any(o["codes"][0]["code"] == "85354-9" for o in repeat)
        (severe,) = [c for c in record["conditions"] if c["codes"][0]["code"] == SEVERE]
        admission = next(e for e in record["encounters"] if e["id"] == severe["encounter"])
        assert admission["class"] == "inpatient" and admission["start"] >= triage["start"]
        assert severe["stop"] is not None and severe["stop"] - born <= 7 * DAY


class Sim(SimpleNamespace):
    def set_attribute(self, name: str, value: Any) -> None:
        self.attributes[name] = value


def _sim(weeks: float, held: int = 0, states: tuple[str, ...] = (pregnancy_severe.ADMIT,)) -> Sim:
    run = SimpleNamespace(top=SimpleNamespace(path="pregnancy", nodes=dict.fromkeys(states)), encounter=None, stack=[])
    encounters = [{"id": "prenatal", "module": "pregnancy"}, {"id": "sick", "module": "urinary_tract_infection"}]
    pushed: list[tuple[Any, ...]] = []
    return Sim(
        attributes={"pregnancy": True, "gestational_weeks": weeks, "preeclampsia": True, pregnancy_severe.COUNT: held},
        runs=[run],
        rec=SimpleNamespace(lists={"encounters": encounters}),
        queue=SimpleNamespace(push=lambda *event: pushed.append(event)),
        pushed=pushed,
    )


def _panel(encounter: str, systolic: float, diastolic: float) -> dict[str, Any]:
    part = lambda code, v: {"codes": [{"code": code}], "value": v}  # noqa: E731
    return {
        "time": 10 * HOUR,
        "encounter": encounter,
        "codes": [{"code": "85354-9"}],
        "components": [part("8480-6", systolic), part("8462-4", diastolic)],
    }


def test_only_other_visits_severe_readings_count_and_the_second_admits() -> None:
    first = _sim(34)
    pregnancy_bp.observed(first, _panel("sick", 165, 97))
    assert first.attributes[pregnancy_severe.COUNT] == 1
    ((t, _, _, triage),) = first.pushed
    assert t == 10 * HOUR + pregnancy_severe.CONFIRM_AFTER and isinstance(triage, pregnancy_severe._Triage)
    second = _sim(34, held=1)  # the prenatal visit's 162/92 counted by the module
    pregnancy_bp.observed(second, _panel("sick", 165, 97))
    assert second.attributes[pregnancy_severe.COUNT] == 2 and second.pushed[0][3] is pregnancy_severe._admit
    for sim, entry in (
        (_sim(34), _panel("prenatal", 170, 100)),  # the prenatal visit counts its own
        (_sim(34), _panel("sick", 158, 108)),  # not severe
        (_sim(33), _panel("sick", 170, 100)),  # before 34 weeks: not delivered
        (_sim(34, states=()), _panel("sick", 170, 100)),  # a library without the state (Synthea's)
    ):
        pregnancy_bp.observed(sim, entry)
        assert sim.attributes[pregnancy_severe.COUNT] == 0 and not sim.pushed
