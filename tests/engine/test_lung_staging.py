"""Stage at diagnosis of lung cancer found by symptoms (modules/lung_cancer.json, state Progression)."""

from __future__ import annotations

import json
from pathlib import Path

MODULES = Path(__file__).resolve().parents[2] / "modules"


def _stage_at_diagnosis() -> dict[int, float]:
    """Absorbing-chain shares: at each stage a month ends in symptoms, progression or neither."""
    states = json.loads((MODULES / "lung_cancer.json").read_text())["states"]
    chances: dict[int, dict[str, float]] = {}
    for branch in states["Progression"]["complex_transition"]:
        cond = branch.get("condition")
        if cond and cond.get("attribute") == "lung_cancer_stage":
            chances[cond["value"]] = {d["transition"]: d["distribution"] for d in branch["distributions"]}
    shares, reach = {}, 1.0
    for stage in (1, 2, 3, 4):
        leave = chances[stage]["Symptomatic"] + chances[stage].get("Progress", 0.0)
        shares[stage] = reach * chances[stage]["Symptomatic"] / leave
        reach -= shares[stage]
    return shares


def test_unscreened_lung_cancer_is_found_at_the_seer_stage_mix() -> None:
    """SEER-18 2010 NSCLC (Ganti et al. JAMA Oncol 2021): stage I 24 %, IV 48 %; the former chances gave 28 % at 4."""
    shares = _stage_at_diagnosis()
    assert abs(sum(shares.values()) - 1) < 1e-9
    assert 0.44 <= shares[4] <= 0.52
    assert 0.20 <= shares[1] <= 0.30
    assert 0.20 <= shares[2] + shares[3] <= 0.32
