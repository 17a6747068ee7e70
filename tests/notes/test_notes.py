"""Notes are written from the record as it stood at their encounter: nothing later, nothing invented."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

import ehrsim
from ehrsim.notes import build_notes
from ehrsim.notes.build import NotesTransform
from ehrsim.pipeline import HistoryCut

REF = dt.date(2025, 1, 1)
#: note section -> the record lists a fact line of that section must come from
SECTIONS = {
    "CHIEF COMPLAINT": ("reason", "symptoms", "conditions"),  # a condition diagnosed at a visit with no reason
    "REPORTED SYMPTOMS": ("symptoms",),
    "HISTORY OF PRESENT ILLNESS": ("conditions",),
    "HOSPITAL COURSE": ("conditions",),
    "PAST MEDICAL HISTORY": ("conditions",),
    "MEDICATIONS": ("medications",),
    "MEDICATIONS ON ADMISSION": ("medications",),
    "DISCHARGE MEDICATIONS": ("medications",),
    "ALLERGIES": ("allergies",),
    "SOCIAL HISTORY": ("observations",),
    "EXAM": ("observations",),
    "RESULTS": ("observations", "reports"),
    "ASSESSMENT": ("conditions", "reason"),
    "PLAN": ("medications", "procedures", "immunizations", "careplans"),
}


with open(Path(__file__).parents[2] / "terminology" / "notes" / "symptom_severity.csv", encoding="utf-8") as _fh:
    BANDS = [(float(r["low"]), float(r["high"]) + 0.1, r["word"]) for r in csv.DictReader(_fh)]
UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}


def _symptoms_felt(rec: dict[str, Any], enc: dict[str, Any]) -> dict[str, tuple[set[str], int]]:
    """Symptom name -> (severity words it had while felt during ``enc``, its first recorded time), from the raw events.

    Written apart from ehrsim.notes.symptoms: per cause, the level just before the visit (a visit addressing
    it drops it to 0, unless it is this one) and every level set during it, from changes up to its end.
    """
    start, stop = enc["start"], enc["stop"]
    last_before: dict[tuple[str, str], float] = {}
    during: dict[tuple[str, str], list[float]] = {}
    first: dict[str, int] = {}
    for e in rec.get("symptoms", []):
        if e["time"] > stop or e["encounter"] == enc["id"]:
            continue
        first[e["symptom"]] = min(first.get(e["symptom"], e["time"]), e["time"])
        key = (e["symptom"], e["cause"])
        if e["time"] < start:
            last_before[key] = e["severity"]
        else:
            during.setdefault(key, []).append(e["severity"])
    out: dict[str, tuple[set[str], int]] = {}
    for key in {*last_before, *during}:
        levels = [v for v in (last_before.get(key, 0.0), *during.get(key, ())) if v > 0]
        words = {w for v in levels for lo, hi, w in BANDS if lo <= v < hi}
        if words:
            name = key[0]
            out[name] = (out.get(name, (set(), 0))[0] | words, first[name])
    return out


def _check_symptom(line: str, felt: dict[str, tuple[set[str], int]], enc: dict[str, Any]) -> None:
    name, _, detail = line.partition("  --  ")
    assert name in felt, (name, "not felt at this visit in the record")
    words, first = felt[name]
    if detail:
        word, _, since = detail.partition(", for ")
        assert word in words, (name, word, words)
        m = re.fullmatch(r"(\d+) (day|week|month|year)s?", since)
        assert m or since == "less than a day", since
        if m:  # never longer than the record has known the symptom
            assert int(m[1]) * UNIT_DAYS[m[2]] * 86400 <= enc["start"] - first + 86400, (name, since)


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


def _fact_lines(text: str, wanted: str) -> list[str]:
    out, section = [], ""
    for line in text.splitlines():
        if line.isupper() and line.strip():
            section = line.strip()
        elif line.startswith("- ") and section == wanted:
            out.append(line[2:])
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
            felt = _symptoms_felt(rec, enc)
            known["symptoms"] = set(felt)
            for line in _fact_lines(note["text"], "REPORTED SYMPTOMS"):
                _check_symptom(line, felt, enc)
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


def test_notes_state_the_symptoms_felt_then() -> None:
    """Symptoms appear in notes, and one stated before the record has it is refused."""
    records = _records(40, 11)
    stated = [n for r in records for n in r["notes"] if _fact_lines(n["text"], "REPORTED SYMPTOMS")]
    assert len(stated) >= 10
    rec = next(r for r in records if r["symptoms"] and r["notes"][0]["time"] < r["symptoms"][-1]["time"])
    later = rec["symptoms"][-1]
    onset = min(e["time"] for e in rec["symptoms"] if e["symptom"] == later["symptom"])
    first = next(n for n in rec["notes"] if n["time"] < onset)
    first["text"] = first["text"].replace(
        "REPORTED SYMPTOMS\n", f"REPORTED SYMPTOMS\n- {later['symptom']}  --  mild, for 2 days\n", 1
    )
    with pytest.raises(AssertionError, match="not felt"):
        _check([rec])


def test_notes_are_deterministic_and_optional() -> None:
    a = _records(3, 4)
    b = _records(3, 4)
    assert [r["notes"] for r in a] == [r["notes"] for r in b]
    plain = list(ehrsim.generate(1, seed=4, reference_date=REF))
    assert "notes" not in plain[0]
    rec = a[0]
    assert build_notes(rec, rec["notes"][0]["time"])[0] == rec["notes"][0]
