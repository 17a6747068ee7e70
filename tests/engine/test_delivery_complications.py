"""A delivery admission names the pregnancy's complications (terminology/engine/admission_complications.csv), and
pre-eclampsia is diagnosed at a visit that records the raised blood pressure it rests on (modules/pregnancy.json)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ehrsim.engine import parameters
from tests.engine.harness import simulate

MODULES = Path(__file__).resolve().parents[2] / "modules"
PREGNANCY = {"system": "SNOMED-CT", "code": "72892002", "display": "Normal pregnancy (finding)"}
PREECLAMPSIA, SEVERE = "398254007", "46764007"


def _active(*codes: str) -> dict[str, dict]:  # type: ignore[type-arg]
    return {c: {"codes": [{"system": "SNOMED-CT", "code": c, "display": c}]} for c in codes}


def test_an_admission_for_the_pregnancy_names_its_complications_first_in_order_of_precedence() -> None:
    reason = parameters.complications_first([PREGNANCY], "inpatient", _active("11687002", PREECLAMPSIA, "195662009"))
    assert [r["code"] for r in reason] == [PREECLAMPSIA, "11687002", "72892002"]  # the viral pharyngitis is not one


def test_no_complication_an_office_visit_or_another_reason_is_left_as_it_is() -> None:
    assert parameters.complications_first([PREGNANCY], "inpatient", _active("195662009")) == [PREGNANCY]
    assert parameters.complications_first([PREGNANCY], "ambulatory", _active(PREECLAMPSIA)) == [PREGNANCY]
    other = [{"system": "SNOMED-CT", "code": "233604007", "display": "Pneumonia (disorder)"}]
    assert parameters.complications_first(other, "inpatient", _active(PREECLAMPSIA)) == other
    assert parameters.complications_first([], "inpatient", _active(PREECLAMPSIA)) == []


def test_preeclampsia_is_diagnosed_on_a_raised_reading_and_its_delivery_is_admitted_for_it() -> None:
    """Seeds whose women develop pre-eclampsia (4 % of pregnancies from 34 weeks): the diagnosing visit records a
    reading >= 140/90 (before the fix it was decided after the visit's normal reading: 91/48), and the delivery that
    follows is admitted for the pre-eclampsia, then the pregnancy."""
    seen = 0
    for seed in (12, 16):
        _, rec = simulate("pregnancy", born=dt.date(1980, 1, 1), end=dt.date(2024, 1, 1), seed=seed, folder=MODULES)
        for cond in rec["conditions"]:
            if cond["codes"][0]["code"] != PREECLAMPSIA:
                continue
            seen += 1
            readings = [
                [c["value"] for c in o["components"]]
                for o in rec["observations"]
                if o["codes"][0]["code"] == "85354-9" and o["encounter"] == cond["encounter"]
            ]
            assert any(s >= 140 or d >= 90 for s, d in readings), (seed, readings)
            (delivery,) = [
                e for e in rec["encounters"] if e["class"] == "inpatient" and cond["start"] < e["start"] < cond["stop"]
            ]
            # pre-eclampsia (severe first when charted, s18mom) leads; other complications (gestational
            # diabetes) follow in order of precedence; the pregnancy comes last
            codes = [r["code"] for r in delivery["reason"]]
            assert codes[0] in (PREECLAMPSIA, SEVERE) and PREECLAMPSIA in codes and codes[-1] == "72892002"
    assert seen >= 2  # the seeds must still give pre-eclampsia for the test to mean anything


def test_gestational_diabetes_gets_a_fasting_glucose_at_the_postnatal_visit() -> None:
    """ACOG PB 190 / ADA: a glucose test 4-12 weeks after a pregnancy with gestational diabetes (54 % of women, the
    middle of US practice); a pregnancy without it gets none at that visit. Seeds whose GDM pregnancy is screened."""
    screened = 0
    for seed in (1, 9):  # re-chosen after session 12's merges moved the draws (prenatal BP recorded by the core)
        _, rec = simulate("pregnancy", born=dt.date(1985, 1, 1), end=dt.date(2025, 1, 1), seed=seed, folder=MODULES)
        gdm = [c["start"] for c in rec["conditions"] if c["codes"][0]["code"] == "11687002"]
        for visit in (e for e in rec["encounters"] if e["codes"][0]["code"] == "169762003"):
            glucose = [
                o["value"]
                for o in rec["observations"]
                if o["encounter"] == visit["id"] and o["codes"][0]["code"] == "2345-7"
            ]
            after_gdm = any(0 < visit["start"] - t < 30 * 7 * 86400 for t in gdm)
            assert after_gdm or not glucose  # only after gestational diabetes
            if glucose:
                screened += 1
                assert 60 <= glucose[0] < 126  # the woman's own (non-diabetic) fasting glucose, read from physiology
    assert screened == 2
