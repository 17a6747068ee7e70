"""GMF transitions: one class per JSON key, each picking the next state name.

Parsed from the state's transition key by ``parse_transition``; exactly one key per state.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any

from pydantic import ValidationInfo, model_validator

from ehrsim.gmf.conditions import AnyCondition
from ehrsim.gmf.conditions.base import Tester
from ehrsim.gmf.values import Fraction, Frozen, tolerate

if TYPE_CHECKING:
    from ehrsim.gmf.patient import PatientAccess
    from ehrsim.gmf.run import ModuleRun

Chooser = Callable[["PatientAccess", "ModuleRun", float], str]

TRANSITION_KEYS = (
    "direct_transition",
    "distributed_transition",
    "conditional_transition",
    "complex_transition",
    "lookup_table_transition",
    "type_of_care_transition",
)


class NamedProbability(Frozen):
    """A probability read from a person attribute, with a default."""

    attribute: str
    default: Fraction


class Weighted(Frozen):
    transition: str
    distribution: Fraction | NamedProbability

    def weight(self, sim: PatientAccess) -> float:
        d = self.distribution
        if isinstance(d, NamedProbability):
            value = sim.attributes.get(d.attribute, d.default)
            try:
                return float(value)
            except (TypeError, ValueError):
                return d.default
        return d


def pick_weighted(options: tuple[Weighted, ...], sim: PatientAccess) -> str:
    """One uniform draw against cumulative weights; leftover probability goes to the last option."""
    steer = getattr(sim, "steer", None)  # a steered cohort (ehrsim.cohort.steer) may tilt this choice
    if steer is not None:
        steered = steer.pick(options, sim)
        if steered is not None:
            return steered
    draw = sim.rng.random()
    total = 0.0
    for option in options:
        total += option.weight(sim)
        if draw < total:
            return option.transition
    return options[-1].transition


def weighted_picker(options: tuple[Weighted, ...]) -> Callable[..., str]:
    """``pick_weighted(options, sim)`` as a function of ``sim`` (further arguments, a chooser's run and time, are
    ignored). When no weight is read from an attribute, the weights are read once and the draw runs inline, no call
    per option; a steered cohort (``sim.steer``) still goes through ``pick_weighted``."""
    if any(isinstance(o.distribution, NamedProbability) for o in options):
        return lambda sim, *_: pick_weighted(options, sim)
    fixed: tuple[tuple[str, float], ...] = tuple((o.transition, o.distribution) for o in options)  # type: ignore[misc]

    def pick(sim: PatientAccess, *_: Any) -> str:
        if getattr(sim, "steer", None) is not None:
            return pick_weighted(options, sim)
        draw = sim.rng.random()
        total = 0.0
        for target, weight in fixed:
            total += weight
            if draw < total:
                return target
        return fixed[-1][0]

    return pick


class Transition(Frozen):
    """Base class: ``targets()`` lists every state it may lead to (for checks and graphs)."""

    def next_state(self, sim: PatientAccess, run: ModuleRun, t: float) -> str:
        raise NotImplementedError

    @cached_property
    def chooser(self) -> Chooser:
        """``next_state`` as a plain function of ``(sim, run, t)``, what the engine calls (``gmf.module.Node``);
        a closure where it saves reading the model's fields per call (see ``Condition.tester``)."""
        return self.next_state

    def targets(self) -> list[str]:
        raise NotImplementedError


class Direct(Transition):
    to: str

    def next_state(self, sim: PatientAccess, run: ModuleRun, t: float) -> str:
        return self.to

    def targets(self) -> list[str]:
        return [self.to]


class Distributed(Transition):
    options: tuple[Weighted, ...]

    @model_validator(mode="after")
    def _non_empty(self) -> Distributed:
        if not self.options:
            raise ValueError("distributed_transition is empty")
        return self

    def fixed_sum(self) -> float | None:
        """Sum of the weights when none is read from an attribute."""
        if any(isinstance(o.distribution, NamedProbability) for o in self.options):
            return None
        return float(sum(float(o.distribution) for o in self.options))  # type: ignore[arg-type,misc]

    def next_state(self, sim: PatientAccess, run: ModuleRun, t: float) -> str:
        return self.chooser(sim, run, t)

    @cached_property
    def chooser(self) -> Chooser:
        return weighted_picker(self.options)

    def targets(self) -> list[str]:
        return [o.transition for o in self.options]


class ConditionalOption(Frozen):
    condition: AnyCondition | None = None
    transition: str


class Conditional(Transition):
    options: tuple[ConditionalOption, ...]

    @model_validator(mode="after")
    def _non_empty(self) -> Conditional:
        if not self.options:
            raise ValueError("conditional_transition is empty")
        return self

    @cached_property
    def pairs(self) -> tuple[tuple[Tester | None, str], ...]:
        """(condition's tester, transition) per option, built once (hot path: no model attribute reads per check)."""
        return tuple((o.condition.tester if o.condition is not None else None, o.transition) for o in self.options)

    def next_state(self, sim: PatientAccess, run: ModuleRun, t: float) -> str:
        return self.chooser(sim, run, t)

    @cached_property
    def chooser(self) -> Chooser:
        """The first option whose condition holds, else the last: a closure over ``pairs``."""
        pairs, last = self.pairs, self.options[-1].transition

        def next_state(sim: PatientAccess, run: ModuleRun, t: float) -> str:
            for tester, transition in pairs:
                if tester is None or tester(sim, run, t):
                    return transition
            return last

        return next_state

    def targets(self) -> list[str]:
        return [o.transition for o in self.options]


