"""No DXA T-score before 1994 (WHO TRS 843 defined osteoporosis by the T-score that year): before it,
modules/osteoporosis.json diagnoses osteoporosis clinically from a fragility fracture (audit rule
`rec.t_score_before_who_1994`)."""

from __future__ import annotations

import datetime as dt

import ehrsim

T_SCORE = "38265-5"
OSTEOPOROSIS = "64859006"
WHO_1994 = dt.datetime(1994, 1, 1, tzinfo=dt.UTC).timestamp()


def test_no_t_score_before_1994_and_osteoporosis_found_by_fracture_before_it() -> None:
    records = list(
        ehrsim.generate(
            40,
            seed=11,
            reference_date=dt.date(1999, 1, 1),
            only_modules=("osteoporosis",),
            age_min=80,
            age_max=95,
            years_of_history=0,
        )
    )
    t_scores = [o["time"] for r in records for o in r["observations"] if o["codes"][0]["code"] == T_SCORE]
    early = [t for t in t_scores if t < WHO_1994]
    assert early == []
    assert any(t >= WHO_1994 for t in t_scores)  # the later logic (DXA) is kept
    early_dx = [
        c["start"]
        for r in records
        for c in r["conditions"]
        if c["codes"][0]["code"] == OSTEOPOROSIS and c["start"] < WHO_1994
    ]
    assert early_dx  # clinical diagnosis from a fragility fracture before 1994
