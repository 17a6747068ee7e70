"""Cohort expressions evaluated on a native record (docs/record.md), and on demographics alone.

``matches`` decides a finished record. ``decided_early`` is three-valued: before a life is simulated
only sex and (as a bound) age are known, so a candidate whose sex rules the expression out is
rejected without simulating it.
"""

from __future__ import annotations

from typing import Any

from ehrsim.cohort.lang import Age, And, Gender, Has, Node, Not, Or, Vital

YEAR = 31_557_600.0
_CMP = {
    ">=": lambda a, b: a >= b,
    "<=": lambda a, b: a <= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    ">": lambda a, b: a > b,
    "<": lambda a, b: a < b,
}


def _span(entry: dict[str, Any]) -> tuple[int, int | None]:
    if "time" in entry:
        return entry["time"], entry["time"]
    return entry["start"], entry.get("stop")


def _coded(item: dict[str, Any], codes: frozenset[tuple[str, str]]) -> bool:
    return any((c["system"], c["code"]) in codes for c in item["codes"])


def _value_ok(item: dict[str, Any], node: Has) -> bool:
    if node.op is None:
        return True
    value = item.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return bool(_CMP[node.op](value, node.value))


def _has(record: dict[str, Any], node: Has, end_time: int) -> bool:
    since = end_time - node.within if node.within is not None else None
    for entry in record[node.kind]:
        if since is not None:
            start, stop = _span(entry)
            if start > end_time or (stop is not None and stop < since):
                continue  # the entry does not overlap the window [reference - within, reference]
        if _coded(entry, node.codes) and _value_ok(entry, node):
            return True
        if node.kind == "observations":
            for comp in entry.get("components") or ():
                if _coded(comp, node.codes) and _value_ok(comp, node):
                    return True
    return False


def age_years(record: dict[str, Any], end_time: int) -> float:
    """Age at the reference date, or at death."""
    last = record["death"]["time"] if record.get("death") else end_time
    return (min(last, end_time) - record["patient"]["birth_time"]) / YEAR


def matches(node: Node, record: dict[str, Any], end_time: int) -> bool:
    """Whether the record satisfies the expression (the reference date is ``end_time``)."""
    if isinstance(node, Has):
        return _has(record, node, end_time)
    if isinstance(node, And):
        return all(matches(t, record, end_time) for t in node.terms)
    if isinstance(node, Or):
        return any(matches(t, record, end_time) for t in node.terms)
    if isinstance(node, Not):
        return not matches(node.term, record, end_time)
    if isinstance(node, Age):
        return bool(_CMP[node.op](age_years(record, end_time), node.years))
    if isinstance(node, Gender):
        return (record["patient"]["gender"] == node.gender) == (node.op == "==")
    if isinstance(node, Vital):
        return bool(record["alive"]) == node.alive
    raise TypeError(node)


def decided_early(node: Node, gender: str, age_now: float | None, facts: Any = None) -> bool | None:
    """True/False when sex and age at the reference date already decide; None when the life is needed.

    Death can only lower the age a record ends at, so ``age >= x`` is False when ``age_now < x``, and
    ``age <= x`` is True when ``age_now <= x``. ``facts(node, gender)`` may decide ``Has`` nodes
    statically (``ehrsim.cohort.static``); ``age_now`` None leaves age undecided.
    """
    if isinstance(node, Gender):
        return (gender == node.gender) == (node.op == "==")
    if isinstance(node, Age):
        if age_now is None:
            return None
        if node.op in (">=", ">") and not _CMP[node.op](age_now, node.years):
            return False
        if node.op in ("<=", "<") and _CMP[node.op](age_now, node.years):
            return True
        return None
    if isinstance(node, Has):
        return facts(node, gender) if facts is not None else None
    if isinstance(node, Not):
        inner = decided_early(node.term, gender, age_now, facts)
        return None if inner is None else not inner
    if isinstance(node, And | Or):
        values = [decided_early(t, gender, age_now, facts) for t in node.terms]
        stop = isinstance(node, Or)  # the value that decides: True for or, False for and
        if stop in values:
            return stop
        return None if None in values else not stop
    return None
