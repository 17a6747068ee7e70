"""Logic over conditions (And, Or, At Least, At Most, Not, True, False) and the ``condition_type`` registry."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BeforeValidator

from ehrsim.gmf.conditions.base import NEVER, Condition, Tester, Waker
from ehrsim.gmf.conditions.patient import Age, Attribute, Date, Gender, Race, SocioeconomicStatus, Symptom, VitalSign
from ehrsim.gmf.conditions.record import (
    ActiveAllergy,
    ActiveCarePlan,
    ActiveCondition,
    ActiveMedication,
    Observation,
    PriorState,
)
from ehrsim.gmf.values import Count

if TYPE_CHECKING:
    from ehrsim.gmf.patient import PatientAccess
    from ehrsim.gmf.run import ModuleRun


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


class _Group(Condition):
    conditions: tuple[AnyCondition, ...]

    def wake_time(self, sim: PatientAccess, t: float) -> float:
        return self.waker(sim, t)

    @cached_property
    def waker(self) -> Waker:
        wakers = tuple(c.waker for c in self.conditions)

        def wake_time(sim: PatientAccess, t: float) -> float:
            soonest = NEVER  # a loop, not min(generator): hot in loop plans and Guards
            for waker in wakers:
                wake = waker(sim, t)
                if wake < soonest:
                    soonest = wake
            return soonest

        return wake_time

    @cached_property
    def _testers(self) -> tuple[Tester, ...]:
        return tuple(c.tester for c in self.conditions)

    def _keys_read(self) -> set[str]:
        return set().union(*(c.reads() for c in self.conditions))


class And(_Group):
    def test(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        return self.tester(sim, run, t)

    @cached_property
    def tester(self) -> Tester:
        testers = self._testers

        def test(sim: PatientAccess, run: ModuleRun, t: float) -> bool:
            for tester in testers:  # noqa: SIM110 (a loop, not all(generator): hot path, same short-circuit)
                if not tester(sim, run, t):
                    return False
            return True

        return test


class Or(_Group):
    def test(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        return self.tester(sim, run, t)

    @cached_property
    def tester(self) -> Tester:
        testers = self._testers

        def test(sim: PatientAccess, run: ModuleRun, t: float) -> bool:
            for tester in testers:  # noqa: SIM110 (see And)
                if tester(sim, run, t):
                    return True
            return False

        return test


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

    @cached_property
    def tester(self) -> Tester:
        inner = self.condition.tester

        def test(sim: PatientAccess, run: ModuleRun, t: float) -> bool:
            return not inner(sim, run, t)

        return test

    @cached_property
    def waker(self) -> Waker:
        return self.condition.waker

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
