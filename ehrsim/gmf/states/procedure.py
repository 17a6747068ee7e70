"""States for what is done to the patient: procedures, devices, supplies and vaccines (registered in ``clinical``)."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Literal

from pydantic import model_validator

from ehrsim.core.lab_eras import availability
from ehrsim.gmf.patient import RESERVED
from ehrsim.gmf.states.base import Processor, State, duration_seconds
from ehrsim.gmf.values import Code, Codes, Count, Distribution, Frozen, TimeRange, TimeUnit, codes_as_dicts

if TYPE_CHECKING:
    from ehrsim.gmf.patient import PatientAccess
    from ehrsim.gmf.run import ModuleRun


class Procedure(State):
    """Records a procedure; with a duration it blocks until done and stretches the encounter."""

    type: Literal["Procedure"]
    codes: Codes
    reason: str | None = None
    assign_to_attribute: str | None = None
    duration: TimeRange | None = None
    distribution: Distribution | None = None
    unit: TimeUnit | None = None

    @model_validator(mode="after")
    def _span_unit(self) -> Procedure:
        if self.duration is not None and (self.duration.unit or self.unit) is None:
            raise ValueError("Procedure duration needs a unit")
        if self.distribution is not None and self.unit is None:
            raise ValueError("Procedure with a distribution needs a unit")
        return self

    @cached_property
    def _since(self) -> float | None:
        """When the procedure first existed (``lab_eras.existed`` of its first code, looked up once), or None."""
        return availability(self.codes[0].system, self.codes[0].code)[0]

    def process(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        return self.processor(sim, run, t)  # type: ignore[return-value]

    @cached_property
    def processor(self) -> Processor:
        """``process`` as a closure with the fields bound once (see ``State.processor``)."""
        state, since, codes, reason = self, self._since, tuple(c.shared for c in self.codes), self.reason
        duration, distribution, unit = self.duration, self.distribution, self.unit

        def process(sim: PatientAccess, run: ModuleRun, t: float) -> bool:
            if run.wake is not None:  # woken at the end of the procedure
                if t >= run.wake:
                    run.wake = None
                    return True
                sim.schedule(run, run.wake)
                return False
            if since is not None and t < since:  # a test done as a procedure before it existed
                return True
            span = duration_seconds(sim.rng, None, duration, distribution, unit)
            fields = {
                "id": RESERVED,  # the record's leading keys, filled in by the engine (no copy per procedure)
                "n": 0,
                "encounter": None,
                "start": t,
                "stop": t + span,
                "codes": list(codes),  # ``codes_as_dicts``: the shared code dicts, a fresh list
                "reason": sim.resolve_reason(run, reason),
            }
            sim.add_entry(run, "procedures", fields, state)
            sim.extend_encounter(run, t + span)
            if span > 0:
                run.wake = t + span
                sim.schedule(run, run.wake)
                return False
            return True

        return process


class Device(State):
    type: Literal["Device"]
    code: Code
    manufacturer: str | None = None
    model: str | None = None
    assign_to_attribute: str | None = None

    def process(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        fields = {
            "start": t,
            "stop": None,
            "codes": [self.code.as_dict()],
            "udi": sim.udi(self.code.code, t),
            "manufacturer": self.manufacturer or "",
            "model": self.model or "",
        }
        sim.activate("devices", sim.add_entry(run, "devices", fields, self))
        return True


class Supply(Frozen):
    quantity: Count
    code: Code


class SupplyList(State):
    type: Literal["SupplyList"]
    supplies: tuple[Supply, ...]

    def process(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        for s in self.supplies:
            sim.add_entry(run, "supplies", {"time": t, "codes": [s.code.as_dict()], "quantity": s.quantity}, None)
        return True


class Vaccine(State):
    type: Literal["Vaccine"]
    codes: Codes
    series: Count | None = None

    def process(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        sim.add_entry(
            run, "immunizations", {"time": t, "codes": codes_as_dicts(self.codes), "series": self.series}, None
        )
        return True
