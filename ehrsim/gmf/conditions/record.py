"""Conditions on the record and the module's history: observations, active entries, prior states."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import model_validator

from ehrsim.gmf.conditions.base import NEVER, Condition, Operator, Tester, compare
from ehrsim.gmf.values import Amount, Code, Frozen, TimeUnit, to_seconds

if TYPE_CHECKING:
    from ehrsim.gmf.patient import PatientAccess
    from ehrsim.gmf.run import ModuleRun


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
        return _referenced_keys(sim, self.referenced_by_attribute or "")


def _referenced_keys(sim: PatientAccess, attribute: str) -> list[str]:
    """The codes of the entry (or code) an attribute holds."""
    entry = sim.attributes.get(attribute)
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
        return self.tester(sim, run, t)

    @cached_property
    def tester(self) -> Tester:
        kind, codes, attribute = self.kind, self._code_keys if self.codes else None, self.referenced_by_attribute or ""

        def test(sim: PatientAccess, run: ModuleRun, t: float) -> bool:
            active = sim.active[kind]
            for key in codes if codes is not None else _referenced_keys(sim, attribute):
                entry = active.get(key)
                if entry is not None and (entry["stop"] is None or entry["stop"] > t):
                    return True
            return False

        return test


class ActiveCondition(_Active):
    kind: ClassVar[str] = "conditions"


class ActiveAllergy(_Active):
    kind: ClassVar[str] = "allergies"


class ActiveMedication(_Active):
    kind: ClassVar[str] = "medications"


class ActiveCarePlan(_Active):
    kind: ClassVar[str] = "careplans"


class Within(Frozen):
    quantity: Amount
    unit: TimeUnit


class PriorState(Condition):
    name: str
    since: str | None = None
    within: Within | None = None

    def test(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        return self.tester(sim, run, t)

    def wake_time(self, sim: PatientAccess, t: float) -> float:
        return t + 7 * 86400.0 if self.within is not None else NEVER  # the run's history is not at hand

    @cached_property
    def tester(self) -> Tester:
        name, since = self.name, self.since
        window = to_seconds(self.within.quantity, self.within.unit) if self.within is not None else None

        def test(sim: PatientAccess, run: ModuleRun, t: float) -> bool:
            last = run.history.get(name)
            if last is None:
                return False
            if since is not None:
                began = run.history.get(since)
                if began is not None and last < began:
                    return False
            if window is not None:
                return t - last <= window
            return True

        return test
