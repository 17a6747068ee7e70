"""Breast cancer treatment by age: AC-T at 60, endocrine therapy alone for HR+/HER2- disease at 80, TC (no
anthracycline) for ER-negative disease at 80 (modules/cancer/breast_treatment.json, Older_Adult_* states)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from ehrsim.record.times import from_date
from tests.engine.harness import simulate

MODULES = Path(__file__).resolve().parents[2] / "modules"
DOXORUBICIN, DOCETAXEL, PACLITAXEL = "1790099", "1860480", "583214"
LETROZOLE, ANASTROZOLE = "200064", "199224"
BREAST_CANCER = "Malignant neoplasm of breast (disorder)"


def _caller(stage: int, er: bool, her2: bool, age: int) -> dict:
    def attr(name: str, value: object, nxt: str) -> dict:
        return {"type": "SetAttribute", "attribute": name, "value": value, "direct_transition": nxt}

    return {
        "name": "breast_caller",
        "gmf_version": 2,
        "states": {
            "Initial": {"type": "Initial", "direct_transition": "Wait"},
            "Wait": {"type": "Delay", "exact": {"quantity": age, "unit": "years"}, "direct_transition": "Stage"},
            "Stage": attr("breast_cancer_stage", stage, "ER"),
            "ER": attr("breast_cancer_er_positive", er, "HER2"),
            "HER2": attr("breast_cancer_her2_positive", her2, "Visit"),
            "Visit": {
                "type": "Encounter",
                "encounter_class": "ambulatory",
                "codes": [{"system": "SNOMED-CT", "code": "185347001", "display": "Encounter for problem (procedure)"}],
                "direct_transition": "Cancer",
            },
            "Cancer": {
                "type": "ConditionOnset",
                "codes": [{"system": "SNOMED-CT", "code": "254837009", "display": BREAST_CANCER}],
                "assign_to_attribute": "breast_cancer",
                "direct_transition": "End_Visit",
            },
            "End_Visit": {"type": "EncounterEnd", "direct_transition": "Treatment"},
            "Treatment": {"type": "CallSubmodule", "submodule": "cancer/breast_treatment", "direct_transition": "Done"},
            "Done": {"type": "Terminal"},
        },
    }


@pytest.mark.parametrize(
    ("stage", "er", "her2", "age", "given", "not_given"),
    [
        (2, True, False, 60, {DOXORUBICIN}, {DOCETAXEL}),  # AC at 60
        (2, True, False, 80, {LETROZOLE, ANASTROZOLE}, {DOXORUBICIN, DOCETAXEL}),  # endocrine alone at 80
        (2, False, False, 80, {DOCETAXEL}, {DOXORUBICIN}),  # TC, not AC, for ER-negative disease at 80
        (3, True, False, 80, {LETROZOLE, ANASTROZOLE}, {DOXORUBICIN, PACLITAXEL, DOCETAXEL}),  # surgery first
        (3, True, False, 70, {DOXORUBICIN, PACLITAXEL}, {DOCETAXEL}),  # AC-T at 70 (CALGB 49907)
        (4, True, False, 80, {LETROZOLE, ANASTROZOLE}, {PACLITAXEL}),  # metastatic HR+: endocrine first line
    ],
)
def test_regimen_by_age(tmp_path: Path, stage: int, er: bool, her2: bool, age: int, given: set, not_given: set) -> None:
    (tmp_path / "cancer").mkdir()
    shutil.copy(MODULES / "cancer" / "breast_treatment.json", tmp_path / "cancer" / "breast_treatment.json")
    (tmp_path / "breast_caller.json").write_text(json.dumps(_caller(stage, er, her2, age)))
    _, rec = simulate("breast_caller", born=dt.date(1930, 1, 1), end=dt.date(2025, 1, 1), folder=tmp_path)
    codes = {m["codes"][0]["code"] for m in rec["medications"]}
    assert codes & given and not codes & not_given, codes


TAMOXIFEN, RIBOCICLIB = "198240", "1873983"
CT_CHEST, CT_ABDOMEN_PELVIS = "169069000", "419394006"


@pytest.mark.parametrize(
    ("born", "age", "er", "given", "not_given"),
    [
        (dt.date(1960, 1, 1), 60, True, {LETROZOLE, RIBOCICLIB}, {PACLITAXEL, TAMOXIFEN}),  # 2020: AI + CDK4/6
        (dt.date(1950, 1, 1), 60, True, {LETROZOLE}, {PACLITAXEL, RIBOCICLIB}),  # 2010: before CDK4/6 inhibitors
        # (a 2010 patient alive in 2017 gets ribociclib added at a later visit: withheld orders resume once approved)
        (dt.date(1975, 1, 1), 45, True, {TAMOXIFEN}, {PACLITAXEL}),  # premenopausal: tamoxifen, no chemotherapy
        (dt.date(1960, 1, 1), 60, False, {PACLITAXEL}, {LETROZOLE, RIBOCICLIB}),  # ER-negative: chemotherapy
    ],
)
def test_stage_4_is_staged_then_hr_positive_disease_gets_endocrine_therapy_first(
    tmp_path: Path, born: dt.date, age: int, er: bool, given: set, not_given: set
) -> None:
    """s13review finding #13: stage 4 ER+/HER2- breast cancer was given 6 x paclitaxel with no staging imaging."""
    (tmp_path / "cancer").mkdir()
    shutil.copy(MODULES / "cancer" / "breast_treatment.json", tmp_path / "cancer" / "breast_treatment.json")
    (tmp_path / "breast_caller.json").write_text(json.dumps(_caller(4, er, False, age)))
    _, rec = simulate("breast_caller", born=born, end=dt.date(2025, 1, 1), folder=tmp_path)
    first_year = born.year + age + 1  # the first line: orders within about a year of the diagnosis
    codes = {m["codes"][0]["code"] for m in rec["medications"] if m["start"] < from_date(dt.date(first_year, 7, 1))}
    assert codes & given == given and not codes & not_given, codes
    imaging = {p["codes"][0]["code"] for p in rec["procedures"]}
    assert {CT_CHEST, CT_ABDOMEN_PELVIS} <= imaging
    first_drug = min(m["start"] for m in rec["medications"] if m["codes"][0]["code"] in given)
    assert max(p["start"] for p in rec["procedures"] if p["codes"][0]["code"] == CT_CHEST) <= first_drug
    if RIBOCICLIB in given:  # 600 mg: three 200 mg tablets a day
        ribociclib = next(m for m in rec["medications"] if m["codes"][0]["code"] == RIBOCICLIB)
        assert ribociclib["dosage"]["amount"] == 3


