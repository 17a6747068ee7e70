"""Control-flow states: Initial, Terminal, Simple, Guard, Delay, SetAttribute, Counter, CallSubmodule, Physiology."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import model_validator

from ehrsim.gmf.conditions import NEVER, AnyCondition
from ehrsim.gmf.states.base import Processor, State, ValueSource, duration_seconds
from ehrsim.gmf.values import Amount, Code, Distribution, Number, TimeExact, TimeRange, TimeUnit, to_seconds

if TYPE_CHECKING:
    from ehrsim.gmf.patient import PatientAccess
    from ehrsim.gmf.run import ModuleRun


class Initial(State):
    type: Literal["Initial"]


class Terminal(State):
    """Ends the module, or returns from a submodule to its caller's transition."""

    type: Literal["Terminal"]
    terminal: ClassVar[bool] = True

    def process(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool | None:
        return sim.terminate(run, t)


class Simple(State):
    type: Literal["Simple"]


class Guard(State):
    """Blocks until ``allow`` holds: sleeps until time or a change to what it reads can make it pass."""

    type: Literal["Guard"]
    allow: AnyCondition
    waits: ClassVar[bool] = True

    def process(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        return self.processor(sim, run, t)  # type: ignore[return-value]

    @cached_property
    def processor(self) -> Processor:
        """``process`` as a closure over the condition's tester, waker and keys (see ``State.processor``)."""
        tester, waker, reads = self.allow.tester, self.allow.waker, self.allow.reads()

        def process(sim: PatientAccess, run: ModuleRun, t: float) -> bool:
            if tester(sim, run, t):
                return True
            wake = waker(sim, t)
            if wake != NEVER:
                sim.schedule(run, wake)
            else:
                sim.park(run)
            sim.watch(run, reads)
            return False

        return process


class Delay(State):
    """Waits an exact span; the wake-up is one queue entry, nothing is polled."""

    type: Literal["Delay"]
    exact: TimeExact | None = None
    range: TimeRange | None = None
    distribution: Distribution | None = None
    unit: TimeUnit | None = None
    waits: ClassVar[bool] = True

    @model_validator(mode="after")
    def _one_form(self) -> Delay:
        if sum(x is not None for x in (self.exact, self.range, self.distribution)) != 1:
            raise ValueError("Delay needs exactly one of exact, range, distribution")
        if self.distribution is not None and self.unit is None:
            raise ValueError("Delay with a distribution needs a unit")
        if self.exact is not None and (self.exact.unit or self.unit) is None:
            raise ValueError("Delay exact needs a unit")
        if self.range is not None and (self.range.unit or self.unit) is None:
            raise ValueError("Delay range needs a unit")
        return self

    @cached_property
    def _exact_seconds(self) -> float | None:
        """An exact delay's span, converted once (``duration_seconds``' exact form; most Delays are exact)."""
        return None if self.exact is None else to_seconds(float(self.exact.quantity), self.exact.unit or self.unit)

    def process(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        return self.processor(sim, run, t)  # type: ignore[return-value]

    @cached_property
    def processor(self) -> Processor:
        """``process`` as a closure with the fields bound once (see ``State.processor``)."""
        exact_span, exact, ranged, distribution, unit = (
            self._exact_seconds,
            self.exact,
            self.range,
            self.distribution,
            self.unit,
        )

        def process(sim: PatientAccess, run: ModuleRun, t: float) -> bool:
            if run.wake is None:
                span = exact_span
                if span is None:
                    span = duration_seconds(sim.rng, exact, ranged, distribution, unit)
                end = t + max(0.0, span)
                if end <= t:
                    return True
                run.wake = end
                sim.schedule(run, end)
                return False
            if t >= run.wake:
                run.wake = None
                return True
            sim.schedule(run, run.wake)
            return False

        return process


class SetAttribute(ValueSource, State):
    type: Literal["SetAttribute"]
    attribute: str
    value: Any = None
    value_code: Code | None = None
    value_attribute: str | None = None
    series_data: str | None = None
    period: Amount | None = None

    @model_validator(mode="after")
    def _series_numbers(self) -> SetAttribute:
        if self.series_data is not None:
            try:
                values = [float(x) for x in self.series_data.split()]
            except ValueError:
                raise ValueError("series_data must be numbers separated by spaces") from None
            if not all(abs(v) <= 1e15 for v in values):
                raise ValueError("series_data holds a number that is too large or not finite")
        return self

    def process(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        if self.value is not None:
            value = self.value
        elif self.value_code is not None:
            value = self.value_code.as_dict()
        elif self.value_attribute is not None:
            value = sim.attributes.get(self.value_attribute)
        elif self.series_data is not None:
            value = [float(x) for x in self.series_data.split()]
        elif self.has_value():
            value = self.draw(sim, t)
        else:
            value = None
        if isinstance(value, float) and value.is_integer() and self.distribution is None and self.range is None:
            value = int(value)
        sim.set_attribute(self.attribute, value)
        return True

    @cached_property
    def processor(self) -> Processor:
        """``process`` for the common forms (a fixed value, a code, another attribute's value) as a closure over
        the fields; the others keep the method."""
        name, whole = self.attribute, self.distribution is None and self.range is None
        if self.value is not None:
            value = self.value
            if isinstance(value, float) and value.is_integer() and whole:
                value = int(value)

            def set_value(sim: PatientAccess, run: ModuleRun, t: float) -> bool:
                sim.set_attribute(name, value)
                return True

            return set_value
        if self.value_code is not None:
            code = self.value_code.shared  # ``as_dict`` is a copy of it

            def set_code(sim: PatientAccess, run: ModuleRun, t: float) -> bool:
                sim.set_attribute(name, dict(code))
                return True

            return set_code
        if self.value_attribute is not None:
            source = self.value_attribute

            def copy_attribute(sim: PatientAccess, run: ModuleRun, t: float) -> bool:
                value = sim.attributes.get(source)
                if isinstance(value, float) and value.is_integer() and whole:
                    value = int(value)
                sim.set_attribute(name, value)
                return True

            return copy_attribute
        return self.process


class Counter(State):
    type: Literal["Counter"]
    attribute: str
    action: Literal["increment", "decrement"]
    amount: Number = 1

    def process(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        return self.processor(sim, run, t)  # type: ignore[return-value]

    @cached_property
    def processor(self) -> Processor:
        """``process`` as a closure with the fields bound once (see ``State.processor``)."""
        name, step = self.attribute, self.amount if self.action == "increment" else -self.amount

        def process(sim: PatientAccess, run: ModuleRun, t: float) -> bool:
            current = sim.attributes.get(name) or 0
            try:
                current = float(current)
            except (TypeError, ValueError):
                current = 0.0
            sim.set_attribute(name, current + step)
            return True

        return process


class CallSubmodule(State):
    type: Literal["CallSubmodule"]
    submodule: str

    def process(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool | None:
        # the engine moves the run into the submodule; its Terminal brings it back to our transition
        sim.call_submodule(run, self, t)
        return None


class Physiology(State):
    """ODE physiology is off by default (as in Synthea): the engine follows ``alt_direct_transition``."""

    type: Literal["Physiology"]
    model: str
    solver: str | None = None
    step_size: float | None = None
    sim_duration: float | None = None
    lead_time: float | None = None
    inputs: tuple[dict[str, Any], ...] = ()
    outputs: tuple[dict[str, Any], ...] = ()
    alt_direct_transition: str

    def targets(self) -> list[str]:
        return [*super().targets(), self.alt_direct_transition]

    def process(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        run.redirect = self.alt_direct_transition
        return True


CONTROL_STATES: dict[str, type[State]] = {
    "Initial": Initial,
    "Terminal": Terminal,
    "Simple": Simple,
    "Guard": Guard,
    "Delay": Delay,
    "SetAttribute": SetAttribute,
    "Counter": Counter,
    "CallSubmodule": CallSubmodule,
    "Physiology": Physiology,
}
