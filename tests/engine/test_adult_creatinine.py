"""The 18th birthday switches creatinine from the child's bedside Schwartz equation to the adult CKD-EPI one
(core/physio_tables.py). The true values are refreshed monthly, so a visit on the birthday read a creatinine
derived a few weeks earlier for a child (0.67 mg/dL) through the adult equation: eGFR 164, then 95 a year later,
a 40 % fall the audit calls steep (phys.egfr_steep_fall_without_acute_illness, 2 of 2 on 2,000 lives)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from tests.engine.harness import simulate

PANEL = {
    "type": "Observation",
    "category": "laboratory",
    "codes": [{"system": "LOINC", "code": "2160-0", "display": "Creatinine [Mass/volume] in Serum or Plasma"}],
    "unit": "mg/dL",
    "vital_sign": "Creatinine",
}


def _at(age: float, then: str) -> dict:
    return {
        "type": "Guard",
        "allow": {"condition_type": "Age", "operator": ">=", "quantity": age, "unit": "years"},
        "direct_transition": then,
    }


def test_a_birthday_visit_reads_an_adult_creatinine(tmp_path: Path) -> None:
    states = {
        "Initial": {"type": "Initial", "direct_transition": "Before"},
        "Before": _at(17.97, "Child_Result"),  # the true values are computed here, for a child
        "Child_Result": {**PANEL, "direct_transition": "Birthday"},
        "Birthday": _at(18, "Adult_Result"),  # less than a month later, but an adult
        "Adult_Result": {**PANEL, "direct_transition": "Later"},
        "Later": _at(18.5, "Later_Result"),
        "Later_Result": {**PANEL, "direct_transition": "Terminal"},
        "Terminal": {"type": "Terminal"},
    }
    (tmp_path / "labs.json").write_text(json.dumps({"name": "labs", "gmf_version": 2, "states": states}))
    for seed in range(3):
        _, rec = simulate("labs", folder=tmp_path, gender="M", born=dt.date(1990, 1, 1), end=dt.date(2010, 1, 1),
                          seed=seed)  # fmt: skip
        child, birthday, later = (o["value"] for o in rec["observations"] if o["codes"][0]["code"] == "2160-0")
        assert birthday > 1.2 * child  # a young man's creatinine, not the boy's of three weeks before
        assert abs(birthday - later) < 0.2 * later  # and close to his value half a year on
