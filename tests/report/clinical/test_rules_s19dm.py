"""Rules of the s19dm brief (diabetes and acute care sequences in adults) on hand-made records."""

from __future__ import annotations

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
