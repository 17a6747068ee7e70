"""The history cut keeps what a kept entry's reason points to."""

from __future__ import annotations

from typing import Any

from ehrsim.record.build import YEAR, cut_history
from ehrsim.record.kinds import KINDS

END = int(50 * YEAR)
DEPRESSION = {"system": "SNOMED-CT", "code": "370143000", "display": "Major depressive disorder (disorder)"}
SERTRALINE = {"system": "RxNorm", "code": "312940", "display": "sertraline 50 MG Oral Tablet"}


def _record(**lists: list[dict[str, Any]]) -> dict[str, Any]:
    record: dict[str, Any] = {"index": 0, "id": "p", "patient": {}, "alive": True, "death": None}
    for kind in KINDS:
        record[kind] = lists.get(kind, [])
    return record


def _enc(eid: str, start: int) -> dict[str, Any]:
    return {"id": eid, "start": start, "stop": start + 1800, "codes": [], "reason": [], "encounter": None}


def test_kept_medication_keeps_the_condition_its_reason_names() -> None:
    cutoff = END - 10 * YEAR
    old_episode = {"id": "c0", "start": int(cutoff - 5 * YEAR), "stop": int(cutoff - 4 * YEAR), "codes": [DEPRESSION]}
    episode = {"id": "c1", "start": int(cutoff - 30 * 86400), "stop": int(cutoff - 10 * 86400), "codes": [DEPRESSION]}
    episode["encounter"] = "e1"
    old_episode["encounter"] = "e0"
    med = {
        "id": "m1",
        "start": int(cutoff - 29 * 86400),
        "stop": None,
        "codes": [SERTRALINE],
        "reason": [DEPRESSION],
        "encounter": "e1",
    }
    record = _record(
        encounters=[_enc("e0", old_episode["start"]), _enc("e1", episode["start"])],
        conditions=[old_episode, episode],
        medications=[med],
    )
    cut = cut_history(record, END, 10)
    assert [m["id"] for m in cut["medications"]] == ["m1"]
    assert [c["id"] for c in cut["conditions"]] == ["c1"]  # the latest episode before the start, not the older one
    assert [e["id"] for e in cut["encounters"]] == ["e1"]  # and the encounter it was diagnosed in


def test_unrelated_old_conditions_are_still_cut() -> None:
    cutoff = END - 10 * YEAR
    old = {"id": "c0", "start": int(cutoff - YEAR), "stop": int(cutoff - 100), "codes": [DEPRESSION], "encounter": None}
    assert cut_history(_record(conditions=[old]), END, 10)["conditions"] == []
