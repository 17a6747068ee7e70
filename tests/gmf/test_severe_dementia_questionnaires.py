"""No self-report questionnaire (PHQ-2, PHQ-9, AUDIT-C) is reachable in severe dementia, in any module of our library.

The s17death proof run found PHQ-9 scored at depression follow-ups (and AUDIT-C at an alcohol-use remission visit) after
an MMSE below 10: the wellness screening skipped them, the disease modules did not. Every path to such an Observation
state must pass a gate that turns away at the latest MMSE below 10 (the wellness module's condition).
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from ehrsim.paths import modules_dir

SELF_REPORT = {"44261-6", "55758-7", "75626-2"}  # PHQ-9, PHQ-2 and AUDIT-C total scores (LOINC)
MMSE = "72106-8"


def _targets(state: dict[str, Any]) -> set[str]:
    out = {state["direct_transition"]} if "direct_transition" in state else set()
    for key in ("conditional_transition", "distributed_transition", "complex_transition", "lookup_table_transition"):
        for t in state.get(key) or []:
            out |= {t["transition"]} if "transition" in t else set()
            out |= {d["transition"] for d in t.get("distributions") or []}
    return out


def _gated(state: dict[str, Any]) -> bool:
    first = (state.get("conditional_transition") or [{}])[0].get("condition") or {}
    codes = {c.get("code") for c in first.get("codes") or []}
    return first.get("condition_type") == "Observation" and MMSE in codes and first.get("operator") == "<"


def _ungated_paths(states: dict[str, dict[str, Any]]) -> list[str]:
    """Questionnaire states reachable from Initial without passing an MMSE gate."""
    edges: dict[str, set[str]] = defaultdict(set)
    for name, state in states.items():
        if not _gated(state):  # a gate's way on to the questionnaire is judged closed
            edges[name] = _targets(state)
    seen, todo = {"Initial"}, ["Initial"]
    while todo:
        for nxt in edges[todo.pop()] - seen:
            seen.add(nxt)
            todo.append(nxt)
    return [
        n
        for n in seen
        if states[n].get("type") == "Observation" and SELF_REPORT & {c["code"] for c in states[n].get("codes") or []}
    ]


def test_depression_and_alcohol_questionnaires_are_gated_by_the_mmse() -> None:
    found = {}
    for name in ("depression.json", "alcohol_use_disorder.json", "wellness/screening.json"):
        states = json.loads((Path(modules_dir()) / name).read_text())["states"]
        found[name] = sorted(_ungated_paths(states))
    assert found == {n: [] for n in found}


def test_an_ungated_questionnaire_is_found() -> None:
    states = {
        "Initial": {"type": "Initial", "direct_transition": "Phq9"},
        "Phq9": {"type": "Observation", "codes": [{"code": "44261-6"}], "direct_transition": "Terminal"},
        "Terminal": {"type": "Terminal"},
    }
    assert _ungated_paths(states) == ["Phq9"]