TELERADIOTHERAPY = "33195004"


@pytest.mark.parametrize(
    ("born", "stage", "fractions"),
    [
        (dt.date(1945, 1, 1), 1, 25),  # 2005: conventional 50 Gy in 25 fractions
        (dt.date(1955, 1, 1), 1, 16),  # 2015 at 60 without chemotherapy: 42.5 Gy in 16 (ASTRO 2011)
        (dt.date(1970, 1, 1), 1, 25),  # 2015 at 45: conventional (ASTRO 2011 covered 50 and older)
        (dt.date(1975, 1, 1), 1, 16),  # 2020 at 45: hypofractionated for all (ASTRO 2018)
        (dt.date(1955, 1, 1), 3, 25),  # chest wall after mastectomy: 25 fractions
    ],
)
def test_radiation_is_one_visit_per_weekday_fraction_by_era(
    tmp_path: Path, born: dt.date, stage: int, fractions: int
) -> None:
    """s16rx: whole-breast radiation was 4 weekly visits (chest wall 6); hypofractionation from 2011 (ASTRO)."""
    (tmp_path / "cancer").mkdir()
    shutil.copy(MODULES / "cancer" / "breast_treatment.json", tmp_path / "cancer" / "breast_treatment.json")
    age = 2005 - born.year if born.year == 1945 else (2020 - born.year if born.year == 1975 else 2015 - born.year)
    (tmp_path / "breast_caller.json").write_text(json.dumps(_caller(stage, True, False, age)))
    _, rec = simulate("breast_caller", born=born, end=dt.date(2025, 1, 1), folder=tmp_path)
    times = sorted(p["start"] for p in rec["procedures"] if p["codes"][0]["code"] == TELERADIOTHERAPY)
    assert len(times) == fractions
    days = [dt.datetime.fromtimestamp(t, ZoneInfo("America/New_York")).date() for t in times]  # the harness's zone
    assert len(set(days)) == fractions and all(day.weekday() < 5 for day in days)  # one a day, on weekdays
    assert (days[-1] - days[0]).days < fractions / 5 * 7 + 7  # daily, not weekly
    surgery = max(p["stop"] for p in rec["procedures"] if p["start"] < times[0] and p["codes"][0]["code"] != "33195004")
    assert times[0] - surgery >= 28 * 86400  # 4-6 weeks after surgery, not the day of the discharge


MAMMOGRAPHY = "71651007"


def test_survivor_mammography_stays_yearly_after_the_five_survivorship_years_until_85(tmp_path: Path) -> None:
    """s17onc: the survivor's mammograms stopped after year 5 (NCCN and ASCO: every 12 months)."""
    module = json.loads((MODULES / "breast_cancer.json").read_text())
    states = module["states"]
    states["Initial"] = {"type": "Initial", "direct_transition": "Test_Wait"}
    states["Test_Wait"] = {
        "type": "Delay",
        "exact": {"quantity": 60, "unit": "years"},
        "direct_transition": "Test_Visit",
    }
    states["Test_Visit"] = {
        "type": "Encounter",
        "encounter_class": "ambulatory",
        "codes": [{"system": "SNOMED-CT", "code": "185347001", "display": "Encounter for problem (procedure)"}],
        "direct_transition": "Test_Cancer",
    }
    states["Test_Cancer"] = {
        "type": "ConditionOnset",
        "codes": [{"system": "SNOMED-CT", "code": "254837009", "display": BREAST_CANCER}],
        "assign_to_attribute": "breast_cancer",
        "direct_transition": "Test_Plan",
    }
    states["Test_Plan"] = {
        "type": "CarePlanStart",
        "codes": [{"system": "SNOMED-CT", "code": "736252007", "display": "Cancer care plan (record artifact)"}],
        "assign_to_attribute": "breast_cancer_careplan",
        "direct_transition": "Test_End_Visit",
    }
    states["Test_End_Visit"] = {"type": "EncounterEnd", "direct_transition": "Survivorship_Start"}
    (tmp_path / "breast_cancer.json").write_text(json.dumps(module))
    (tmp_path / "cancer").mkdir()
    shutil.copy(MODULES / "cancer" / "breast_treatment.json", tmp_path / "cancer" / "breast_treatment.json")
    born = dt.date(1935, 1, 1)
    _, rec = simulate("breast_cancer", born=born, end=dt.date(2025, 1, 1), folder=tmp_path)
    years = sorted(
        (p["start"] - from_date(born)) / (365.25 * 86400)
        for p in rec["procedures"]
        if p["codes"][0]["code"] == MAMMOGRAPHY
    )
    assert years[0] < 61 and 84 <= years[-1] < 85.1, years
    assert max(b - a for a, b in itertools.pairwise(years)) < 1.1, years  # yearly, also after the fifth year
