"""Encounter and EncounterEnd: opening and closing visits under the one-encounter-at-a-time lock."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import model_validator

from ehrsim.gmf.states.base import State
from ehrsim.gmf.values import Code

if TYPE_CHECKING:
    from ehrsim.gmf.patient import PatientAccess
    from ehrsim.gmf.run import ModuleRun

EncounterClass = Literal[
    "ambulatory",
    "emergency",
    "inpatient",
    "outpatient",
    "wellness",
    "urgentcare",
    "hospice",
    "home",
    "snf",
    "virtual",
]


class Encounter(State):
    """Opens a visit now (or waits for the lock); ``wellness: true`` waits for the next wellness visit."""

    type: Literal["Encounter"]
    wellness: bool = False
    encounter_class: EncounterClass | None = None
    codes: tuple[Code, ...] = ()
    reason: str | None = None
    telemedicine_possibility: Literal["none", "possible", "always"] | None = None
    waits: ClassVar[bool] = True

    @model_validator(mode="after")
    def _needs_class(self) -> Encounter:
        if not self.wellness and (self.encounter_class is None or not self.codes):
            raise ValueError("a non-wellness Encounter needs encounter_class and codes")
        return self

    def process(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        if self.wellness:
            return sim.join_wellness(run, self, t)
        return sim.open_encounter(run, self, t)


class EncounterEnd(State):
    type: Literal["EncounterEnd"]
    discharge_disposition: Code | None = None

    def process(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        sim.end_encounter(run, self, t)
        return True


ENCOUNTER_STATES: dict[str, type[State]] = {"Encounter": Encounter, "EncounterEnd": EncounterEnd}
