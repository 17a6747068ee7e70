"""Oncology rules on hand-made records."""

from __future__ import annotations

import datetime as dt

from ehrsim.record.times import from_date
from tests.report.clinical.helpers import DAY, breaks, med, passes, run
from tests.report.records import RecordBuilder

DOXORUBICIN = ("1790099", "10 ML doxorubicin hydrochloride 2 MG/ML Injection")
PACLITAXEL = ("583214", "paclitaxel 100 MG Injection")
CARBOPLATIN = ("597195", "carboplatin 10 MG/ML Injectable Solution")
ONDANSETRON = ("1740467", "2 ML ondansetron 2 MG/ML Injection")
OLD = dt.date(1935, 1, 1)


def _mg(amount: float) -> dict:
    return {"amount": amount, "frequency": 1, "period": 21, "unit": "days", "dose_unit": "mg"}


def _body(b: RecordBuilder, t: int, kg: float = 70.0, cm: float = 170.0, creatinine: float | None = None) -> None:
    b.observation("29463-7", t, kg, unit="kg", category="vital-signs")
    b.observation("8302-2", t, cm, unit="cm", category="vital-signs")
    if creatinine is not None:
        b.observation("2160-0", t, creatinine, unit="mg/dL", category="laboratory")


def test_chemo_dose_per_bsa() -> None:
    b = RecordBuilder()
    t = b.at_age(55)
    _body(b, t - DAY)  # BSA 1.82 m2
    med(b, DOXORUBICIN, t, t + 3600, dosage=None)  # the vial, no dose
    med(b, PACLITAXEL, t, t + 3600, dosage=_mg(100.0))  # 55 mg/m2 ... within the band (weekly 45-80)
    med(b, PACLITAXEL, t, t + 3600, dosage=_mg(500.0))  # 275 mg/m2: above 225
    med(b, ONDANSETRON, t, t + 3600, dosage=None)  # not a listed drug
    result = breaks("rx.chemo_dose_per_bsa", [b.record()])
    assert (result.events, result.events_breaking) == (3, 2)
    n = RecordBuilder()
    med(n, DOXORUBICIN, t, t + 3600, dosage=_mg(109.0))  # a dose, but no height or weight charted
    assert breaks("rx.chemo_dose_per_bsa", [n.record()]).events_breaking == 1
    g = RecordBuilder()
    _body(g, t, creatinine=1.0)
    med(g, DOXORUBICIN, t, t + 3600, dosage=_mg(109.0))  # 60 mg/m2
    med(g, PACLITAXEL, t + 90 * DAY, t + 90 * DAY + 3600, dosage=_mg(318.0))  # 175 mg/m2, weight 90 days old
    clearance = (140 - 55) * 70.0 / (72 * 1.0) * 0.85  # Cockcroft-Gault, a woman of 55: 70 mL/min
    med(g, CARBOPLATIN, t, t + 3600, dosage=_mg(round(6 * (clearance + 25))))  # AUC 6
    passes("rx.chemo_dose_per_bsa", [g.record()])
    c = RecordBuilder()
    _body(c, t, creatinine=1.0)
    med(c, CARBOPLATIN, t, t + 3600, dosage=_mg(900.0))  # AUC 9.5: above 7.5
    assert breaks("rx.chemo_dose_per_bsa", [c.record()]).events_breaking == 1


def test_anthracycline_from_75() -> None:
    b = RecordBuilder(birth=OLD)
    t = b.at_age(81)
    med(b, DOXORUBICIN, t, t + 3600, dosage=_mg(100.0))  # AC at 81
    med(b, PACLITAXEL, t + 90 * DAY, t + 90 * DAY + 3600, dosage=_mg(300.0))
    result = breaks("rx.anthracycline_from_75", [b.record()])
    assert (result.patients, result.patients_breaking) == (1, 1)
    g = RecordBuilder(birth=OLD)
    med(g, PACLITAXEL, g.at_age(80), g.at_age(80) + 3600, dosage=_mg(300.0))  # no anthracycline at 80
    y = RecordBuilder(index=1)
    med(y, DOXORUBICIN, y.at_age(60), y.at_age(60) + 3600, dosage=_mg(100.0))  # AC at 60: not judged
    passes("rx.anthracycline_from_75", [g.record(), y.record()])


HCTZ_50 = ("197770", "hydrochlorothiazide 50 MG Oral Tablet")
FUROSEMIDE_20 = ("310429", "furosemide 20 MG Oral Tablet")


