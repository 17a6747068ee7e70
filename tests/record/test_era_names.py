"""CKD stages diagnosed before the KDOQI staging (February 2002) are charted by the era's names and restaged at the
first visit from then (record/era_names.py, terminology/engine/era_names.csv)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from ehrsim.record.era_names import rename

CKD3 = {"system": "SNOMED-CT", "code": "433144002", "display": "Chronic kidney disease stage 3 (disorder)"}
CKD2 = {"system": "SNOMED-CT", "code": "431856006", "display": "Chronic kidney disease stage 2 (disorder)"}
CKD5 = {"system": "SNOMED-CT", "code": "433146000", "display": "Chronic kidney disease stage 5 (disorder)"}


def _t(year: int, month: int = 1, day: int = 1) -> int:
    return int(dt.datetime(year, month, day, tzinfo=dt.UTC).timestamp())


def _ids() -> Any:
    counter = itertools.count(100)
    return lambda: (f"id{(n := next(counter))}", n)


def _lists(conditions: list[dict[str, Any]], visits: list[int], **extra: list[dict[str, Any]]) -> dict[str, Any]:
    encounters = [{"id": f"e{i}", "start": t, "stop": t + 900, "class": "ambulatory"} for i, t in enumerate(visits)]
    return {"encounters": encounters, "conditions": conditions, "medications": [], **extra}


def _cond(code: dict[str, str], start: int, stop: int | None, n: int) -> dict[str, Any]:
    return {"id": f"c{n}", "n": n, "encounter": "e0", "start": start, "stop": stop, "onset": start, "codes": [code]}


def test_a_stage_diagnosed_in_1985_reads_renal_insufficiency_until_the_first_visit_of_2002_restages_it() -> None:
    ckd3 = _cond(CKD3, _t(1985), None, 1)
    med = {"id": "m1", "start": _t(1990), "stop": None, "codes": [], "reason": [dict(CKD3)]}
    lists = _lists([ckd3], [_t(1985), _t(2001, 6), _t(2002, 3, 15), _t(2003)], medications=[med])
    rename(lists, None, _ids())
    era, staged = lists["conditions"]
    assert era["codes"][0]["display"] == "Chronic renal insufficiency (disorder)" and era["stop"] == _t(2002, 3, 15)
    assert staged["codes"] == [CKD3] and staged["start"] == _t(2002, 3, 15) and staged["stop"] is None
    assert staged["onset"] == _t(1985) and staged["encounter"] == "e2" and staged["id"] == "id100"
    assert med["reason"][0]["code"] == "723190009"  # the order's reason as written in 1990


def test_a_stage_ended_before_2002_and_a_death_before_it_keep_the_era_names() -> None:
    ckd2 = _cond(CKD2, _t(1980), _t(1990), 1)
    ckd5 = _cond(CKD5, _t(1990), None, 2)
    death = {"time": _t(1995), "codes": [dict(CKD5)]}
    lists = _lists([ckd2, ckd5], [_t(1980), _t(1990)])
    rename(lists, death, _ids())
    assert [c["codes"][0]["display"] for c in lists["conditions"]] == [
        "Proteinuria (finding)",
        "Chronic renal failure syndrome (disorder)",
    ]
    assert lists["conditions"][1]["stop"] is None  # no visit from 2002: never restaged
    assert death["codes"][0]["code"] == "90688005"


def test_a_stage_diagnosed_from_2002_is_untouched() -> None:
    ckd3 = _cond(CKD3, _t(2002, 2, 1), None, 1)
    med = {"id": "m1", "start": _t(2003), "stop": None, "codes": [], "reason": [dict(CKD3)]}
    lists = _lists([ckd3], [_t(2002, 2, 1)], medications=[med])
    rename(lists, None, _ids())
    assert lists["conditions"] == [ckd3] and ckd3["codes"] == [CKD3] and med["reason"] == [CKD3]


def test_two_stages_of_one_era_name_in_a_row_are_one_entry() -> None:
    ckd1 = _cond(
        {**CKD2, "code": "431855005", "display": "Chronic kidney disease stage 1 (disorder)"}, _t(1990), _t(1992), 1
    )
    ckd2 = _cond(CKD2, _t(1992), None, 2)
    lists = _lists([ckd1, ckd2], [_t(1990), _t(2002, 3, 19)])
    rename(lists, None, _ids())
    assert [(c["codes"][0]["display"], c["start"], c["stop"]) for c in lists["conditions"]] == [
        ("Proteinuria (finding)", _t(1990), _t(2002, 3, 19)),
        ("Chronic kidney disease stage 2 (disorder)", _t(2002, 3, 19), None),
    ]
