"""Our cancer modules record distant disease before a cancer death (s15adult finding #3): every path from the start
to the hospice admission passes a ``Metastasis_Check`` state, which records the metastasis unless one is active."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

MODULES = Path(__file__).resolve().parents[2] / "modules"
CANCERS = ("bladder", "cervical", "colorectal", "kidney", "lung", "melanoma", "prostate", "thyroid", "uterine")


def _targets(state: object) -> set[str]:
    out: set[str] = set()
    if isinstance(state, dict):
        for key, value in state.items():
            if key in ("transition", "direct_transition") and isinstance(value, str):
                out.add(value)
            else:
                out |= _targets(value)
    elif isinstance(state, list):
        for value in state:
            out |= _targets(value)
    return out


@pytest.mark.parametrize("cancer", CANCERS)
def test_hospice_is_reached_only_through_a_metastasis_check(cancer: str) -> None:
    states = json.loads((MODULES / f"{cancer}_cancer.json").read_text())["states"]
    checks = {name for name in states if name.startswith("Metastasis_Check")}
    assert checks, cancer
    for name in checks:  # the check records the metastasis (a ConditionOnset) when none is active
        onsets = [states[t] for t in _targets(states[name]) if states[t]["type"] == "ConditionOnset"]
        assert (onsets and "Secondary malignant neoplasm" in onsets[0]["codes"][0]["display"]) or cancer == "prostate"
    seen, todo = set(), ["Initial"]
    while todo:
        name = todo.pop()
        if name in seen or name in checks:
            continue
        seen.add(name)
        todo.extend(_targets(states[name]))
    assert "Hospice_Admission" not in seen, f"{cancer}: hospice reachable without a metastasis check"
