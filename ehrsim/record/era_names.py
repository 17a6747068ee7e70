"""Diagnoses charted by the names of their time (``terminology/engine/era_names.csv``).

The simulation keeps one code per disease state (the CKD stage that moves eGFR, doses and care), but a
classification is not older than its publication: CKD stages date from the KDOQI guideline of February
2002, and a 1985 chart read "chronic renal insufficiency", "chronic renal failure" or "proteinuria". When a
life is finished, a condition diagnosed before its code's era is written with the era's code; one still
active then is re-coded at the first encounter from that date (the next visit restages it: the era entry
ends there and the staged entry begins, with the disease's onset). The reasons of orders, visits and plans
written before the era, report conclusions and a certified cause of death before it take the era's name too.
The physiology, prescribing and care, which ran on the state, are unchanged.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable
from functools import cache
from typing import Any

from ehrsim.core.tables import rows

__all__ = ["rename"]

#: fields of an entry that hold codes written at its time (besides a condition's own ``codes``)
CODE_FIELDS = ("reason", "conclusion_codes")


@cache
def _eras() -> dict[str, tuple[dict[str, str], float]]:
    """Code -> (the era's code, the time the code itself came into use)."""
    out = {}
    for r in rows("engine/era_names.csv"):
        until = dt.datetime.fromisoformat(r["until"]).replace(tzinfo=dt.UTC).timestamp()
        out[r["code"]] = ({"system": "SNOMED-CT", "code": r["era_code"], "display": r["era_display"]}, until)
    return out


def _era_code(code: dict[str, str], t: float) -> dict[str, str] | None:
    found = _eras().get(code.get("code", ""))
    return dict(found[0]) if found is not None and t < found[1] else None


def rename(lists: dict[str, list[dict[str, Any]]], death: dict[str, Any] | None, new_id: Callable[[], Any]) -> None:
    """Write the era's names into a finished record (in place); ``new_id`` gives a re-coded entry its id."""
    eras = _eras()
    conditions = lists["conditions"]
    if not any(c["codes"][0]["code"] in eras and c["start"] < eras[c["codes"][0]["code"]][1] for c in conditions):
        return  # nothing charted before its era: the common case, untouched
    visits = sorted(e["start"] for e in lists["encounters"])
    by_id = {e["id"]: e for e in lists["encounters"]}
    renamed: list[dict[str, Any]] = []
    for entry in list(conditions):
        code = entry["codes"][0]
        era = _era_code(code, entry["start"])
        if era is None:
            continue
        until = eras[code["code"]][1]
        stop = entry.get("stop")
        i = bisect.bisect_left(visits, until)
        restaged = visits[i] if i < len(visits) else None
        if restaged is not None and (stop is None or restaged < stop):
            staged = {**entry, "start": restaged, "codes": [dict(code)]}
            staged["id"], staged["n"] = new_id()
            staged["encounter"] = next((k for k, e in by_id.items() if e["start"] == restaged), entry["encounter"])
            entry["stop"] = restaged
            conditions.insert(_after(conditions, restaged), staged)
        entry["codes"] = [era]
        renamed.append(entry)
    _join(conditions, renamed)
    for entries in lists.values():
        for entry in entries:
            t = entry.get("start", entry.get("time"))
            if t is None:
                continue
            for field in CODE_FIELDS:
                codes = entry.get(field)
                if codes:
                    entry[field] = [_era_code(c, t) or c for c in codes]
    if death is not None and death.get("codes"):
        death["codes"] = [_era_code(c, death["time"]) or c for c in death["codes"]]


def _join(conditions: list[dict[str, Any]], renamed: list[dict[str, Any]]) -> None:
    """Two stages of one era name in a row (stage 1 then 2, both proteinuria) are one entry: the first runs on."""
    last: dict[str, dict[str, Any]] = {}
    for entry in renamed:
        code = entry["codes"][0]["code"]
        before = last.get(code)
        if before is not None and before["stop"] == entry["start"]:
            before["stop"] = entry["stop"]
            conditions.remove(entry)
        else:
            last[code] = entry


def _after(entries: list[dict[str, Any]], t: float) -> int:
    """The position after the last entry that began at or before ``t`` (the list is in the order written)."""
    for i in range(len(entries) - 1, -1, -1):
        if entries[i]["start"] <= t:
            return i + 1
    return 0
