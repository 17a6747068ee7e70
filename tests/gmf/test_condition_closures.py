"""The conditions' closures (``tester``/``waker``, built once so the hot paths read no pydantic fields) answer as
``compare`` of the definition's fields does, for every operator, including the Date year's shortcut at the
edges of the year."""

from __future__ import annotations

import datetime as dt
import itertools
from types import SimpleNamespace
from typing import Any

from ehrsim.gmf.conditions import parse_condition
from ehrsim.gmf.conditions.base import compare
from ehrsim.gmf.values import SECONDS
from ehrsim.record.times import to_datetime

OPS = ["<", "<=", "==", ">=", ">", "!=", "is nil", "is not nil"]


def _sim(**attributes: Any) -> Any:
    return SimpleNamespace(attributes=attributes, birth_time=0.0, patient={"gender": "F"})


def test_date_year_agrees_with_the_calendar_year_around_new_year() -> None:
    for year, op in itertools.product((1969, 1970, 2000, 2024), OPS):
        condition = parse_condition({"condition_type": "Date", "operator": op, "year": year})
        tester = condition.tester
        for edge in (year, year + 1):
            boundary = dt.datetime(edge, 1, 1, tzinfo=dt.UTC).timestamp()
            for offset in (0.0, 1e-7, 0.4, 0.9999999, 1.0, 1.0000001, 1.5, 2.0, 3600.0, 86400.0 * 200):
                for t in (boundary - offset, boundary + offset):
                    expected = compare(to_datetime(t).year, op, year)
                    assert tester(_sim(), None, t) == expected, (year, op, t)
                    assert condition.test(_sim(), None, t) == expected


def test_attribute_tester_agrees_with_compare() -> None:
    lefts: list[Any] = [None, True, False, 0, 1, 2.5, "1", "abc", "", {"code": "1"}]
    rights: list[Any] = [None, True, 1, 2.5, "1", "abc", "1.0"]
    for left, right, op in itertools.product(lefts, rights, OPS):
        condition = parse_condition({"condition_type": "Attribute", "attribute": "x", "operator": op, "value": right})
        attributes = {} if left is None else {"x": left}
        try:
            expected = compare(left, op, right)
        except TypeError:
            continue  # e.g. a dict against a number: not a comparison modules make
        assert condition.tester(_sim(**attributes), None, 0.0) == expected, (left, op, right)


def test_age_tester_and_waker_agree_with_the_definition() -> None:
    for op, unit, quantity in itertools.product(OPS[:6], ("years", "months", "weeks", "days"), (0, 1, 18.5)):
        condition = parse_condition({"condition_type": "Age", "operator": op, "quantity": quantity, "unit": unit})
        span = quantity * SECONDS[unit]
        for t in (0.0, span - 1.0, span, span + 0.5, span + 1.0, span * 2 + 10.0):
            assert condition.tester(_sim(), None, t) == compare(t / SECONDS[unit], op, quantity), (op, unit, t)
            threshold = span + (1.0 if op in (">", "<=") else 0.0)
            assert condition.waker(_sim(), t) == (threshold if threshold > t else float("inf"))


def test_groups_combine_their_members_testers() -> None:
    older = {"condition_type": "Age", "operator": ">=", "quantity": 18, "unit": "years"}
    smoker = {"condition_type": "Attribute", "attribute": "smoker", "operator": "==", "value": True}
    adult_smoker = parse_condition({"condition_type": "And", "conditions": [older, smoker]})
    either = parse_condition({"condition_type": "Or", "conditions": [older, smoker]})
    neither = parse_condition({"condition_type": "Not", "condition": either})
    child, adult = 5 * SECONDS["years"], 30 * SECONDS["years"]
    for t, attributes in itertools.product((child, adult), ({}, {"smoker": True})):
        sim = _sim(**attributes)
        is_adult, smokes = t >= 18 * SECONDS["years"], bool(attributes)
        assert adult_smoker.tester(sim, None, t) == (is_adult and smokes)
        assert either.tester(sim, None, t) == (is_adult or smokes)
        assert neither.tester(sim, None, t) == (not (is_adult or smokes))
    assert adult_smoker.waker(_sim(), child) == 18 * SECONDS["years"]
