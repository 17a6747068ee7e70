"""The patient's health record as it is written: plain dicts in lists (docs/record.md, ``record.kinds``).

Also keeps the lookups modules query while the life runs: what is active (by code) and the latest
observation of each code.
"""

from __future__ import annotations

import hashlib
from typing import Any

from ehrsim.record.kinds import ACTIVE_KINDS, KINDS


def patient_uuid_prefix(seed: int, index: int) -> str:
    """First 24 characters of every UUID of this patient: unique per (seed, index), deterministic."""
    h = hashlib.blake2b(f"ehrsim:{seed}:{index}".encode(), digest_size=10).hexdigest()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-"


#: "%012x" of 0, 1, 2, ...: an entry id's tail read from here instead of formatted (formatting costs ~5x the
#: lookup, once per record entry); grown on demand and shared by every patient of the process
_HEX12: list[str] = []
_HEX12_MAX = 1 << 20  # tails beyond this are formatted (no life comes near it)


def _hex12(n: int) -> str:
    if n >= _HEX12_MAX:
        return f"{n:012x}"
    _HEX12.extend(f"{i:012x}" for i in range(len(_HEX12), max(n + 1, 2 * len(_HEX12), 4096)))
    return _HEX12[n]


class Recorder:
    """Appends entries, numbers them, and tracks what is active."""

    __slots__ = ("active", "latest_obs", "lists", "n", "prefix")

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.n = 0
        self.lists: dict[str, list[dict[str, Any]]] = {k: [] for k in KINDS}
        self.active: dict[str, dict[str, dict[str, Any]]] = {k: {} for k in ACTIVE_KINDS}
        self.latest_obs: dict[str, dict[str, Any]] = {}

    @property
    def patient_id(self) -> str:
        return f"{self.prefix}{0:012x}"

    def new_id(self) -> tuple[str, int]:
        self.n += 1
        n = self.n
        try:
            tail = _HEX12[n]
        except IndexError:
            tail = _hex12(n)
        return self.prefix + tail, n

    def add(self, kind: str, fields: dict[str, Any], encounter_id: str | None) -> dict[str, Any]:
        self.n = n = self.n + 1  # ``new_id``, inlined (one call per record entry)
        try:
            tail = _HEX12[n]
        except IndexError:
            tail = _hex12(n)
        entry = {"id": self.prefix + tail, "n": n, "encounter": encounter_id, **fields}
        self.lists[kind].append(entry)
        if kind == "observations":
            latest = self.latest_obs
            for code in entry["codes"]:
                latest[code["code"]] = entry
            for comp in entry.get("components") or ():
                # a panel's part (the systolic of a BP panel) is a result of its own for whoever reads the latest
                # value of its code (GMF ``Observation`` conditions, titration targets): a view, not a record entry
                view = {"time": entry["time"], "value": comp["value"], "codes": comp["codes"]}
                view["encounter"] = encounter_id
                for code in comp["codes"]:
                    latest[code["code"]] = view
        return entry

    def activate(self, kind: str, entry: dict[str, Any]) -> None:
        active = self.active[kind]
        for code in entry["codes"]:
            active[code["code"]] = entry
        if "ordered" in entry:  # a substituted order stays findable by the code the module ordered
            active.setdefault(entry["ordered"]["code"], entry)

    def deactivate(self, kind: str, entry: dict[str, Any], t: float, stop_reason: dict[str, str] | None) -> None:
        """Stop an entry (once) and drop it from the active lookups."""
        if entry.get("stop") is None or entry["stop"] > t:
            entry["stop"] = t
            if stop_reason is not None and "stop_reason" in entry:
                entry["stop_reason"] = stop_reason
        active = self.active[kind]
        for code in entry["codes"]:
            if active.get(code["code"]) is entry:
                del active[code["code"]]
        if "ordered" in entry and active.get(entry["ordered"]["code"]) is entry:
            del active[entry["ordered"]["code"]]

    def active_by_codes(self, kind: str, codes: list[str]) -> list[dict[str, Any]]:
        active = self.active[kind]
        found: list[dict[str, Any]] = []
        for code in codes:
            entry = active.get(code)
            if entry is not None and all(entry is not f for f in found):
                found.append(entry)
        return found