def test_hctz_low_egfr() -> None:
    b = RecordBuilder()
    t = b.at_age(60)
    med(b, HCTZ_50, t, None)
    b.observation("33914-3", t + 30 * DAY, 45.0, unit="mL/min/{1.73_m2}", category="laboratory")  # stage 3: fine
    b.observation("33914-3", t + 400 * DAY, 24.0, unit="mL/min/{1.73_m2}", category="laboratory")
    assert breaks("rx.hctz_low_egfr", [b.record()]).patients_breaking == 1
    g = RecordBuilder()
    med(g, HCTZ_50, t, t + 400 * DAY)  # switched at the result
    med(g, FUROSEMIDE_20, t + 400 * DAY, None)
    g.observation("33914-3", t + 400 * DAY, 24.0, unit="mL/min/{1.73_m2}", category="laboratory")
    passes("rx.hctz_low_egfr", [g.record()])


def _report(b: RecordBuilder, study: tuple[str, str], t: int, text: str, codes: list[str]) -> None:
    b._entry(
        "reports",
        time=t,
        encounter=None,
        codes=[{"system": "SNOMED-CT", "code": study[0], "display": study[1]}],
        observations=[],
        category="RAD",
        conclusion=text,
        conclusion_codes=[{"system": "SNOMED-CT", "code": c, "display": ""} for c in codes],
    )


CT_CHEST = ("169069000", "Computed tomography of chest (procedure)")
CT_AP = ("419394006", "Computed tomography of abdomen and pelvis (procedure)")


def test_imaging_report_names_the_known_cancer_of_its_region() -> None:
    b = RecordBuilder()
    t = b.at_age(60)
    b.condition("423121009", t, display="Non-small cell carcinoma of lung, TNM stage 4 (disorder)")
    _report(b, CT_CHEST, t - 400 * DAY, "No acute cardiopulmonary abnormality.", [])  # before the cancer: not judged
    _report(b, CT_CHEST, t + 90 * DAY, "No acute cardiopulmonary abnormality.", [])  # the defect
    _report(b, CT_CHEST, t + 200 * DAY, "Pulmonary mass with metastatic disease.", ["423121009"])
    result = breaks("rec.chest_imaging_names_lung_cancer", [b.record()])
    assert (result.events, result.events_breaking) == (2, 1)
    g = RecordBuilder()
    g.condition("363406005", t, display="Malignant neoplasm of colon (disorder)")
    _report(g, CT_AP, t + 30 * DAY, "Colonic mass consistent with the known colon cancer.", ["363406005"])
    _report(g, CT_CHEST, t + 30 * DAY, "No evidence of metastatic disease in the chest.", [])  # no lung cancer
    passes("rec.abdominal_imaging_names_known_cancer", [g.record()])
    assert run("rec.chest_imaging_names_lung_cancer", [g.record()]).status == "n/a"
    n = RecordBuilder()
    n.condition("363406005", t, display="Malignant neoplasm of colon (disorder)")
    _report(n, CT_AP, t + 30 * DAY, "No acute abdominal abnormality.", [])
    breaks("rec.abdominal_imaging_names_known_cancer", [n.record()])


def _screened(index: int, born: dt.date, on: dt.date, packs: float | None) -> dict:
    b = RecordBuilder(index, birth=born)
    t = from_date(on)
    if packs is not None:
        b.observation("401201003", t - 3600, packs, unit="{pack-years}", category="social-history")
    b.procedure("16334891000119106", t)
    return b.record()


def test_ldct_only_when_eligible() -> None:
    born = dt.date(1955, 1, 1)
    rule = "care.ldct_only_when_eligible"
    passes(rule, [_screened(0, born, dt.date(2016, 5, 1), 32.0), _screened(1, born, dt.date(2022, 5, 1), 22.0)])
    breaks(rule, [_screened(2, born, dt.date(2016, 5, 1), 25.0)])  # 25 pack-years under USPSTF 2013
    breaks(rule, [_screened(3, born, dt.date(2016, 5, 1), None)])  # eligibility not charted
    breaks(rule, [_screened(4, dt.date(1964, 1, 1), dt.date(2017, 5, 1), 40.0)])  # 53 before 2021
    passes(rule, [_screened(5, dt.date(1971, 1, 1), dt.date(2022, 5, 1), 40.0)])  # 51 after March 2021
    breaks(rule, [_screened(6, dt.date(1935, 1, 1), dt.date(2017, 5, 1), 40.0)])  # 82
