"""Report text for imaging, ECG, echo and pathology follows the conditions at the study time."""

from __future__ import annotations

from typing import Any

from ehrsim.record import findings

DAY = 86400


def _code(code: str, display: str) -> dict[str, str]:
    return {"system": "SNOMED-CT", "code": code, "display": display}


def _lists(conditions: list[dict[str, Any]], procedures: list[dict[str, Any]]) -> dict[str, list]:
    return {
        "procedures": procedures,
        "imaging_studies": [],
        "conditions": conditions,
        "observations": [
            {
                "encounter": "e1",
                "codes": [{"system": "LOINC", "code": "10230-1"}],
                "value": 31.0,
                "components": [],
            }
        ],
        "reports": [],
    }


def _ids():
    n = iter(range(1000, 2000))
    return lambda: (f"id{next(n)}", 0)


def test_biopsy_read_before_the_diagnosis_names_the_cancer_and_an_unrelated_one_is_benign() -> None:
    cancer = {"codes": [_code("254837009", "Malignant neoplasm of breast (disorder)")], "start": 10 * DAY, "stop": None}
    biopsy = {"codes": [_code("122548005", "Biopsy of breast (procedure)")], "start": 5 * DAY, "encounter": "e0"}
    late = {"codes": [_code("122548005", "Biopsy of breast (procedure)")], "start": -400 * DAY, "encounter": "e0"}
    lists = _lists([cancer], [biopsy, late])
    findings.add_reports(lists, _ids())
    first, second = lists["reports"]
    assert first["conclusion"] == "Invasive carcinoma of the breast." and first["category"] == "SP"
    assert first["conclusion_codes"][0]["code"] == "254837009"
    assert second["conclusion"].startswith("Benign") and second["conclusion_codes"] == []


def test_echo_quotes_the_recorded_ejection_fraction_and_heart_failure() -> None:
    hf = {"codes": [_code("88805009", "Chronic congestive heart failure (disorder)")], "start": 0, "stop": None}
    echo = {"codes": [_code("40701008", "Echocardiography (procedure)")], "start": 50 * DAY, "encounter": "e1"}
    lists = _lists([hf], [echo])
    findings.add_reports(lists, _ids())
    (rep,) = lists["reports"]
    assert rep["conclusion"] == "Findings consistent with heart failure; left ventricular ejection fraction 31 %."
    assert rep["category"] == "CUS"


def test_a_resolved_condition_does_not_show_and_the_normal_text_stands() -> None:
    pneumonia = {"codes": [_code("233604007", "Pneumonia (disorder)")], "start": 0, "stop": 20 * DAY}
    xray = {"codes": [_code("399208008", "Plain X-ray of chest (procedure)")], "start": 60 * DAY, "encounter": "e2"}
    lists = _lists([pneumonia], [xray])
    findings.add_reports(lists, _ids())
    assert lists["reports"][0]["conclusion"] == "No acute cardiopulmonary abnormality."


def test_pathology_quotes_the_stage_and_tnm_recorded_around_the_biopsy() -> None:
    staging = [
        (20.0 * DAY, "21908-9", "stage IIA"),
        (20.0 * DAY, "21905-5", "cT2"),
        (20.0 * DAY, "21906-3", "cN0"),
        (20.0 * DAY, "21907-1", "cM0"),
        (900.0 * DAY, "21908-9", "Stage 4"),
    ]
    assert findings.stage_text(staging, 5 * DAY) == " Clinical stage: stage IIA (cT2 cN0 cM0)."
    assert findings.stage_text(staging, -400 * DAY) == ""


def test_ecg_in_heart_failure_is_abnormal_and_atrial_fibrillation_wins() -> None:
    hf = {"codes": [_code("88805009", "Chronic congestive heart failure (disorder)")], "start": 0, "stop": None}
    af = {"codes": [_code("49436004", "Atrial fibrillation (disorder)")], "start": 0, "stop": None}
    text, codes = findings.conclusion("ecg", 10 * DAY, [hf], {"8867-4": 88.0})
    assert text.startswith("Abnormal ECG") and "Normal ECG" not in text and codes[0]["code"] == "88805009"
    text, codes = findings.conclusion("ecg", 10 * DAY, [hf, af], {})
    assert text == "Atrial fibrillation." and [c["code"] for c in codes] == ["49436004"]
    assert findings.conclusion("ecg", 10 * DAY, [], {})[0].startswith("Sinus rhythm")


