"""Our pharyngitis module does not test a viral-looking sore throat under 3 years for group A strep (IDSA 2012
recommendation 4; s14review: a negative rapid strep test at 11 weeks; audit rule care.no_strep_test_under_3)."""

from __future__ import annotations

import json
from pathlib import Path

MODULE = Path(__file__).resolve().parents[2] / "modules" / "pharyngitis.json"


def test_viral_sore_throat_under_3_is_not_tested() -> None:
    states = json.loads(MODULE.read_text())["states"]
    first = states["Viral_Test_Era"]["conditional_transition"][0]
    assert first["condition"] == {"condition_type": "Age", "operator": "<", "quantity": 3, "unit": "years"}
    assert first["transition"] == "Viral_Pharyngitis"
    assert states["Viral_Pharyngitis"]["type"] == "ConditionOnset"  # straight to the diagnosis, no test state
