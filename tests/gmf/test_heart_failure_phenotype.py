"""Our heart_failure module tells the core which phenotype it treats (attribute chf_type, the convention the core's
physiology reads): without it the core drew its own, and an echo showed 34 % while the module treated preserved
ejection fraction (s14review chart review, audit rule care.hfref_treated)."""

from __future__ import annotations

import json
from pathlib import Path

MODULE = Path(__file__).resolve().parents[2] / "modules" / "heart_failure.json"


def _path_from(states: dict, name: str, stop: str) -> list[dict]:
    out = []
    while name != stop:
        state = states[name]
        out.append(state)
        name = state["direct_transition"]
    return out


def test_each_phenotype_sets_chf_type_before_the_first_echo() -> None:
    states = json.loads(MODULE.read_text())["states"]
    for start, ef_low, ef_high, chf_type in (("Reduced_EF", 20, 40, "HFrEF"), ("Preserved_EF", 50, 65, "HFpEF")):
        path = _path_from(states, start, "Symptoms")
        assert path[0]["distribution"]["parameters"] == {"low": ef_low, "high": ef_high}
        set_to = {s["attribute"]: s["value"] for s in path if s["type"] == "SetAttribute"}
        assert set_to == {"hf_reduced_ef": chf_type == "HFrEF", "chf_type": chf_type}
