"""``compare``'s fast paths (two numbers, two bools, two texts) give what Synthea's general rule gives."""

from __future__ import annotations

import itertools
import math
from typing import Any

from ehrsim.gmf.conditions.base import compare

OPS = ["<", "<=", "==", ">=", ">", "!=", "is nil", "is not nil"]
VALUES: list[Any] = [None, True, False, 0, 1, 2, -1, 0.0, 1.0, 1.5, -0.0, math.inf, 2**53 + 1]
VALUES += ["1", "1.0", " 2 ", "abc", "", "nan", "True", "inf", {"code": "1"}, {"codes": [{"code": "1"}]}]


def general(left: Any, op: str, right: Any) -> Any:
    """The rule without shortcuts: nil checks, bool equality, codes, numbers when both parse, else text."""
    if op == "is nil":
        return left is None
    if op == "is not nil":
        return left is not None
    if left is None:
        return False
    if isinstance(left, bool) or isinstance(right, bool):
        if op == "==":
            return bool(left) == bool(right) if isinstance(right, bool) else left == right
        if op == "!=":
            return bool(left) != bool(right) if isinstance(right, bool) else left != right
    if isinstance(left, dict):
        left = left.get("code") or (left.get("codes") or [{}])[0].get("code")
        right = right.get("code") if isinstance(right, dict) else right
    try:
        a, b = float(left), float(right)
    except (TypeError, ValueError):
        a, b = str(left), str(right)  # type: ignore[assignment]
    return {"==": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


def test_fast_paths_agree_with_the_general_rule() -> None:
    for left, right, op in itertools.product(VALUES, VALUES, OPS):
        try:
            expected = general(left, op, right)
        except TypeError:
            continue  # e.g. a dict against a number: not a comparison modules make
        assert compare(left, op, right) == expected, (left, op, right)


def test_text_that_reads_as_a_number_compares_as_a_number() -> None:
    assert compare("10", ">", "9")  # as text "10" < "9"
    assert compare("1.0", "==", "1")
    assert not compare("abc", "==", "ABC")
    assert compare("b", ">", "a")


def test_attribute_condition_agrees_with_compare() -> None:
    """``Attribute.test``'s own shortcuts (a missing attribute, a text against a fixed non-numeric text)."""
    from types import SimpleNamespace

    from ehrsim.gmf.conditions.patient import Attribute

    for left, right, op in itertools.product(VALUES, VALUES, OPS):
        if isinstance(right, dict):
            continue  # a module's value is a scalar
        try:
            expected = compare(left, op, right)
        except TypeError:
            continue
        condition = Attribute(condition_type="Attribute", attribute="x", operator=op, value=right)
        sim = SimpleNamespace(attributes={} if left is None else {"x": left})
        assert condition.test(sim, None, 0.0) == expected, (left, op, right)  # type: ignore[arg-type]


def test_int_operator_agrees_with_compare() -> None:
    from ehrsim.gmf.conditions.base import int_operator

    ints = [-(2**52), -13, -1, 0, 1, 2, 11, 12, 13, 2**52]
    for left, right, op in itertools.product(ints, ints, OPS):
        order = int_operator(op, right)
        if order is not None:
            assert order(left, right) == compare(left, op, right), (left, op, right)
    assert int_operator("<", 1.0) is None and int_operator("<", True) is None and int_operator("<", 2**53) is None
    assert int_operator("is nil", 1) is None


def test_month_condition_agrees_with_compare() -> None:
    """``Date`` with a month: its tester (an int comparison) gives ``compare`` of the month at ``t``."""
    import datetime as dt
    from types import SimpleNamespace

    from ehrsim.gmf.conditions.patient import Date

    for op, month, now in itertools.product(OPS[:6], (1, 6, 12), (1, 5, 6, 7, 12)):
        condition = Date(condition_type="Date", operator=op, month=month)
        sim = SimpleNamespace(month_at=lambda t, now=now: (now, 0.0))
        at = dt.datetime(2020, now, 15, tzinfo=dt.UTC).timestamp()
        assert condition.test(sim, None, at) == compare(now, op, month), (op, month, now)  # type: ignore[arg-type]
