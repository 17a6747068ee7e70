"""Lookup-table CSVs for ``lookup_table_transition``: probabilities chosen by the patient's attributes."""

from __future__ import annotations

import bisect
import csv
import itertools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ehrsim.gmf.values import SECONDS

if TYPE_CHECKING:
    from ehrsim.gmf.patient import PatientAccess


_YEAR = SECONDS["years"]


class LookupTable:
    """Rows of (attribute matchers, probabilities). ``age`` is a year range, ``time`` an epoch-ms range.

    Other attribute columns match the string form of the patient's attribute.
    """

    def __init__(self, path: Path, transitions: set[str]) -> None:
        self.path = path
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            header = [h.strip() for h in next(reader)]
            self.outputs = [h for h in header if h in transitions]
            self.keys = [h for h in header if h not in transitions]
            out_idx = [header.index(h) for h in self.outputs]
            key_idx = [header.index(h) for h in self.keys]
            self.rows: list[tuple[list[Any], dict[str, float]]] = []
            if not self.outputs:
                raise ValueError("no column is named after a transition state")
            for line, raw in enumerate(reader, start=2):
                if not raw or not any(cell.strip() for cell in raw):
                    continue
                if len(raw) != len(header):
                    raise ValueError(f"line {line} has {len(raw)} cells, the header {len(header)}")
                try:
                    matchers = [self._matcher(self.keys[i], raw[j].strip()) for i, j in enumerate(key_idx)]
                    probabilities = {self.outputs[i]: float(raw[j]) for i, j in enumerate(out_idx)}
                except ValueError as exc:
                    raise ValueError(f"line {line}: {exc}") from None
                if not all(0.0 <= p <= 1.0 for p in probabilities.values()):
                    raise ValueError(f"line {line}: a probability is not between 0 and 1")
                self.rows.append((matchers, probabilities))
        # range columns: the row edges, so a value maps to an interval key; matching is cached per key
        self.edges: list[list[float] | None] = []
        for i, key in enumerate(self.keys):
            if key in ("age", "time"):
                edges = sorted({e for m, _ in self.rows if isinstance(m[i], tuple) for e in m[i]})
                self.edges.append(edges)
            else:
                self.edges.append(None)
        self._cache: dict[tuple[Any, ...], dict[str, float] | None] = {}
        #: the attribute keys it reads, as ``engine.loops`` watches them
        self.attr_keys = frozenset(f"a:{k}" for k in self.keys if k not in ("age", "time"))
        self._columns = [(k, e) for k, e in zip(self.keys, self.edges, strict=True)]
        # rows grouped by their string cells (matched by equality), in file order: a cache miss scans one group
        self._text_cols = [i for i, e in enumerate(self.edges) if e is None]
        self._groups: dict[tuple[Any, ...], list[tuple[list[Any], dict[str, float]]]] = {}
        for row in self.rows:
            self._groups.setdefault(tuple(row[0][i] for i in self._text_cols), []).append(row)
        self._ranges = self._sorted_ranges()

    def _sorted_ranges(self) -> tuple[list[float], list[tuple[float, float]]] | None:
        """(lows, ranges) when the only key is one range column whose rows are sorted and disjoint (covid19's
        602 days): at most one row holds a value, found by bisection instead of a scan."""
        if len(self.keys) != 1 or self.edges[0] is None:
            return None
        spans = [m[0] for m, _ in self.rows]
        if not all(isinstance(s, tuple) for s in spans) or any(a[1] >= b[0] for a, b in itertools.pairwise(spans)):
            return None
        return [s[0] for s in spans], spans

    @staticmethod
    def _matcher(column: str, cell: str) -> object:
        if column in ("age", "time") and "-" in cell:
            lo, hi = (float(x) for x in cell.split("-", 1))
            if not lo <= hi:
                raise ValueError(f"{column} range {cell!r} is not low-high")
            return (lo, hi)
        return cell

    def probabilities(self, sim: PatientAccess, t: float) -> dict[str, float] | None:
        """The first matching row's probabilities, or None (the options' defaults apply)."""
        ranges = self._ranges
        if ranges is not None:  # one sorted range column (covid19's days): one bisection, no cache key
            value = float(int((t - sim.birth_time) // _YEAR)) if self.keys[0] == "age" else t * 1000.0
            lows, spans = ranges
            i = bisect.bisect_right(lows, value) - 1
            return self.rows[i][1] if i >= 0 and spans[i][0] <= value <= spans[i][1] else None
        parts: list[Any] = []
        for key, edges in self._columns:
            if edges is None:
                raw = sim.attributes.get(key)
                parts.append("" if raw is None else _text(raw))
                continue
            value = float(int((t - sim.birth_time) // _YEAR)) if key == "age" else t * 1000.0
            parts.append((bisect.bisect_left(edges, value), bisect.bisect_right(edges, value)))
        cache_key = tuple(parts)
        try:
            return self._cache[cache_key]
        except KeyError:
            found = self._cache[cache_key] = self._scan(self._values(sim, t))
            return found

    def _values(self, sim: PatientAccess, t: float) -> list[Any]:
        """The patient's value for each key column: age in whole years, time in epoch ms, else attribute text."""
        values: list[Any] = []
        for key in self.keys:
            if key == "age":
                values.append(float(int((t - sim.birth_time) // _YEAR)))
            elif key == "time":
                values.append(t * 1000.0)
            else:
                raw = sim.attributes.get(key)
                values.append("" if raw is None else _text(raw))
        return values

    def _scan(self, values: list[Any]) -> dict[str, float] | None:
        """The first row (file order) matching ``values``; only rows with equal string cells can match."""
        rows = self._groups.get(tuple(values[i] for i in self._text_cols), ())
        for matchers, probabilities in rows:
            for matcher, value in zip(matchers, values, strict=True):
                if isinstance(matcher, tuple):
                    if not (matcher[0] <= value <= matcher[1]):
                        break
                elif matcher != value:
                    break
            else:
                return probabilities
        return None


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
