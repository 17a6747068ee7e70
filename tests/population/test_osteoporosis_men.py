"""Osteoporosis in men is rarely worked up after a fracture (Kiebzak et al., Arch Intern Med 2002: 11 % of men had
a bone density test 1-5 years after a hip fracture; USPSTF 2018: evidence insufficient to screen men), while a woman's
fracture still brings the work-up (modules/osteoporosis.json, Male_Fracture_Workup)."""

from __future__ import annotations

import datetime as dt

import ehrsim

OSTEOPOROSIS = "64859006"
FRACTURES = {"359817006", "65966004", "15724005"}  # hip, forearm, vertebra (osteoporosis/fracture submodule)
DXA = "312681000"
YEAR = 365.25 * 86400
SINCE = dt.datetime(1995, 1, 1, tzinfo=dt.UTC).timestamp()  # DXA era (WHO 1994)


def _worked_up(gender: str, n: int) -> tuple[int, int]:
    """(fractures before any osteoporosis diagnosis, those followed by a DXA within a year) among ``n`` lives of this
    sex aged 75-95."""
    fractures = followed = 0
    for r in ehrsim.generate(
        n,
        seed=23,
        reference_date=dt.date(2020, 1, 1),
        only_modules=("osteoporosis",),
        gender=gender,
        age_min=75,
        age_max=95,
        years_of_history=0,
    ):
        scans = [p["start"] for p in r["procedures"] if p["codes"][0]["code"] == DXA]
        diagnosed = min((c["start"] for c in r["conditions"] if c["codes"][0]["code"] == OSTEOPOROSIS), default=None)
        for c in r["conditions"]:
            if c["codes"][0]["code"] not in FRACTURES or c["start"] < SINCE:
                continue
            if diagnosed is not None and diagnosed < c["start"]:
                continue  # already diagnosed: nothing to work up
            fractures += 1
            followed += any(c["start"] <= s <= c["start"] + YEAR for s in scans)
    return fractures, followed


def test_a_mans_fracture_is_seldom_worked_up_and_a_womans_is() -> None:
    men, men_followed = _worked_up("M", 150)
    women, women_followed = _worked_up("F", 80)
    assert men >= 10 and women >= 1
    assert men_followed / men <= 0.3  # every one was worked up before
    assert women_followed == women
