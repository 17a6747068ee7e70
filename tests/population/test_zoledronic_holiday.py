"""Zoledronic acid is three yearly infusions, then a drug holiday (ASBMR 2016, Adler et al.): the yearly review
of modules/osteoporosis.json renewed itself, so patient 136 of the s18old chart review had 13 infusions from 77."""

from __future__ import annotations

import datetime as dt
import itertools

import ehrsim
from ehrsim.record.times import from_date

ZOLEDRONIC = "1114085"
MODULE = "osteoporosis"
YEAR = 365.25 * 86400.0


def test_three_yearly_infusions_then_a_holiday_of_two_years() -> None:
    story = {
        "events": [
            {
                "module": "osteoporosis",
                "state": "Osteoporosis",
                "encounter": "Fracture_Diagnosis_Visit",
                "date": "2012-03-01",
            },
            {
                "module": "osteoporosis",
                "state": "Zoledronic_Acid",
                "encounter": "Zoledronic_Review",
                "date": "2012-03-02",
            },
        ]
    }
    records = ehrsim.generate(
        3,
        seed=11,
        reference_date=dt.date(2021, 1, 1),
        storyline=story,
        only_modules=("osteoporosis",),
        age_min=70,
        age_max=75,
        years_of_history=0,
    )
    judged = 0
    for record in records:
        if record["death"] and record["death"]["time"] < from_date(dt.date(2016, 6, 1)):
            continue
        judged += 1
        doses = sorted(m["start"] for m in record["medications"] if m["codes"][0]["code"] == ZOLEDRONIC)
        assert len(doses) >= 3 and all(0.9 * YEAR <= b - a <= 1.2 * YEAR for a, b in itertools.pairwise(doses[:3]))
        assert len(doses) == 3 or doses[3] - doses[2] >= 2 * YEAR  # a holiday after the third
    assert judged