class ComplexOption(Frozen):
    condition: AnyCondition | None = None
    transition: str | None = None
    distributions: tuple[Weighted, ...] | None = None

    @model_validator(mode="after")
    def _one(self, info: ValidationInfo) -> ComplexOption:
        if self.transition is None and not self.distributions:
            raise ValueError("a complex_transition option needs transition or distributions")
        if self.transition is not None and self.distributions is not None:
            tolerate(info, "a complex_transition option has both transition and distributions; transition is used")
        return self

    def pick(self, sim: PatientAccess) -> str:
        return self.picker(sim)

    @cached_property
    def picker(self) -> Callable[[PatientAccess], str]:
        """``pick`` as a plain function of ``sim``, built once (see ``Transition.chooser``)."""
        transition, distributions = self.transition, self.distributions
        if transition is not None:  # Synthea checks transition first
            return lambda sim: transition
        assert distributions is not None
        return weighted_picker(distributions)


class Complex(Transition):
    options: tuple[ComplexOption, ...]

    @model_validator(mode="after")
    def _non_empty(self) -> Complex:
        if not self.options:
            raise ValueError("complex_transition is empty")
        return self

    @cached_property
    def pairs(self) -> tuple[tuple[Tester | None, Callable[[PatientAccess], str]], ...]:
        """(condition's tester, option's picker) per option, built once (hot path)."""
        return tuple((o.condition.tester if o.condition is not None else None, o.picker) for o in self.options)

    def next_state(self, sim: PatientAccess, run: ModuleRun, t: float) -> str:
        return self.chooser(sim, run, t)

    @cached_property
    def chooser(self) -> Chooser:
        """The first option whose condition holds (else the last) picks: a closure over ``pairs``."""
        pairs, last = self.pairs, self.options[-1].picker

        def next_state(sim: PatientAccess, run: ModuleRun, t: float) -> str:
            for tester, pick in pairs:
                if tester is None or tester(sim, run, t):
                    return pick(sim)
            return last(sim)

        return next_state

    def targets(self) -> list[str]:
        out: list[str] = []
        for o in self.options:
            out.extend([o.transition] if o.transition else [d.transition for d in o.distributions or ()])
        return out


class LookupOption(Frozen):
    transition: str
    default_probability: Fraction
    lookup_table_name: str


class LookupTable(Transition):
    options: tuple[LookupOption, ...]

    @model_validator(mode="after")
    def _one_table(self) -> LookupTable:
        if not self.options:
            raise ValueError("lookup_table_transition is empty")
        if len({o.lookup_table_name for o in self.options}) > 1:
            raise ValueError("lookup_table_transition options name different tables")
        return self

    @property
    def table_name(self) -> str:
        return self.options[0].lookup_table_name

    def next_state(self, sim: PatientAccess, run: ModuleRun, t: float) -> str:
        table = sim.library.lookup_tables[self.table_name]
        probabilities = table.probabilities(sim, t)
        steer = getattr(sim, "steer", None)  # a steered cohort (ehrsim.cohort.steer) may tilt this choice
        if steer is not None:
            steered = steer.pick_probabilities(self.options, self._effective(probabilities), sim)
            if steered is not None:
                return steered
        draw = sim.rng.random()
        total = 0.0
        for option in self.options:
            total += (
                probabilities.get(option.transition, option.default_probability)
                if probabilities
                else option.default_probability
            )
            if draw < total:
                return option.transition
        return self.options[-1].transition

    def _effective(self, probabilities: dict[str, Any] | None) -> list[float]:
        """Each option's chance under one uniform draw against the cumulative probabilities (leftover to the last)."""
        out, total = [], 0.0
        for option in self.options:
            p = probabilities.get(option.transition, option.default_probability) if probabilities else None
            lo, total = total, total + max(0.0, float(option.default_probability if p is None else p))
            out.append(max(0.0, min(total, 1.0) - min(lo, 1.0)))
        if total < 1.0:
            out[-1] += 1.0 - total
        return out

    def targets(self) -> list[str]:
        return [o.transition for o in self.options]


class TypeOfCare(Transition):
    ambulatory: str
    emergency: str
    telemedicine: str

    def next_state(self, sim: PatientAccess, run: ModuleRun, t: float) -> str:
        return sim.type_of_care(self, t)

    def targets(self) -> list[str]:
        return [self.ambulatory, self.emergency, self.telemedicine]


def parse_transition(key: str, value: Any, context: dict[str, Any] | None = None) -> Transition:
    """Build the transition object for one JSON transition key (``context`` carries lenient mode)."""
    if key == "direct_transition":
        if not isinstance(value, str):
            raise ValueError("direct_transition must be a state name")
        return Direct(to=value)
    if key == "distributed_transition":
        return Distributed.model_validate({"options": value}, context=context)
    if key == "conditional_transition":
        return Conditional.model_validate({"options": value}, context=context)
    if key == "complex_transition":
        return Complex.model_validate({"options": value}, context=context)
    if key == "lookup_table_transition":
        return LookupTable.model_validate({"options": value}, context=context)
    if key == "type_of_care_transition":
        return TypeOfCare.model_validate(value, context=context)
    raise ValueError(f"unknown transition key {key}")
