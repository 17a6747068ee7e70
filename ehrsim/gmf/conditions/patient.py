"""Conditions on the patient: sex, age, date, socioeconomic status, race, symptoms, attributes, vital signs."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, model_validator

from ehrsim.gmf.conditions.base import (
    NEVER,
    Condition,
    Operator,
    Tester,
    Waker,
    compare,
    int_operator,
    numeric_operator,
    text_operator,
)
from ehrsim.gmf.values import SECONDS, Frozen, Number, to_seconds
from ehrsim.record.times import to_datetime

if TYPE_CHECKING:
    from ehrsim.gmf.patient import PatientAccess
    from ehrsim.gmf.run import ModuleRun


class Gender(Condition):
    gender: Literal["M", "F"]

    def test(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        return self.tester(sim, run, t)

    @cached_property
    def tester(self) -> Tester:
        gender = self.gender

        def test(sim: PatientAccess, run: ModuleRun, t: float) -> bool:
            return sim.patient["gender"] == gender

        return test


class Age(Condition):
    operator: Operator
    quantity: Number
    unit: Literal["years", "months", "weeks", "days"]

    def test(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        return self.tester(sim, run, t)

    def wake_time(self, sim: PatientAccess, t: float) -> float:
        return self.waker(sim, t)

    @cached_property
    def tester(self) -> Tester:
        seconds, op, quantity = SECONDS[self.unit], self.operator, self.quantity
        order = numeric_operator(op, quantity)

        def test(sim: PatientAccess, run: ModuleRun, t: float) -> bool:
            age = (t - sim.birth_time) / seconds  # a float: ``compare`` of two numbers is ``order``
            return order(age, quantity) if order is not None else compare(age, op, quantity)

        return test

    @cached_property
    def waker(self) -> Waker:
        span, strict = to_seconds(self.quantity, self.unit), self.operator in (">", "<=")

        def wake_time(sim: PatientAccess, t: float) -> float:
            threshold = sim.birth_time + span
            if strict:
                threshold += 1.0  # strictly past the birthday
            return threshold if threshold > t else NEVER

        return wake_time


class DateParts(Frozen):
    """A ``date`` in a Date condition; checked to be a real calendar moment at load."""

    year: Annotated[int, Field(ge=1, le=9998)]
    month: Annotated[int, Field(ge=1, le=12)] = 1
    day: Annotated[int, Field(ge=1, le=31)] = 1
    hour: Annotated[int, Field(ge=0, le=23)] = 0
    minute: Annotated[int, Field(ge=0, le=59)] = 0
    second: Annotated[int, Field(ge=0, le=59)] = 0
    millisecond: Annotated[int, Field(ge=0, le=999)] = 0

    @model_validator(mode="after")
    def _real_day(self) -> DateParts:
        import datetime as dt

        try:
            dt.date(self.year, self.month, self.day)
        except ValueError as exc:
            raise ValueError(f"date is not a calendar day: {exc}") from None
        return self

    def get(self, key: str, default: int) -> int:
        return int(getattr(self, key, default))


class Date(Condition):
    operator: Operator
    year: Annotated[int, Field(ge=1, le=9998)] | None = None
    month: Annotated[int, Field(ge=1, le=12)] | None = None
    date: DateParts | None = None

    @model_validator(mode="after")
    def _one(self) -> Date:
        if sum(x is not None for x in (self.year, self.month, self.date)) != 1:
            raise ValueError("Date condition needs exactly one of year, month, date")
        return self

    def _threshold(self) -> float:
        import datetime as dt

        d: Any = self.date or {}
        year = self.year if self.year is not None else d.get("year", 1970)
        moment = dt.datetime(
            year,
            d.get("month", 1),
            d.get("day", 1),
            d.get("hour", 0),
            d.get("minute", 0),
            d.get("second", 0),
            tzinfo=dt.UTC,
        )
        return moment.timestamp() + d.get("millisecond", 0) / 1000

    def test(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        return self.tester(sim, run, t)

    def wake_time(self, sim: PatientAccess, t: float) -> float:
        return self.waker(sim, t)

    @cached_property
    def tester(self) -> Tester:
        op, month, year = self.operator, self.month, self.year
        if month is not None:
            order = int_operator(op, month)
            if order is not None:  # a month is an int: ``compare`` without its checks (hot in loop plans)
                return lambda sim, run, t: order(sim.month_at(t)[0], month)
            return lambda sim, run, t: compare(sim.month_at(t)[0], op, month)
        if year is not None:
            start, end = self._threshold_year(year), self._threshold_year(year + 1)

            def test(sim: PatientAccess, run: ModuleRun, t: float) -> bool:
                # the calendar year of ``t`` without building a datetime (~2 % of the time on Synthea's library):
                # more than a second inside or outside the year, any year on that side compares as the real one
                if start + 1.0 < t < end - 1.0:
                    now = year
                elif t < start - 1.0:
                    now = year - 1
                elif t > end + 1.0:
                    now = year + 1
                else:
                    now = to_datetime(t).year
                return compare(now, op, year)

            return test
        threshold = self._threshold()
        return lambda sim, run, t: compare(t, op, threshold)

    @cached_property
    def waker(self) -> Waker:
        if self.month is not None:  # the answer changes only when a month begins
            return lambda sim, t: sim.month_at(t)[1]
        threshold = self._threshold()
        if self.year is not None and self.operator in (">", "<="):
            threshold = self._threshold_year(self.year + 1)
        return lambda sim, t: threshold if threshold > t else NEVER

    @staticmethod
    def _threshold_year(year: int) -> float:
        import datetime as dt

        return dt.datetime(year, 1, 1, tzinfo=dt.UTC).timestamp()


class SocioeconomicStatus(Condition):
    category: Literal["Low", "Middle", "High"]

    def test(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        return sim.ses_category() == self.category

    def _keys_read(self) -> set[str]:
        return {"a:income_level", "a:education_level", "a:occupation_level"}


class Race(Condition):
    race: str

    def test(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        race = self.race.lower()
        if race == "hispanic":
            return sim.patient["ethnicity"] == "hispanic"
        return sim.patient["race"] == race


class Symptom(Condition):
    symptom: str
    operator: Operator
    value: Number

    def test(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        return compare(sim.symptom_level(self.symptom), self.operator, self.value)

    def _keys_read(self) -> set[str]:
        return {"symptom"}


class Attribute(Condition):
    attribute: str
    operator: Operator
    value: Any = None

    def test(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        return self.tester(sim, run, t)

    @cached_property
    def tester(self) -> Tester:
        name, op, value, text_test = self.attribute, self.operator, self.value, self._text_test
        missing = op == "is nil"  # ``compare``'s answer for a missing attribute, without the call (~4,000 tests a life)

        def test(sim: PatientAccess, run: ModuleRun, t: float) -> bool:
            left = sim.attributes.get(name)
            if left is None:
                return missing
            if text_test is not None and type(left) is str:
                return text_test(left, value)
            return compare(left, op, value)

        return test

    @cached_property
    def _text_test(self) -> Callable[[Any, Any], bool] | None:
        """The operator itself when the value is a text that is not a number: ``compare`` of a text with it is
        then that operator on the two texts (tests/gmf/test_compare_paths.py checks it)."""
        return text_operator(self.operator, self.value)

    def _keys_read(self) -> set[str]:
        return {f"a:{self.attribute}"}


class VitalSign(Condition):
    vital_sign: str
    operator: Operator
    value: Number

    def test(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        return compare(sim.vitals.get(self.vital_sign), self.operator, self.value)

    def wake_time(self, sim: PatientAccess, t: float) -> float:
        return t + 30 * 86400.0  # true values drift with age: re-check monthly

    def _keys_read(self) -> set[str]:
        return {f"v:{self.vital_sign}"}
