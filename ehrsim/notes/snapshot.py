"""The record as it stood at one moment: what a note (or a case stage) may know then.

Every list is filtered by time against the record itself, so nothing recorded later can reach a note:
an entry belongs to a snapshot at ``t`` only if it began at or before ``t``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ehrsim.notes.symptoms import Felt, felt_at

Entry = dict[str, Any]


def _active(entry: Entry, t: int) -> bool:
    stop = entry.get("stop")
    return entry["start"] <= t and (stop is None or stop > t)


def fmt_value(obs: Entry) -> str:
    """A result's value with its unit (codes by display), as the record holds it."""
    value = obs.get("value")
    if isinstance(value, dict):
        return str(value.get("display", value.get("code", "")))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        text = f"{value:.2f}".rstrip("0").rstrip(".")
    elif value is None:
        parts = [f"{c['codes'][0]['display']} {fmt_value(c)}" for c in obs.get("components", [])]
        return "; ".join(parts)
    else:
        text = str(value)
    unit = obs.get("unit") or ""
    return f"{text} {unit}".strip()


def fmt_range(obs: Entry) -> str:
    """``low-high`` / ``>=low`` / ``<=high``, or '' when the record has no reference range."""
    rng = obs.get("reference_range")
    if not rng:
        return ""
    low, high = rng
    if low is not None and high is not None:
        return f"{low:g}-{high:g}"
    return f">={low:g}" if low is not None else f"<={high:g}"


@dataclass(frozen=True)
class Snapshot:
    """What the record held at ``time`` about one encounter and the life before it."""

    encounter: Entry
    time: int
    age: int
    symptoms: list[Felt]  # felt during the encounter (notes.symptoms), worst first
    problems: list[Entry]  # conditions active when the encounter began
    new_conditions: list[Entry]  # diagnosed in this encounter
    medications: list[Entry]  # active when the encounter began
    allergies: list[Entry]
    social: list[Entry]  # latest social-history observation of each code, up to ``time``
    vitals: list[Entry]
    results: list[Entry]
    reports: list[Entry]
    orders: list[Entry]  # medications started in this encounter
    procedures: list[Entry]
    immunizations: list[Entry]
    careplans: list[Entry]
    discharge_medications: list[Entry]  # prescriptions (not one-off administrations) still running at the end


def age_at(record: dict[str, Any], t: int) -> int:
    return int((t - record["patient"]["birth_time"]) // (365.2425 * 86400))


_LINKED = ("conditions", "observations", "reports", "medications", "procedures", "immunizations", "careplans")


def by_encounter(record: dict[str, Any]) -> dict[str, dict[str, list[Entry]]]:
    """kind -> encounter id -> its entries: built once per record so notes stay linear in the record's size."""
    index: dict[str, dict[str, list[Entry]]] = {k: {} for k in _LINKED}
    for kind in _LINKED:
        for e in record.get(kind, []):
            if e.get("encounter"):
                index[kind].setdefault(e["encounter"], []).append(e)
    index["social"] = {"": [o for o in record.get("observations", []) if o["category"] == "social-history"]}
    index["symptoms"] = {"": sorted(record.get("symptoms", []), key=lambda e: e["time"])}
    return index


def snapshot(record: dict[str, Any], enc: Entry, index: dict[str, dict[str, list[Entry]]] | None = None) -> Snapshot:
    """The record as it stood at the end of ``enc`` (its ``stop``); ``index`` from ``by_encounter`` (else built)."""
    index = index if index is not None else by_encounter(record)
    eid, start, t = enc["id"], enc["start"], enc["stop"]

    def here(kind: str, field: str = "time") -> list[Entry]:
        return [e for e in index[kind].get(eid, ()) if e[field] <= t]

    social: dict[str, Entry] = {}
    for obs in index["social"][""]:
        if obs["time"] <= t:
            social[obs["codes"][0]["code"]] = obs
    observations = here("observations")
    return Snapshot(
        encounter=enc,
        time=t,
        age=age_at(record, start),
        symptoms=felt_at(index["symptoms"][""], enc),
        problems=[c for c in record.get("conditions", []) if c["start"] < start and _active(c, start)],
        new_conditions=here("conditions", "start"),
        # active just before the visit: a renewal stops the old prescription at the visit's start
        medications=[m for m in record.get("medications", []) if m["start"] < start and _active(m, start - 1)],
        allergies=[a for a in record.get("allergies", []) if _active(a, t)],
        social=list(social.values()),
        vitals=[o for o in observations if o["category"] == "vital-signs"],
        results=[o for o in observations if o["category"] not in ("vital-signs", "social-history")],
        reports=[r for r in here("reports") if r.get("conclusion")],
        orders=here("medications", "start"),
        procedures=here("procedures", "start"),
        immunizations=here("immunizations"),
        careplans=here("careplans", "start"),
        # the reconciled list a discharge summary hands over (Joint Commission NPSG.03.06.01): what runs on at the end
        discharge_medications=[
            m for m in record.get("medications", []) if not m.get("administered") and m["start"] <= t and _active(m, t)
        ],
    )
