"""A re-diagnosis of an active condition is the same entry; a new stage ends the previous one."""

from __future__ import annotations

import json
from pathlib import Path

from tests.engine.harness import simulate

SNOMED = "SNOMED-CT"
CKD2 = {"system": SNOMED, "code": "431856006", "display": "Chronic kidney disease stage 2 (disorder)"}
CKD3 = {"system": SNOMED, "code": "433144002", "display": "Chronic kidney disease stage 3 (disorder)"}


def _module(folder: Path) -> None:
    """Synthea's kidney_conditions pattern: the current stage is diagnosed again every year."""

    def onset(code: dict, nxt: str) -> dict:
        return {"type": "ConditionOnset", "codes": [code], "direct_transition": nxt}

    def wait(nxt: str) -> dict:
        return {"type": "Delay", "exact": {"quantity": 1, "unit": "years"}, "direct_transition": nxt}

    states = {
        "Initial": {"type": "Initial", "direct_transition": "Wait0"},
        "Wait0": {"type": "Delay", "exact": {"quantity": 10, "unit": "years"}, "direct_transition": "CKD2_a"},
        "CKD2_a": onset(CKD2, "Wait1"),
        "Wait1": wait("CKD2_b"),
        "CKD2_b": onset(CKD2, "Wait2"),
        "Wait2": wait("CKD3_a"),
        "CKD3_a": onset(CKD3, "Wait3"),
        "Wait3": wait("CKD3_b"),
        "CKD3_b": onset(CKD3, "Wait4"),
        "Wait4": wait("Transplant"),
        "Transplant": {"type": "ConditionEnd", "codes": [CKD3], "direct_transition": "Terminal"},
        "Terminal": {"type": "Terminal"},
    }
    (folder / "stages.json").write_text(json.dumps({"name": "stages", "gmf_version": 2, "states": states}))


def test_yearly_rediagnosis_keeps_one_entry_and_a_new_stage_ends_the_previous(tmp_path: Path) -> None:
    _module(tmp_path)
    _sim, record = simulate("stages", folder=tmp_path)
    ckd = [c for c in record["conditions"] if c["codes"][0]["code"] in (CKD2["code"], CKD3["code"])]
    assert [c["codes"][0]["code"] for c in ckd] == [CKD2["code"], CKD3["code"]]
    stage2, stage3 = ckd
    assert stage2["stop"] == stage3["start"]  # ended when stage 3 was diagnosed, not by the module
    assert stage3["stop"] is not None and stage3["stop"] > stage3["start"]  # ConditionEnd by code ends the one entry
