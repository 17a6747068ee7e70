"""A telehealth visit in which the patient was examined, tested or given something was an office visit.

Modules may allow a follow-up to be virtual (``telemedicine_possibility``) and still record spirometry, an
ECG, a foot or retinal examination, laboratory results or a vaccine in it: the s14review chart review found
a 95-year-old's diabetic foot and retinal examinations at a video visit, and 440 virtual visits in 300 lives
holding 37 spirometries, 26 foot examinations, 12 ECGs and 197 laboratory results. The class is chosen when
the visit opens, before the module's states show what happens in it; once the life is simulated, a virtual
visit holding anything of ``engine/in_person.csv`` becomes an ambulatory (office) visit.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from ehrsim.core.tables import rows


@cache
def _in_person() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(procedure codes, observation categories, record kinds) that need the patient in the room."""
    by_kind: dict[str, set[str]] = {"procedure": set(), "observation_category": set(), "record": set()}
    for r in rows("engine/in_person.csv"):
        by_kind[r["kind"]].add(r["code"])
    return frozenset(by_kind["procedure"]), frozenset(by_kind["observation_category"]), frozenset(by_kind["record"])


def office_visits(lists: dict[str, list[dict[str, Any]]]) -> int:
    """Re-class the virtual encounters of one record that hold in-person care; returns how many changed."""
    virtual = {e["id"]: e for e in lists["encounters"] if e["class"] == "virtual"}
    if not virtual:
        return 0
    procedures, categories, records = _in_person()
    examined: set[str] = set()
    for p in lists["procedures"]:
        if p.get("encounter") in virtual and p["codes"][0]["code"] in procedures:
            examined.add(p["encounter"])
    for o in lists["observations"]:
        if o.get("encounter") in virtual and o.get("category") in categories:
            examined.add(o["encounter"])
    if "immunizations" in records:
        examined.update(v["encounter"] for v in lists["immunizations"] if v.get("encounter") in virtual)
    if "administered" in records:
        examined.update(
            m["encounter"] for m in lists["medications"] if m.get("administered") and m.get("encounter") in virtual
        )
    for enc_id in examined:
        virtual[enc_id]["class"] = "ambulatory"
    return len(examined)
