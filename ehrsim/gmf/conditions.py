"""GMF logic (``condition_type``): one small class per type, found through ``CONDITION_TYPES``.

Each condition answers ``test(sim, run, t)``. A blocked Guard does not poll: ``wake_time`` says
when the answer can next change through the passage of time alone (Age, Date, PriorState windows;
``NEVER`` when time cannot change it), and ``reads`` names the patient data whose change can
(``a:<attribute>``, ``c:<code>``, ``v:<vital sign>``, ``symptom``, ``record``); the engine wakes the
Guard exactly then.
"""

from __future__ import annotations

import math
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import BeforeValidator, Field, model_validator

from ehrsim.gmf.values import SECONDS, Amount, Code, Count, Frozen, Number, TimeUnit, to_seconds
from ehrsim.record.times import to_datetime

if TYPE_CHECKING:
    from ehrsim.gmf.patient import PatientAccess
    from ehrsim.gmf.run import ModuleRun

Operator = Literal["<", "<=", "==", ">=", ">", "!=", "is nil", "is not nil"]
NEVER = math.inf


def compare(left: Any, op: str, right: Any) -> bool:
    """Synthea's comparison: nil checks, numeric when both sides are numbers, else equality."""
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


def parse_condition(value: Any) -> Any:
    """Pick the class from ``condition_type`` (spaces ignored, as Synthea does)."""
    if isinstance(value, Condition):
        return value
    if not isinstance(value, dict) or "condition_type" not in value:
        raise ValueError("a condition must be an object with a condition_type")
    key = str(value["condition_type"]).replace(" ", "").lower()
    cls = _BY_KEY.get(key)
    if cls is None:
        valid = ", ".join(sorted(CONDITION_TYPES))
        raise ValueError(f"unknown condition_type {value['condition_type']!r} (valid: {valid})")
    return cls.model_validate(value)


AnyCondition = Annotated[Condition, BeforeValidator(parse_condition)]


