"""Cultures in our modules are read after incubation (s19dm): every blood culture (LOINC 600-7) or throat culture
(626-2) result state is entered only from a Delay of 24 hours (growth) or 48 hours (no growth), so no result is
written at the minute the sample is taken (audit rules care.blood_culture_turnaround and
care.throat_culture_turnaround)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

MODULES = Path(__file__).resolve().parents[2] / "modules"
CULTURES = {"600-7", "626-2"}


def _targets(state: dict) -> list[str]:
    out = [state["direct_transition"]] if "direct_transition" in state else []
    for key in ("conditional_transition", "complex_transition", "distributed_transition"):
        for branch in state.get(key, ()):
            out += [branch["transition"]] if "transition" in branch else []
            out += [d["transition"] for d in branch.get("distributions", ())]
    return out


@pytest.mark.parametrize("name", ["community_acquired_pneumonia", "cellulitis", "sepsis", "pharyngitis"])
def test_culture_results_follow_their_incubation(name: str) -> None:
    states = json.loads((MODULES / f"{name}.json").read_text())["states"]
    results = {n for n, s in states.items() if s["type"] == "Observation" and s["codes"][0]["code"] in CULTURES}
    assert results
    for result in results:
        before = [n for n, s in states.items() if result in _targets(s)]
        assert before, result
        for n in before:
            state = states[n]
            assert state["type"] == "Delay", (result, n)
            hours = state["exact"]["quantity"] * {"hours": 1, "days": 24}[state["exact"]["unit"]]
            negative = states[result].get("value_code", {}).get("code") in ("264868006", "260385009")
            assert hours == (48 if negative else 24), (result, hours)
