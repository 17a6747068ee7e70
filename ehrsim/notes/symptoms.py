"""The symptoms a patient felt at an encounter, from the record's ``symptoms`` list (docs/record.md).

A (symptom, cause) pair is felt from its first non-zero level after a zero (its onset) until a level of
0 or a sick visit that addressed it. A note states the symptoms felt at any time during its encounter,
from changes recorded up to the encounter's end only; the cause (a module name) is ground truth and never
shown, so a symptom cannot give away a diagnosis not yet made.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from typing import Any

from ehrsim.paths import terminology_dir

Entry = dict[str, Any]
DAY = 86400


@dataclass(frozen=True)
class Felt:
    """One symptom felt at an encounter (causes merged: the worst level, the earliest onset)."""

    name: str
    severity: float
    onset: int

    @property
    def word(self) -> str:
        return severity_word(self.severity)


@cache
def _bands() -> tuple[tuple[float, float, str], ...]:
    with open(terminology_dir() / "notes" / "symptom_severity.csv", newline="", encoding="utf-8") as fh:
        return tuple((float(r["low"]), float(r["high"]), r["word"]) for r in csv.DictReader(fh))


def severity_word(level: float) -> str:
    """mild / moderate / severe for a 0-100 level (terminology/notes/symptom_severity.csv)."""
    word = ""
    for low, _high, w in _bands():
        if level >= low:
            word = w
    return word


def duration_words(seconds: float) -> str:
    """How long, in the words a note uses: 'less than a day', '3 days', '2 weeks', '5 months', '2 years'."""
    days = int(seconds // DAY)
    if days < 1:
        return "less than a day"
    for limit, size, unit in ((14, 1, "day"), (61, 7, "week"), (730, 30.4375, "month")):
        if days < limit:
            n = int(days // size)
            return f"{n} {unit}{'s' if n != 1 else ''}"
    n = int(days // 365.2425)
    return f"{n} year{'s' if n != 1 else ''}"


def felt_at(events: list[Entry], enc: Entry) -> list[Felt]:
    """Symptoms felt during ``enc`` (worst first, then by name), from the changes recorded by its end."""
    eid, start, stop = enc["id"], enc["start"], enc["stop"]
    level: dict[tuple[str, str], float] = {}
    onset: dict[tuple[str, str], int] = {}
    worst: dict[tuple[str, str], float] = {}
    for e in events:
        if e["time"] > stop:
            break
        if e["encounter"] == eid:
            continue  # this visit addressing the symptom: it is still what the patient came with
        key = (e["symptom"], e["cause"])
        value = e["severity"]
        if value > 0 and level.get(key, 0.0) <= 0:
            onset[key] = e["time"]
        level[key] = value
        if e["time"] >= start:
            worst[key] = max(worst.get(key, 0.0), value)
        elif value > 0:
            worst[key] = value
        else:
            worst.pop(key, None)
    merged: dict[str, Felt] = {}
    for key, value in worst.items():
        if value <= 0:
            continue
        name = key[0]
        seen = merged.get(name.lower())
        when = onset[key]
        if seen is None:
            merged[name.lower()] = Felt(name, value, when)
        else:
            merged[name.lower()] = Felt(seen.name, max(seen.severity, value), min(seen.onset, when))
    return sorted(merged.values(), key=lambda f: (-f.severity, f.name.lower()))
