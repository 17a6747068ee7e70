"""One native record with the lookups the rules share (ages, local time, numeric results, drug classes)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import cached_property
from typing import Any

from ehrsim.record.times import DAY
from ehrsim.report.clinical.data import ClinicalData, CodeSet
from ehrsim.report.source import YEAR

Entry = dict[str, Any]
UTC = dt.UTC
_ZONES: dict[str, zoneinfo.ZoneInfo] = {}


def _zone(name: str) -> zoneinfo.ZoneInfo:
    if name not in _ZONES:
        _ZONES[name] = zoneinfo.ZoneInfo(name)
    return _ZONES[name]


def numeric(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class PatientView:
    """Read-only helpers over one record; everything is computed on first use."""

    def __init__(self, record: dict[str, Any], reference_time: int, data: ClinicalData) -> None:
        self.record = record
        self.data = data
        self.reference_time = reference_time
        self.pid = record["id"]
        self.index = record.get("index")
        patient = record["patient"]
        self.birth = int(patient["birth_time"])
        self.sex = patient["gender"]
        death = (record.get("death") or {}).get("time")
        self.death: int | None = death if death is not None and death <= reference_time else None
        self.end = self.death if self.death is not None else reference_time
        self.alive = self.death is None
        self.state = (patient.get("address") or {}).get("state_abbr", "")
        self._cache: dict[tuple[str, str], Any] = {}  # (lookup, code set name) -> result; rules share lookups

    @property
    def label(self) -> str:
        return f"{self.index}" if self.index is not None else self.pid

    def age(self, t: float) -> float:
        return (t - self.birth) / YEAR

    def at_age(self, years: float) -> float:
        return self.birth + years * YEAR

    def entries(self, kind: str) -> list[Entry]:
        return self.record.get(kind) or []

    def local(self, t: int) -> dt.datetime:
        """Wall-clock time where the patient lives (their state's main time zone; UTC if unknown)."""
        name = self.data.time_zones.get(self.state)
        utc = dt.datetime.fromtimestamp(t, UTC)
        return utc.astimezone(_zone(name)) if name else utc

    @cached_property
    def encounters_by_id(self) -> dict[str, Entry]:
        return {e["id"]: e for e in self.entries("encounters")}

    def med_classes(self, med: Entry) -> frozenset[str]:
        return self._med_classes[med["id"]]

    @cached_property
    def _med_classes(self) -> dict[str, frozenset[str]]:
        out = {}
        for med in self.entries("medications"):
            display = " ".join(c.get("display") or "" for c in med.get("codes") or ())
            out[med["id"]] = self.data.classes_of(display)
        return out

    def meds_of(self, drug_class: str) -> list[Entry]:
        return [m for m in self.entries("medications") if drug_class in self._med_classes[m["id"]]]

    def stop_of(self, entry: Entry) -> int:
        """When an entry ends: its stop, else death or the reference date."""
        stop = entry.get("stop")
        return stop if stop is not None else self.end

    def active(self, entry: Entry, t: float) -> bool:
        """Active at ``t``: started, and not stopped yet (an entry with no stop is active to the end)."""
        stop = entry.get("stop")
        return entry["start"] <= t and (t < stop if stop is not None else t <= self.end)

    def conditions_in(self, code_set: CodeSet) -> list[Entry]:
        key = ("conditions", code_set.name)
        if key not in self._cache:
            self._cache[key] = [c for c in self.entries("conditions") if code_set.any(c.get("codes"))]
        return self._cache[key]

    def onsets(self, code_set: CodeSet) -> list[int]:
        return sorted(c["start"] for c in self.conditions_in(code_set))

    @cached_property
    def _numeric(self) -> tuple[dict[str, list[tuple[int, float, Entry, int]]], dict[str, dict[str, Any]]]:
        """Numeric results by code (observations, and components numbered from 1), and one code dict per code."""
        index: dict[str, list[tuple[int, float, Entry, int]]] = {}
        shown: dict[str, dict[str, Any]] = {}
        for obs in self.entries("observations"):
            parts = [(0, obs)] if numeric(obs.get("value")) else []
            parts += [(i, c) for i, c in enumerate(obs.get("components") or (), start=1) if numeric(c.get("value"))]
            for i, part in parts:
                for code in part.get("codes") or ():
                    index.setdefault(code["code"], []).append((obs["time"], float(part["value"]), obs, i))
                    shown.setdefault(code["code"], code)
        return index, shown

    def values(self, code_set: CodeSet) -> list[tuple[int, float, Entry]]:
        """Numeric results (observations and components) whose code is in the set, in time order."""
        key = ("values", code_set.name)
        if key in self._cache:
            return self._cache[key]
        index, shown = self._numeric
        seen: set[tuple[str, int]] = set()
        out = []
        for code, results in index.items():
            if code in code_set.codes or (code_set.patterns and code_set.match(shown[code])):
                for t, v, obs, part in results:
                    if (obs["id"], part) not in seen:
                        seen.add((obs["id"], part))
                        out.append((t, v, obs))
        out.sort(key=lambda x: x[0])
        self._cache[key] = out
        return out

    def events_in(
        self,
        code_set: CodeSet,
        kinds: tuple[str, ...] = ("procedures", "observations", "careplans", "immunizations", "medications"),
    ) -> list[int]:
        """Times of entries (or observation coded values, careplan activities) matching the set."""
        out: list[int] = []
        for kind in kinds:
            for e in self.entries(kind):
                t = int(e["start"] if "start" in e else e["time"])
                if (
                    code_set.any(e.get("codes"))
                    or code_set.any(e.get("activities"))
                    or (kind == "observations" and isinstance(e.get("value"), dict) and code_set.match(e["value"]))
                ):
                    out.append(t)
        return sorted(out)

    def qualifying_times(self, code_set: CodeSet) -> list[tuple[int, int]]:
        """Intervals in which a state holds: conditions in the set, or observations whose coded value is in it.

        An observation holds until the next observation of the same code (or the end of the record).
        """
        spans = [(c["start"], self.stop_of(c)) for c in self.conditions_in(code_set)]
        by_code: dict[str, list[tuple[int, bool]]] = {}
        for obs in self.entries("observations"):
            value = obs.get("value")
            if isinstance(value, dict):
                key = (obs.get("codes") or [{}])[0].get("code", "")
                by_code.setdefault(key, []).append((obs["time"], code_set.match(value)))
        for series in by_code.values():
            series.sort()
            for i, (t, hit) in enumerate(series):
                if hit:
                    spans.append((t, series[i + 1][0] if i + 1 < len(series) else self.end))
        return sorted(spans)

    def last_value_before(self, code_set: CodeSet, t: float, within_days: float) -> float | None:
        best = None
        for time, value, _ in self.values(code_set):
            if t - within_days * DAY <= time <= t:
                best = value
        return best
