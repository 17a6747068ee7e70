"""Lung cancer treatment by stage (modules/cancer/lung_treatment.json)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from tests.engine.harness import simulate

MODULES = Path(__file__).resolve().parents[2] / "modules"
LOBECTOMY, CARBOPLATIN = "173171007", "597195"


def _caller(stage: int) -> dict:
    return {
        "name": "lung_caller",
        "gmf_version": 2,
        "states": {
            "Initial": {"type": "Initial", "direct_transition": "Wait"},
            "Wait": {"type": "Delay", "exact": {"quantity": 65, "unit": "years"}, "direct_transition": "Type"},
            "Type": {
                "type": "SetAttribute",
                "attribute": "lung_cancer_type",
                "value": "nsclc",
                "direct_transition": "Stage",
            },
            "Stage": {
                "type": "SetAttribute",
                "attribute": "lung_cancer_stage",
                "value": stage,
                "direct_transition": "Visit",
            },
            "Visit": {
                "type": "Encounter",
                "encounter_class": "ambulatory",
                "codes": [{"system": "SNOMED-CT", "code": "185347001", "display": "Encounter for problem (procedure)"}],
                "direct_transition": "Cancer",
            },
            "Cancer": {
                "type": "ConditionOnset",
                "codes": [
                    {
                        "system": "SNOMED-CT",
                        "code": "425048006",
                        "display": "Non-small cell carcinoma of lung, TNM stage 2 (disorder)",
                    }
                ],
                "assign_to_attribute": "lung_cancer",
                "direct_transition": "End_Visit",
            },
            "End_Visit": {"type": "EncounterEnd", "direct_transition": "Treatment"},
            "Treatment": {"type": "CallSubmodule", "submodule": "cancer/lung_treatment", "direct_transition": "Done"},
            "Done": {"type": "Terminal"},
        },
    }


def test_adjuvant_chemotherapy_starts_weeks_after_the_lobectomy_not_at_discharge(tmp_path: Path) -> None:
    """s17onc chart review: the first adjuvant cycle was given at the instant of the discharge after lobectomy."""
    (tmp_path / "cancer").mkdir()
    shutil.copy(MODULES / "cancer" / "lung_treatment.json", tmp_path / "cancer" / "lung_treatment.json")
    (tmp_path / "lung_caller.json").write_text(json.dumps(_caller(2)))
    _, rec = simulate("lung_caller", gender="M", born=dt.date(1950, 1, 1), end=dt.date(2025, 1, 1), folder=tmp_path)
    surgery = next(p for p in rec["procedures"] if p["codes"][0]["code"] == LOBECTOMY)
    discharge = next(e["stop"] for e in rec["encounters"] if e["id"] == surgery["encounter"])
    cycles = sorted(m["start"] for m in rec["medications"] if m["codes"][0]["code"] == CARBOPLATIN)
    assert len(cycles) == 4
    assert 5 * 7 * 86400 <= cycles[0] - discharge <= 8 * 7 * 86400 + 86400