def test_a_fracture_film_at_follow_up_reads_as_healing() -> None:
    ankle = {"codes": [_code("16114001", "Fracture of ankle (disorder)")], "start": 0, "stop": 51 * DAY}
    xray = "1290459008", "Plain X-ray of ankle region (procedure)"
    first = {"codes": [_code(*xray)], "start": 3600, "encounter": "e3"}
    control = {"codes": [_code(*xray)], "start": 51 * DAY - 3600, "encounter": "e4"}
    lists = _lists([ankle], [first, control])
    findings.add_reports(lists, _ids())
    assert [r["conclusion"] for r in lists["reports"]] == [
        "Acute fracture of the ankle.",
        "Healing fracture of the ankle with callus formation; alignment maintained.",
    ]
    assert lists["reports"][1]["conclusion_codes"][0]["code"] == "16114001"


NSCLC1 = ("424132000", "Non-small cell carcinoma of lung, TNM stage 1 (disorder)")
CT_CHEST = ("169069000", "Computed tomography of chest (procedure)")
CT_AP = ("419394006", "Computed tomography of abdomen and pelvis (procedure)")


def _ct(code: tuple[str, str], day: float, encounter: str = "e9") -> dict[str, Any]:
    return {"codes": [_code(*code)], "start": day * DAY, "encounter": encounter}


def test_a_surveillance_ct_after_lobectomy_reads_no_recurrence_then_names_the_metastases() -> None:
    cancer = {"codes": [_code(*NSCLC1)], "start": 0, "stop": None}
    lobectomy = {"codes": [_code("173171007", "Lobectomy of lung (procedure)")], "start": 30 * DAY}
    bone = {"codes": [_code("94222008", "Secondary malignant neoplasm of bone (disorder)")], "start": 700 * DAY}
    lists = _lists([cancer, bone], [_ct(CT_CHEST, -5), lobectomy, _ct(CT_CHEST, 200), _ct(CT_CHEST, 700)])
    findings.add_reports(lists, _ids())
    staging, clear, relapse = (r["conclusion"] for r in lists["reports"])
    assert staging.startswith("Pulmonary mass suspicious for malignancy (known non-small cell")
    assert clear == "Postsurgical changes of lobectomy. No evidence of recurrent or metastatic disease."
    assert relapse == "Postsurgical changes of lobectomy. Osseous metastatic lesions."
    assert [c["code"] for c in lists["reports"][2]["conclusion_codes"]] == ["424132000", "94222008"]


def test_a_ct_of_a_region_without_the_known_cancer_reads_no_metastatic_disease_not_normal() -> None:
    colon = {"codes": [_code("363406005", "Malignant neoplasm of colon (disorder)")], "start": 0, "stop": None}
    colectomy = {"codes": [_code("43075005", "Partial resection of colon (procedure)")], "start": 20 * DAY}
    lists = _lists([colon], [_ct(CT_CHEST, 5), _ct(CT_AP, 5, "e8"), colectomy, _ct(CT_AP, 400, "e7")])
    findings.add_reports(lists, _ids())
    chest, abdomen, later = (r["conclusion"] for r in lists["reports"])
    assert chest == "No evidence of metastatic disease in the chest."
    assert abdomen == "Colonic mass consistent with the known colon cancer."
    assert later == "Postsurgical changes of partial colectomy. No evidence of recurrent or metastatic disease."


def test_a_plain_film_after_lobectomy_reads_treated_without_a_staging_sentence() -> None:
    cancer = {"codes": [_code(*NSCLC1)], "start": 0, "stop": None}
    lobectomy = {"codes": [_code("173171007", "Lobectomy of lung (procedure)")], "start": 30 * DAY}
    xray = {"codes": [_code("399208008", "Plain X-ray of chest (procedure)")], "start": 900 * DAY, "encounter": "e2"}
    lists = _lists([cancer], [lobectomy, xray])
    findings.add_reports(lists, _ids())
    assert lists["reports"][0]["conclusion"] == "Postsurgical changes of lobectomy."


def test_a_ct_without_any_cancer_keeps_the_normal_text() -> None:
    lists = _lists([], [_ct(CT_CHEST, 10)])
    findings.add_reports(lists, _ids())
    assert lists["reports"][0]["conclusion"] == "No acute cardiopulmonary abnormality."


def test_a_ct_of_chest_abdomen_and_pelvis_reads_each_region() -> None:
    liver = {"codes": [_code("94381002", "Secondary malignant neoplasm of liver (disorder)")], "start": 0, "stop": None}
    cap = ("418023006", "Computed tomography of chest, abdomen and pelvis (procedure)")
    lists = _lists([liver], [_ct(cap, 10)])
    findings.add_reports(lists, _ids())
    (rep,) = lists["reports"]
    assert rep["conclusion"] == (
        "No evidence of metastatic disease in the chest. Hepatic lesions consistent with metastatic disease."
    )
    assert [c["code"] for c in rep["conclusion_codes"]] == ["94381002"]
