"""The condition base class and Synthea's comparison (see ``ehrsim.gmf.conditions``)."""

from __future__ import annotations

import math
import operator
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

from ehrsim.gmf.values import Frozen

if TYPE_CHECKING:
    from ehrsim.gmf.patient import PatientAccess
    from ehrsim.gmf.run import ModuleRun

Operator = Literal["<", "<=", "==", ">=", ">", "!=", "is nil", "is not nil"]
NEVER = math.inf
_NUMBERS = frozenset({int, float})
_ORDER = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def compare(left: Any, op: str, right: Any) -> bool:
    """Synthea's comparison: nil checks, numeric when both sides are numbers, else equality."""
    if op == "is nil":
        return left is None
    if op == "is not nil":
        return left is not None
    if left is None:
        return False
    if type(left) in _NUMBERS and type(right) in _NUMBERS:  # the common case: two plain numbers (not bools)
        test = _ORDER.get(op)
        if test is not None:
            return test(float(left), float(right))
    if isinstance(left, bool) or isinstance(right, bool):
        if op == "==":
            return bool(left) == bool(right) if isinstance(right, bool) else left == right
        if op == "!=":
            return bool(left) != bool(right) if isinstance(right, bool) else left != right
    if isinstance(left, dict):  # a record entry or code compared with a code
        left = left.get("code") or (left.get("codes") or [{}])[0].get("code")
        right = right.get("code") if isinstance(right, dict) else right
    try:
        a, b = float(left), float(right)
    except (TypeError, ValueError):
        a, b = str(left), str(right)  # type: ignore[assignment]
    if op == "==":
        return a == b
    if op == "!=":
        return a != b
    try:
        if op == "<":
            return a < b
        if op == "<=":
            return a <= b
        if op == ">":
            return a > b
        if op == ">=":
            return a >= b
    except TypeError:
        return False
    raise ValueError(f"unknown operator {op!r}")


class Condition(Frozen):
    """Base class of every condition type."""

    condition_type: str

    def test(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        raise NotImplementedError

    def wake_time(self, sim: PatientAccess, t: float) -> float:
        """Earliest time after ``t`` the answer may change by time alone (``NEVER`` if time cannot)."""
        return NEVER

    def reads(self) -> frozenset[str]:
        """Keys of the patient data this condition reads (cached: definitions are frozen)."""
        return self._read_keys

    @cached_property
    def _read_keys(self) -> frozenset[str]:
        return frozenset(self._keys_read())

    def _keys_read(self) -> set[str]:
        return set()
