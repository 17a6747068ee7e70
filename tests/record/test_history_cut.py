"""The history cut keeps what a kept entry refers to, in time order (``record/build.py``)."""

from __future__ import annotations

from typing import Any

from ehrsim.record.build import cut_history
from ehrsim.record.kinds import KINDS

DAY = 86_400
YEAR = int(365.25 * DAY)
ALCOHOLISM = {"system": "SNOMED-CT", "code": "7200002", "display": "Alcoholism (disorder)"}
CIRRHOSIS = {"system": "SNOMED-CT", "code": "420054005", "display": "Alcoholic cirrhosis (disorder)"}


def _condition(cid: str, code: dict[str, str], start: int, stop: int | None, encounter: str) -> dict[str, Any]:
    return {"id": cid, "start": start, "stop": stop, "codes": [code], "encounter": encounter}


def test_an_old_encounter_kept_for_its_diagnosis_keeps_the_episode_its_reason_names() -> None:
    """Alcoholism 1997-2004, cirrhosis diagnosed in 2002 at an encounter for alcoholism (still active),
    a relapse 2012-2015: a 5-year cut at 2020 keeps the 2002 encounter for the cirrhosis, and with it
    the 1997 episode its reason names (not only the later relapse, which began after that encounter)."""
    record: dict[str, Any] = {k: [] for k in KINDS}
    record["symptoms"] = []
    record["encounters"] = [
        {"id": "e1", "start": 1 * YEAR, "stop": 1 * YEAR + 3600, "codes": [], "reason": []},
        {"id": "e2", "start": 6 * YEAR, "stop": 6 * YEAR + 3600, "codes": [], "reason": [ALCOHOLISM]},
        {"id": "e3", "start": 16 * YEAR, "stop": 16 * YEAR + 3600, "codes": [], "reason": []},
    ]
    record["conditions"] = [
        _condition("c1", ALCOHOLISM, 1 * YEAR, 8 * YEAR, "e1"),
        _condition("c2", CIRRHOSIS, 6 * YEAR, None, "e2"),
        _condition("c3", ALCOHOLISM, 16 * YEAR, 19 * YEAR, "e3"),
    ]
    cut = cut_history(record, 24 * YEAR, 5)
    assert [c["id"] for c in cut["conditions"]] == ["c1", "c2", "c3"]
    assert [e["id"] for e in cut["encounters"]] == ["e1", "e2", "e3"]
