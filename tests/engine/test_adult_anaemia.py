"""ehrsim's adult anaemia work-up (modules/adult_anaemia.json): a haemoglobin under the WHO threshold brings a
ferritin and iron studies within two weeks; a normal one, or one in pregnancy, brings nothing."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

from tests.engine.harness import simulate

MODULES = Path(__file__).resolve().parents[2] / "modules"
HB = [{"system": "LOINC", "code": "718-7", "display": "Hemoglobin [Mass/volume] in Blood"}]
PREGNANCY = [{"system": "SNOMED-CT", "code": "72892002", "display": "Normal pregnancy (finding)"}]
WORKUP = {"2276-4", "2498-4", "2500-7"}
DAY = 86400.0


def _driver(haemoglobin: float, pregnant: bool = False) -> dict[str, Any]:
    """At 30: a visit with a true haemoglobin of ``haemoglobin`` measured (in pregnancy when ``pregnant``)."""
    first = "Pregnant" if pregnant else "Visit"
    states: dict[str, Any] = {
        "Initial": {"type": "Initial", "direct_transition": "Age_30"},
        "Age_30": {
            "type": "Guard",
            "allow": {"condition_type": "Age", "operator": ">=", "quantity": 30, "unit": "years"},
            "direct_transition": first,
        },
        "Pregnant": {"type": "ConditionOnset", "codes": PREGNANCY, "direct_transition": "Visit"},
        "Visit": {
            "type": "Encounter",
            "encounter_class": "ambulatory",
            "direct_transition": "Low",
            "codes": [{"system": "SNOMED-CT", "code": "185349003", "display": "Encounter for check up (procedure)"}],
        },
        "Low": {
            "type": "VitalSign",
            "vital_sign": "Hemoglobin",
            "unit": "g/dL",
            "direct_transition": "Measure",
            "exact": {"quantity": haemoglobin},
        },
        "Measure": {
            "type": "Observation",
            "category": "laboratory",
            "vital_sign": "Hemoglobin",
            "unit": "g/dL",
            "codes": HB,
            "direct_transition": "End",
        },
        "End": {"type": "EncounterEnd", "direct_transition": "Terminal"},
        "Terminal": {"type": "Terminal"},
    }
    return {"name": "driver", "gmf_version": 2, "states": states}


def _life(tmp_path: Path, haemoglobin: float, pregnant: bool = False) -> dict[str, Any]:
    shutil.copy(MODULES / "adult_anaemia.json", tmp_path / "adult_anaemia.json")
    (tmp_path / "driver.json").write_text(json.dumps(_driver(haemoglobin, pregnant)))
    _, rec = simulate(
        "driver", "adult_anaemia", folder=tmp_path, gender="F", born=dt.date(1970, 1, 1), end=dt.date(2001, 1, 1)
    )
    return rec


def test_an_anaemic_haemoglobin_brings_ferritin_and_iron_studies_within_two_weeks(tmp_path: Path) -> None:
    """The s19k proof run: 1,166 anaemic haemoglobins in 296 adults, not one ferritin (a woman with CKD 4 at
    10.0-11.3 g/dL for 20 years)."""
    rec = _life(tmp_path, 9.8)
    (hb,) = [o["time"] for o in rec["observations"] if o["codes"][0]["code"] == "718-7"]
    tests = [o for o in rec["observations"] if o["codes"][0]["code"] in WORKUP]
    assert {o["codes"][0]["code"] for o in tests} == WORKUP
    assert all(3 * DAY <= o["time"] - hb <= 15 * DAY for o in tests)
    assert len({o["encounter"] for o in tests}) == 1


def test_a_normal_haemoglobin_or_one_in_pregnancy_brings_no_work_up(tmp_path: Path) -> None:
    for rec in (_life(tmp_path, 13.5), _life(tmp_path, 9.8, pregnant=True)):
        assert [o for o in rec["observations"] if o["codes"][0]["code"] == "718-7"]
        assert not [o for o in rec["observations"] if o["codes"][0]["code"] in WORKUP]
