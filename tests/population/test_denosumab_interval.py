"""Denosumab is one 60 mg injection every 6 months (FDA label Prolia 2.1), not once a year:
modules/osteoporosis.json gives the second dose of each year 6 months after the first."""

from __future__ import annotations

import datetime as dt

import ehrsim

DENOSUMAB = "993452"


def test_a_denosumab_dose_is_followed_by_the_next_6_months_later() -> None:
    story = {
        "events": [
            {"module": "osteoporosis", "state": "Denosumab", "encounter": "Denosumab_Review", "date": "2015-03-02"}
        ]
    }
    records = ehrsim.generate(
        2,
        seed=7,
        reference_date=dt.date(2016, 1, 1),
        storyline=story,
        only_modules=("osteoporosis",),
        age_min=70,
        age_max=80,
        years_of_history=0,
    )
    for record in records:
        doses = sorted(m["start"] for m in record["medications"] if m["codes"][0]["code"] == DENOSUMAB)
        assert len(doses) == 2
        assert 5.5 * 30.4 <= (doses[1] - doses[0]) / 86400 <= 6.5 * 30.4
        assert all(m["administered"] for m in record["medications"] if m["codes"][0]["code"] == DENOSUMAB)
