"""Pregnancy in a woman with disease (s18mom), through modules/pregnancy.json: pre-existing type 2 diabetes coded
and monitored, severe pre-eclampsia delivered at the visit that finds it, no gestational diabetes before screening."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path
from typing import Any

from ehrsim.record.times import from_date
from tests.engine.harness import simulate

MODULES = Path(__file__).resolve().parents[2] / "modules"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "modules" / "pregnancy_disease"
DAY = 86400
PREGNANCY, PREGESTATIONAL, GDM = "72892002", "609567009", "11687002"
PREECLAMPSIA, SEVERE = "398254007", "46764007"
HBA1C, GLUCOSE_CHALLENGE = "4548-4", "1504-0"
ESSENTIAL_HYPERTENSION, HYPERTENSION_IN_PREGNANCY = "59621000", "78808002"
DELIVERIES = {"177184002", "11466000", "236974004"}


def _coded(record: dict[str, Any], kind: str, code: str) -> list[dict[str, Any]]:
    return [e for e in record[kind] if e["codes"][0]["code"] == code]


def _run(*names: str, born: dt.date, end: dt.date, seed: int) -> dict[str, Any]:
    _, record = simulate(*names, born=born, end=end, seed=seed, folder=MODULES, extra=(FIXTURES,))
    return record


def test_a_pregnancy_with_type_2_diabetes_is_coded_as_such_with_monthly_hba1c_and_no_gdm_screen() -> None:
    """Diabetes from 20 (fixture): each pregnancy carries 'Pre-existing type 2 diabetes mellitus in pregnancy' for
    its span, an HbA1c at the first visit and about monthly after (ADA 2024 section 15), and no 50 g glucose
    challenge (a screen for gestational diabetes, not for known diabetes)."""
    record = _run("pregnancy", "t2dm_at_20", born=dt.date(1990, 1, 1), end=dt.date(2025, 1, 1), seed=0)
    pregnancies = [p for p in _coded(record, "conditions", PREGNANCY) if p["stop"] is not None]
    coded = _coded(record, "conditions", PREGESTATIONAL)
    assert len(pregnancies) >= 2 and len(coded) == len(pregnancies)
    hba1c = [o["time"] for o in _coded(record, "observations", HBA1C)]
    for pregnancy, dm in zip(pregnancies, coded, strict=True):
        assert dm["start"] == pregnancy["start"] and pregnancy["stop"] - DAY <= dm["stop"] <= pregnancy["stop"]
        inside = [t for t in hba1c if pregnancy["start"] <= t <= pregnancy["stop"]]
        assert inside[0] - pregnancy["start"] < DAY  # the baseline at the first visit
        assert len(inside) >= 7 and all(25 * DAY <= b - a <= 35 * DAY for a, b in itertools.pairwise(inside))
    assert _coded(record, "observations", GLUCOSE_CHALLENGE) == []
    assert _coded(record, "conditions", GDM) == []


def test_a_pregnancy_with_essential_hypertension_is_coded_as_hypertension_complicating_it() -> None:
    """Essential hypertension from 20 (fixture): each pregnancy carries 'Essential hypertension complicating AND/OR
    reason for care during pregnancy' (ICD-10-CM O10.01x) for its span, ended with it; the hypertension goes on."""
    record = _run("pregnancy", "essential_htn_at_20", born=dt.date(1990, 1, 1), end=dt.date(2025, 1, 1), seed=0)
    pregnancies = [p for p in _coded(record, "conditions", PREGNANCY) if p["stop"] is not None]
    coded = _coded(record, "conditions", HYPERTENSION_IN_PREGNANCY)
    assert len(pregnancies) >= 2 and len(coded) == len(pregnancies)
    for pregnancy, htn in zip(pregnancies, coded, strict=True):
        assert htn["start"] == pregnancy["start"] and pregnancy["stop"] - DAY <= htn["stop"] <= pregnancy["stop"]
    (essential,) = _coded(record, "conditions", ESSENTIAL_HYPERTENSION)
    assert essential["stop"] is None


def test_without_diabetes_the_pregnancy_is_not_coded_as_diabetic() -> None:
    record = _run("pregnancy", born=dt.date(1990, 1, 1), end=dt.date(2025, 1, 1), seed=0)
    assert _coded(record, "conditions", PREGNANCY)
    assert _coded(record, "conditions", PREGESTATIONAL) == [] and _coded(record, "observations", HBA1C) == []
    assert _coded(record, "conditions", HYPERTENSION_IN_PREGNANCY) == []
    assert _coded(record, "observations", GLUCOSE_CHALLENGE)  # screened for gestational diabetes instead


def _readings(record: dict[str, Any]) -> list[tuple[int, float, float]]:
    out = []
    for o in record["observations"]:
        parts = {c["codes"][0]["code"]: c["value"] for c in o.get("components") or ()}
        if "8480-6" in parts and "8462-4" in parts:
            out.append((o["time"], parts["8480-6"], parts["8462-4"]))
    return sorted(out)


def test_severe_preeclampsia_is_delivered_at_the_visit_that_finds_it() -> None:
    """Pre-eclampsia whose readings reach >= 160/110 twice, 4 hours apart: 'Severe pre-eclampsia' is charted and
    the woman is delivered that day (ACOG PB 222: with severe features at >= 34 weeks, delivery after
    stabilisation), not at 37 weeks; the severe features end with the birth, pre-eclampsia itself later."""
    for seed in (127, 136):  # seeds whose pre-eclampsia turns severe (re-chosen after session 12's merges)
        record = _run("pregnancy", born=dt.date(1990, 1, 1), end=dt.date(2025, 1, 1), seed=seed)
        (severe,) = _coded(record, "conditions", SEVERE)
        (pe,) = [c for c in _coded(record, "conditions", PREECLAMPSIA) if c["start"] <= severe["start"]][-1:]
        raised = [r for r in _readings(record) if pe["start"] <= r[0] <= severe["start"] + DAY]
        raised = [r for r in raised if r[1] >= 160 or r[2] >= 110]
        assert len(raised) >= 2 and raised[-1][0] - raised[0][0] >= 4 * 3600
        born = min(
            p["start"]
            for p in record["procedures"]
            if p["codes"][0]["code"] in DELIVERIES and p["start"] >= severe["start"]
        )
        assert born - raised[-1][0] <= 2 * DAY
        assert severe["stop"] is not None and severe["stop"] - born <= 7 * DAY
        assert pe["stop"] is None or pe["stop"] > severe["stop"]


def test_no_gestational_diabetes_before_screening_existed() -> None:
    """Women born in 1935 have their children in 1955-1980: no gestational diabetes nor glucose challenge before
    1974 (O'Sullivan 1964 criteria, 1973 screen). These seeds diagnosed it in 1968 and 1969 before the era rule."""
    cut = from_date(dt.date(1974, 1, 1))
    for seed in (5, 11):
        record = _run("pregnancy", born=dt.date(1935, 1, 1), end=dt.date(1985, 1, 1), seed=seed)
        assert [p for p in _coded(record, "conditions", PREGNANCY) if p["start"] < cut]
        assert [c for c in _coded(record, "conditions", GDM) if c["start"] < cut] == []
        assert [o for o in _coded(record, "observations", GLUCOSE_CHALLENGE) if o["time"] < cut] == []
