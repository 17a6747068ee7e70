"""Rules of the s19dm brief (diabetes and acute care sequences in adults) on hand-made records."""

from __future__ import annotations

import datetime as dt

from tests.report.clinical.helpers import DAY, METFORMIN, breaks, med, passes
from tests.report.records import RecordBuilder


def _tablets(n: int, per_day: int = 1) -> dict[str, object]:
    return {"amount": n, "frequency": per_day, "period": 1, "unit": "days", "dose_unit": "{tablet}"}


def test_metformin_titrated() -> None:
    b = RecordBuilder()  # the brief's chart: 500 mg once daily, renewed yearly
    for year in range(3):
        t = b.at_age(50 + year)
        med(b, METFORMIN, t, stop=t + 365 * DAY, dosage=_tablets(1))
    breaks("rx.metformin_titrated", [b.record()])
    g = RecordBuilder()  # weekly steps to 2,000 mg once daily
    t = g.at_age(50)
    for n in (1, 2, 3):
        med(g, METFORMIN, t, stop=t + 7 * DAY, dosage=_tablets(n))
        t += 7 * DAY
    med(g, METFORMIN, t, dosage=_tablets(4))
    s = RecordBuilder(index=1)  # a short course is not judged; CKD stage 3 (a lower maximum) is not judged
    med(s, METFORMIN, s.at_age(50), stop=s.at_age(50) + 30 * DAY, dosage=_tablets(1))
    k = RecordBuilder(index=2)
    k.condition("433144002", k.at_age(49), display="Chronic kidney disease stage 3 (disorder)")
    med(k, METFORMIN, k.at_age(50), dosage=_tablets(1))
    result = passes("rx.metformin_titrated", [g.record(), s.record(), k.record()])
    assert result.patients == 1


ANGIOGRAPHY = "33367005"
BORN = dt.date(1975, 1, 1)
HS_TROPONIN = "89579-7"


def _nstemi(b: RecordBuilder, age: float) -> int:
    t = b.at_age(age)
    b.condition("401314000", t, display="Acute non-ST segment elevation myocardial infarction (disorder)")
    return t


def test_nstemi_angiography() -> None:
    bad = []
    for i in range(8):  # the brief's chart: an NSTEMI at 38 without angiography, repeated to be significant
        b = RecordBuilder(index=i, birth=BORN)
        _nstemi(b, 38)
        bad.append(b.record())
    breaks("care.nstemi_angiography", bad)
    g = RecordBuilder(birth=BORN)
    t = _nstemi(g, 38)
    g.procedure(ANGIOGRAPHY, t + 3600)
    young_before = RecordBuilder(index=2)  # before 2002 (the invasive era): not judged
    _nstemi(young_before, 30)
    old = RecordBuilder(index=1, birth=dt.date(1935, 1, 1))  # 80 in 2015: conservative care is common, not judged
    _nstemi(old, 80)
    result = passes("care.nstemi_angiography", [g.record(), old.record(), young_before.record()])
    assert result.events == 1


def test_mi_serial_marker() -> None:
    b = RecordBuilder()
    t = _nstemi(b, 55)
    b.observation(HS_TROPONIN, t, 240.0)  # one troponin only
    breaks("care.mi_serial_marker", [b.record()])
    g = RecordBuilder()
    t = _nstemi(g, 55)
    g.observation(HS_TROPONIN, t, 240.0)
    g.observation(HS_TROPONIN, t + 4 * 3600, 900.0)  # again 4 hours later
    passes("care.mi_serial_marker", [g.record()])


POSITIVE = {"system": "SNOMED-CT", "code": "10828004", "display": "Positive (qualifier value)"}
GAS = {"system": "SNOMED-CT", "code": "80166006", "display": "Streptococcus pyogenes (organism)"}


def test_throat_culture_turnaround() -> None:
    b = RecordBuilder()  # the brief's chart: the culture's growth at the swab's minute
    t = b.at_age(8)
    b.procedure("117015009", t)
    b.observation("626-2", t, GAS, unit="")
    breaks("care.throat_culture_turnaround", [b.record()])
    g = RecordBuilder()
    t = g.at_age(8)
    g.procedure("117015009", t)
    g.observation("626-2", t + 30 * 3600, GAS, unit="")  # read the next day
    passes("care.throat_culture_turnaround", [g.record()])


def test_rapid_strep_turnaround() -> None:
    b = RecordBuilder()
    t = b.at_age(8)
    enc = b.encounter(t)
    b.observation("78012-2", t, POSITIVE, unit="", enc=enc)  # at the visit's first minute
    breaks("care.rapid_strep_turnaround", [b.record()])
    g = RecordBuilder()
    t = g.at_age(8)
    enc = g.encounter(t)
    g.observation("78012-2", t + 600, POSITIVE, unit="", enc=enc)
    passes("care.rapid_strep_turnaround", [g.record()])


def test_mi_lvef_assessed() -> None:
    b = RecordBuilder()
    _nstemi(b, 55)  # no echocardiogram
    breaks("care.mi_lvef_assessed", [b.record()])
    g = RecordBuilder()
    t = _nstemi(g, 55)
    g.procedure("40701008", t + 6 * 3600)
    g.observation("10230-1", t + 7 * 3600, 55.0, unit="%", category="procedure")
    passes("care.mi_lvef_assessed", [g.record()])


NO_GROWTH = {"system": "SNOMED-CT", "code": "264868006", "display": "No growth (qualifier value)"}


def test_blood_culture_turnaround() -> None:
    b = RecordBuilder()  # the chart review's ICU pneumonia: "no growth" at the draw's minute
    t = b.at_age(51)
    b.procedure("30088009", t)
    b.observation("600-7", t, NO_GROWTH, unit="")
    breaks("care.blood_culture_turnaround", [b.record()])
    g = RecordBuilder()
    t = g.at_age(51)
    g.procedure("30088009", t)
    g.observation("600-7", t + 48 * 3600, NO_GROWTH, unit="")
    passes("care.blood_culture_turnaround", [g.record()])
