"""The State base class and the value sources several states share."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from pydantic import PrivateAttr, ValidationInfo, model_validator

from ehrsim.gmf.transitions import TRANSITION_KEYS, Transition, parse_transition
from ehrsim.gmf.values import Distribution, Exact, Expression, Frozen, Range, to_seconds

if TYPE_CHECKING:
    from ehrsim.gmf.patient import PatientAccess
    from ehrsim.gmf.run import ModuleRun


#: a state's ``process`` as a function of (sim, run, t)
Processor = Callable[[Any, Any, float], "bool | None"]


class State(Frozen):
    """A GMF state definition, shared by all patients.

    ``process`` runs it for one patient at time ``t`` and returns True to follow the transition
    now, False when the state blocks (it has then arranged its own wake-up with the engine), or
    None when the engine already moved the run elsewhere (submodule call and return).
    """

    name: str
    type: str
    direct_transition: Any = None
    distributed_transition: Any = None
    conditional_transition: Any = None
    complex_transition: Any = None
    lookup_table_transition: Any = None
    type_of_care_transition: Any = None
    _transition: Transition | None = PrivateAttr(default=None)

    #: states that may be entered with no transition (only Terminal)
    terminal: ClassVar[bool] = False
    #: stops an instant loop in the graph check (Delay, Guard, Encounter...)
    waits: ClassVar[bool] = False

    @model_validator(mode="after")
    def _build_transition(self, info: ValidationInfo) -> State:
        present = [k for k in TRANSITION_KEYS if getattr(self, k) is not None]
        if self.terminal:
            if present:
                raise ValueError(f"{self.type} state must not have a transition")
            return self
        if not present:
            raise ValueError("state has no transition")
        if len(present) > 1:
            raise ValueError(f"state has {len(present)} transitions ({', '.join(present)}); exactly one is allowed")
        context = info.context if isinstance(info.context, dict) else None
        self._transition = parse_transition(present[0], getattr(self, present[0]), context)
        return self

    @property
    def transition(self) -> Transition | None:
        # the private dict directly: ``self._transition`` goes through pydantic's slow ``__getattr__``
        return self.__pydantic_private__["_transition"]  # type: ignore[index]

    def targets(self) -> list[str]:
        transition = self.transition
        return transition.targets() if transition else []

    def process(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool | None:
        return True

    @cached_property
    def processor(self) -> Processor | None:
        """``process`` as the engine calls it (``gmf.module.Node``): None for a state that only passes on (the
        base class's ``process``), else the bound method, or a closure with the fields bound once where that
        saves pydantic reads on every call (see ``Condition.tester``)."""
        return None if type(self).process is State.process else self.process


class ValueSource(Frozen):
    """Mixin of the GMF 1 and GMF 2 ways to give a number: exact, range, distribution, expression."""

    exact: Exact | None = None
    range: Range | None = None
    distribution: Distribution | None = None
    expression: str | None = None
    _expression: Expression | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _parse_expression(self) -> ValueSource:
        if self.expression is not None:
            self._expression = Expression(self.expression)
        return self

    def has_value(self) -> bool:
        return any(v is not None for v in (self.exact, self.range, self.distribution, self.expression))

    def draw(self, sim: PatientAccess, t: float) -> Any:
        if self.exact is not None:
            return self.exact.quantity
        if self.range is not None:
            return self.range.sample(sim.rng)
        if self.distribution is not None:
            return self.distribution.sample(sim.rng)
        expression = self.__pydantic_private__["_expression"]  # type: ignore[index]  # not pydantic's slow __getattr__
        if expression is not None:
            return expression.evaluate([sim.attribute_number(n, t) for n in expression.names])
        return None


def duration_seconds(
    rng: np.random.Generator,
    exact: Exact | None,
    rng_range: Range | None,
    distribution: Distribution | None,
    unit: str | None,
) -> float:
    """A time span from any GMF form (GMF 1 exact/range carry their unit; GMF 2 uses ``unit``)."""
    if exact is not None:
        return to_seconds(float(exact.quantity), exact.unit or unit)
    if rng_range is not None:
        return to_seconds(rng_range.sample(rng), rng_range.unit or unit)
    if distribution is not None:
        return to_seconds(distribution.sample(rng), unit)
    return 0.0
