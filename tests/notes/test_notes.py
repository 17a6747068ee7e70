"""Notes are written from the record as it stood at their encounter: nothing later, nothing invented."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import ehrsim
from ehrsim.notes import build_notes
from ehrsim.notes.build import NotesTransform
from ehrsim.pipeline import HistoryCut

REF = dt.date(2025, 1, 1)
#: note section -> the record lists a fact line of that section must come from
SECTIONS = {
    "CHIEF COMPLAINT": ("reason",),
    "HISTORY OF PRESENT ILLNESS": ("conditions",),
    "HOSPITAL COURSE": ("conditions",),
    "PAST MEDICAL HISTORY": ("conditions",),
    "MEDICATIONS": ("medications",),
    "ALLERGIES": ("allergies",),
    "SOCIAL HISTORY": ("observations",),
    "EXAM": ("observations",),
    "RESULTS": ("observations", "reports"),
    "ASSESSMENT": ("conditions", "reason"),
    "PLAN": ("medications", "procedures", "immunizations", "careplans"),
}


def _start(e: dict[str, Any]) -> int:
    return e["start"] if "start" in e else e["time"]


def _facts(text: str) -> list[tuple[str, str]]:
    """(section, display) for every fact line of a note."""
    out, section = [], ""
    for line in text.splitlines():
        if line.isupper() and line.strip():
            section = line.strip()
        elif line.startswith("- "):
            out.append((section, line[2:].split("  --  ")[0]))
    return out


def _check(records: list[dict[str, Any]]) -> int:
    checked = 0
    for rec in records:
        encounters = {e["id"]: e for e in rec["encounters"]}
        for note in rec["notes"]:
            enc = encounters[note["encounter"]]
            t = note["time"]
            assert t == enc["stop"]
            known: dict[str, set[str]] = {
                k: set()
                for k in (
                    "conditions",
                    "medications",
                    "allergies",
                    "observations",
                    "reports",
                    "procedures",
                    "immunizations",
                    "careplans",
                )
            }
            first_seen: dict[str, int] = {}
            for kind, names in known.items():
                for e in rec[kind]:
                    for code in [*e["codes"], *[c["codes"][0] for c in e.get("components", [])]][:1]:
                        first_seen[code["display"]] = min(first_seen.get(code["display"], 1 << 62), _start(e))
                        if _start(e) <= t:
                            names.add(code["display"])
            known["reason"] = {r["display"] for r in enc["reason"]}
            facts = _facts(note["text"])
            for section, display in facts:
                kinds = SECTIONS[section]
                assert any(display in known[k] for k in kinds), (section, display, note["text"])
            future = {d for d, when in first_seen.items() if when > t}
            stated = {d for _, d in facts}
            assert not stated & future, (stated & future, note["text"])
            for display in future:
                assert f"- {display}\n" not in note["text"] and f"- {display}  --" not in note["text"]
            checked += 1
    return checked


def _records(n: int, seed: int) -> list[dict[str, Any]]:
    return list(ehrsim.generate(n, seed=seed, reference_date=REF, transforms=(HistoryCut(), _Notes())))


class _Notes(NotesTransform):
    pass


def test_notes_state_only_what_the_record_held_then() -> None:
    records = _records(40, 11)
    assert _check(records) > 500


@pytest.mark.slow
def test_notes_consistent_over_500_patients() -> None:
    assert _check(_records(500, 12)) > 5000


def test_a_later_fact_is_caught() -> None:
    """The check can fail: a note that names a diagnosis made later is refused."""
    rec = _records(6, 3)
    target = next(r for r in rec if len(r["conditions"]) > 1 and len(r["encounters"]) > 3)
    first, last = target["notes"][0], target["conditions"][-1]
    if last["start"] <= first["time"]:
        pytest.skip("no condition recorded after the first note")
    first["text"] = first["text"].replace(
        "PAST MEDICAL HISTORY\n", f"PAST MEDICAL HISTORY\n- {last['codes'][0]['display']}\n"
    )
    with pytest.raises(AssertionError):
        _check([target])


def test_notes_are_deterministic_and_optional() -> None:
    a = _records(3, 4)
    b = _records(3, 4)
    assert [r["notes"] for r in a] == [r["notes"] for r in b]
    plain = list(ehrsim.generate(1, seed=4, reference_date=REF))
    assert "notes" not in plain[0]
    rec = a[0]
    assert build_notes(rec, rec["notes"][0]["time"])[0] == rec["notes"][0]