class Gender(Condition):
    gender: Literal["M", "F"]

    def test(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        return sim.patient["gender"] == self.gender


class Age(Condition):
    operator: Operator
    quantity: Number
    unit: Literal["years", "months", "weeks", "days"]

    def test(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        age = (t - sim.birth_time) / SECONDS[self.unit]
        return compare(age, self.operator, self.quantity)

    def wake_time(self, sim: PatientAccess, t: float) -> float:
        threshold = sim.birth_time + to_seconds(self.quantity, self.unit)
        if self.operator in (">", "<="):
            threshold += 1.0  # strictly past the birthday
        return threshold if threshold > t else NEVER


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
        if self.month is not None:
            return compare(sim.month_at(t)[0], self.operator, self.month)
        if self.year is not None:
            return compare(to_datetime(t).year, self.operator, self.year)
        return compare(t, self.operator, self._threshold())

    def wake_time(self, sim: PatientAccess, t: float) -> float:
        if self.month is not None:  # the answer changes only when a month begins
            return sim.month_at(t)[1]
        threshold = self._threshold()
        if self.year is not None and self.operator in (">", "<="):
            threshold = self._threshold_year(self.year + 1)
        return threshold if threshold > t else NEVER

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


class _ByCodes(Condition):
    """Shared shape of checks that name an entry by codes or by an attribute."""

    codes: tuple[Code, ...] | None = None
    referenced_by_attribute: str | None = None

    @model_validator(mode="after")
    def _one_source(self) -> _ByCodes:
        if not self.codes and not self.referenced_by_attribute:
            raise ValueError(f"{self.condition_type} needs codes or referenced_by_attribute")
        return self

    #: the change key for "some entry of this kind changed" (active entries, or new observations)
    any_key: ClassVar[str] = "record"

    def _keys_read(self) -> set[str]:
        if self.codes:
            return {f"c:{c.code}" for c in self.codes}
        return {f"a:{self.referenced_by_attribute}", self.any_key}

    @cached_property
    def _code_keys(self) -> list[str]:
        return [c.code for c in self.codes or ()]

    def _keys(self, sim: PatientAccess) -> list[str]:
        if self.codes:
            return self._code_keys
        entry = sim.attributes.get(self.referenced_by_attribute or "")
        if isinstance(entry, dict):
            codes = entry.get("codes") or ([entry] if "code" in entry else [])
            return [c["code"] for c in codes]
        return []


class Observation(_ByCodes):
    any_key: ClassVar[str] = "obs"
    operator: Operator
    value: Any = None
    value_code: Code | None = None

    def test(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        obs = None
        for key in self._keys(sim):
            obs = sim.latest_observation(key)
            if obs is not None:
                break
        if self.operator in ("is nil", "is not nil"):
            return compare(obs, self.operator, None)
        if obs is None:
            return False
        value = obs["value"]
        if self.value_code is not None:
            return compare(value.get("code") if isinstance(value, dict) else value, self.operator, self.value_code.code)
        return compare(value, self.operator, self.value)


class _Active(_ByCodes):
    kind: ClassVar[str] = ""

    def test(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        active = sim.active[self.kind]
        for key in self._keys(sim):
            entry = active.get(key)
            if entry is not None and (entry["stop"] is None or entry["stop"] > t):
                return True
        return False


class ActiveCondition(_Active):
    kind: ClassVar[str] = "conditions"


class ActiveAllergy(_Active):
    kind: ClassVar[str] = "allergies"


class ActiveMedication(_Active):
    kind: ClassVar[str] = "medications"


class ActiveCarePlan(_Active):
    kind: ClassVar[str] = "careplans"


class Attribute(Condition):
    attribute: str
    operator: Operator
    value: Any = None

    def test(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        return compare(sim.attributes.get(self.attribute), self.operator, self.value)

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


class Within(Frozen):
    quantity: Amount
    unit: TimeUnit


class PriorState(Condition):
    name: str
    since: str | None = None
    within: Within | None = None

    def test(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        last = run.history.get(self.name)
        if last is None:
            return False
        if self.since is not None:
            since = run.history.get(self.since)
            if since is not None and last < since:
                return False
        if self.within is not None:
            return t - last <= to_seconds(self.within.quantity, self.within.unit)
        return True

    def wake_time(self, sim: PatientAccess, t: float) -> float:
        return t + 7 * 86400.0 if self.within is not None else NEVER  # the run's history is not at hand


class _Group(Condition):
    conditions: tuple[AnyCondition, ...]

    def wake_time(self, sim: PatientAccess, t: float) -> float:
        return min((c.wake_time(sim, t) for c in self.conditions), default=NEVER)

    def _keys_read(self) -> set[str]:
        return set().union(*(c.reads() for c in self.conditions))


class And(_Group):
    def test(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        return all(c.test(sim, run, t) for c in self.conditions)


class Or(_Group):
    def test(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        return any(c.test(sim, run, t) for c in self.conditions)


class AtLeast(_Group):
    minimum: Count

    def test(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        return sum(c.test(sim, run, t) for c in self.conditions) >= self.minimum


class AtMost(_Group):
    maximum: Count

    def test(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        return sum(c.test(sim, run, t) for c in self.conditions) <= self.maximum


class Not(Condition):
    condition: AnyCondition

    def test(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        return not self.condition.test(sim, run, t)

    def wake_time(self, sim: PatientAccess, t: float) -> float:
        return self.condition.wake_time(sim, t)

    def _keys_read(self) -> set[str]:
        return set(self.condition.reads())


class TrueCondition(Condition):
    def test(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        return True


class FalseCondition(Condition):
    def test(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        return False


CONDITION_TYPES: dict[str, type[Condition]] = {
    "Gender": Gender,
    "Age": Age,
    "Date": Date,
    "Socioeconomic Status": SocioeconomicStatus,
    "Race": Race,
    "Symptom": Symptom,
    "Observation": Observation,
    "Attribute": Attribute,
    "Vital Sign": VitalSign,
    "Active Condition": ActiveCondition,
    "Active Allergy": ActiveAllergy,
    "Active Medication": ActiveMedication,
    "Active CarePlan": ActiveCarePlan,
    "PriorState": PriorState,
    "And": And,
    "Or": Or,
    "Not": Not,
    "At Least": AtLeast,
    "At Most": AtMost,
    "True": TrueCondition,
    "False": FalseCondition,
}
_BY_KEY = {name.replace(" ", "").lower(): cls for name, cls in CONDITION_TYPES.items()}

for _cls in (_Group, And, Or, AtLeast, AtMost, Not):
    _cls.model_rebuild()
