"""The condition base class and Synthea's comparison (see ``ehrsim.gmf.conditions``)."""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

from ehrsim.gmf.values import Frozen

if TYPE_CHECKING:
    from ehrsim.gmf.patient import PatientAccess
    from ehrsim.gmf.run import ModuleRun

Operator = Literal["<", "<=", "==", ">=", ">", "!=", "is nil", "is not nil"]
NEVER = math.inf
_NUMERIC_PAIRS = frozenset({(int, int), (int, float), (float, int), (float, float), (bool, bool)})
_TEXTS = (str, str)
_PARSED: dict[str, float | None] = {}  # text -> its number (None: not a number), for ``compare``
_UNSEEN = object()
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
    # the common cases first, with the same results as the general path below: two plain numbers (not
    # bools), two bools, two texts (numbers when both read as numbers; parsed once: failing is slow)
    kinds = (type(left), type(right))
    test = _ORDER.get(op)
    if test is not None:
        if kinds in _NUMERIC_PAIRS:
            return test(float(left), float(right))
        if kinds == _TEXTS:
            x, y = _number_in(left), _number_in(right)
            return test(left, right) if x is None or y is None else test(x, y)
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


def text_operator(op: str, right: Any) -> Callable[[Any, Any], bool] | None:
    """For a fixed right side that is a text but not a number: the function ``compare(left, op, right)`` equals
    for every text ``left`` (the two texts compared as texts), else None."""
    if type(right) is not str or _number_in(right) is not None:
        return None
    return _ORDER.get(op)


def numeric_operator(op: str, right: Any) -> Callable[[float, Any], bool] | None:
    """For a fixed right side that is a float: the function ``compare(left, op, right)`` equals for every float
    ``left`` (``compare`` compares two numbers as floats, and ``float`` of a float is itself), else None."""
    if type(right) is not float:
        return None
    return _ORDER.get(op)


def int_operator(op: str, right: Any) -> Callable[[int, int], bool] | None:
    """For a fixed right side that is an int: the function ``compare(left, op, right)`` equals for every int ``left``
    below 2**53 (``compare`` compares two ints as floats, exact there), else None."""
    if type(right) is not int or abs(right) >= 2**53:
        return None
    return _ORDER.get(op)


def _number_in(text: str) -> float | None:
    value = _PARSED.get(text, _UNSEEN)
    if value is _UNSEEN:
        try:
            value = float(text)
        except ValueError:
            value = None
        if len(_PARSED) > 100_000:  # attribute texts are few; a bound all the same
            _PARSED.clear()
        _PARSED[text] = value
    return value  # type: ignore[return-value]


Tester = Callable[["PatientAccess", "ModuleRun", float], bool]
Waker = Callable[["PatientAccess", float], float]


def _never(sim: PatientAccess, t: float) -> float:
    return NEVER


class Condition(Frozen):
    """Base class of every condition type."""

    condition_type: str

    def test(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        raise NotImplementedError

    def wake_time(self, sim: PatientAccess, t: float) -> float:
        """Earliest time after ``t`` the answer may change by time alone (``NEVER`` if time cannot)."""
        return NEVER

    # The hot paths (transitions, Guards, loop plans) call ``tester`` and ``waker``, not ``test`` and ``wake_time``:
    # a field or method read on a pydantic model goes through its ``__getattr__`` hook, which CPython cannot
    # specialise (~400 machine instructions more than a plain object's read; ~100,000 reads a life on Synthea's
    # library). The commonest kinds return a closure with their fields bound once; the others their bound method.

    @cached_property
    def tester(self) -> Tester:
        """``test`` as a plain function of ``(sim, run, t)``, built once."""
        return self.test

    @cached_property
    def waker(self) -> Waker:
        """``wake_time`` as a plain function of ``(sim, t)``, built once."""
        return self.wake_time if type(self).wake_time is not Condition.wake_time else _never

    def reads(self) -> frozenset[str]:
        """Keys of the patient data this condition reads (cached: definitions are frozen)."""
        return self._read_keys

    @cached_property
    def _read_keys(self) -> frozenset[str]:
        return frozenset(self._keys_read())

    def _keys_read(self) -> set[str]:
        return set()
