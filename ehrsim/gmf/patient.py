"""The contract between GMF states and the engine: everything a state may do to the patient it runs on.

States (``gmf/states``), conditions and transitions see the patient only through this Protocol;
``engine.simulation.Simulation`` implements it (with small collaborators: the event queue, the
recorder, the encounter desk, the symptom tracker). Written down in docs/states.md. Four groups:

- **read**: demographics, attributes, true vital signs, what is active, the latest observation of a
  code, symptom levels, the calendar, the module library, and the patient's random generator.
- **record**: write entries into the record (in the module's current encounter), start and end
  lasting ones, open and end encounters. Every write that a Guard can read wakes the Guards reading it.
- **schedule**: wake this module at a time, park it until something it reads changes, call and
  return from submodules, schedule death.
- **notify**: change attributes, vital signs and symptoms (each change wakes the Guards that read it).

Rules the engine relies on: a state never touches the record's lists or the queue directly, never
reads the clock, and draws random numbers only from ``rng`` (so a life is reproducible from its seed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

#: ``fields["id"]`` of an entry built with the record's three leading keys first ("id": RESERVED, "n", "encounter"):
#: ``add_entry`` fills them in and keeps the dict as the entry instead of copying it behind them (hot: results)
RESERVED = "<reserved>"

if TYPE_CHECKING:
    import numpy as np

    from ehrsim.gmf.library import Library
    from ehrsim.gmf.run import ModuleRun
    from ehrsim.gmf.states.control import CallSubmodule
    from ehrsim.gmf.transitions import TypeOfCare

Entry = dict[str, Any]


class PatientAccess(Protocol):
    """What a state may do to a patient (see the module docstring)."""

    # --- read ---------------------------------------------------------------------------------
    rng: np.random.Generator
    patient: dict[str, Any]  # demographics (docs/record.md), read-only
    birth_time: float
    attributes: dict[str, Any]  # read-only: change through set_attribute
    active: dict[str, dict[str, Entry]]  # kind -> code -> active entry (kinds: record.kinds.ACTIVE_KINDS)
    library: Library

    @property
    def vitals(self) -> dict[str, float]: ...

    def attribute_number(self, name: str, t: float) -> float: ...
    def month_at(self, t: float) -> tuple[int, float]: ...
    def ses_category(self) -> str: ...
    def latest_observation(self, code: str) -> Entry | None: ...
    def symptom_level(self, symptom: str) -> float: ...
    def resolve_reason(self, run: ModuleRun, reason: str | None) -> list[dict[str, str]]: ...
    def measure(self, loinc: str | None, vital_sign: str | None, declared: tuple[float, float] | None) -> Any:
        """A result read from the physiological state now (noise, rounding), None when not a state variable."""

    def adopt_range(self, loinc: str, declared: tuple[float, float]) -> None:
        """A module's range for a state variable: the state moves into it (before a panel's sample is drawn)."""

    def result_flags(self, loinc: str | None, value: Any) -> dict[str, Any]:
        """``reference_range`` and ``interpretation`` of a numeric result now (empty when no interval)."""

    # --- record -------------------------------------------------------------------------------
    def add_entry(self, run: ModuleRun, kind: str, fields: dict[str, Any], state: Any) -> Entry: ...
    def activate(self, kind: str, entry: Entry) -> None: ...
    def prescribe(self, run: ModuleRun, state: Any, fields: dict[str, Any], t: float) -> Entry: ...
    def onset(self, run: ModuleRun, state: Any, t: float) -> None: ...
    def end_entries(
        self,
        run: ModuleRun,
        kind: str,
        *,
        state_name: str | None,
        attribute: str | None,
        codes: list[str] | None,
        t: float,
        stop_reason: dict[str, str] | None,
    ) -> None: ...
    def extend_encounter(self, run: ModuleRun, until: float) -> None: ...
    def imaging_study(self, run: ModuleRun, state: Any, t: float) -> None: ...
    def udi(self, code: str, t: float) -> str: ...
    def open_encounter(self, run: ModuleRun, state: Any, t: float) -> bool: ...
    def join_wellness(self, run: ModuleRun, state: Any, t: float) -> bool: ...
    def end_encounter(self, run: ModuleRun, state: Any, t: float) -> None: ...
    def type_of_care(self, transition: TypeOfCare, t: float) -> str: ...

    # --- schedule -----------------------------------------------------------------------------
    def schedule(self, run: ModuleRun, t: float) -> None: ...
    def park(self, run: ModuleRun) -> None: ...
    def watch(self, run: ModuleRun, keys: frozenset[str]) -> None: ...
    def call_submodule(self, run: ModuleRun, state: CallSubmodule, t: float) -> None: ...
    def terminate(self, run: ModuleRun, t: float) -> bool | None: ...
    def die(self, t: float, cause: list[dict[str, str]]) -> None: ...

    # --- notify -------------------------------------------------------------------------------
    def set_attribute(self, name: str, value: Any) -> None: ...
    def set_vital(self, name: str, value: float) -> None: ...
    def set_symptom(self, symptom: str, cause: str, value: float, t: float) -> None: ...
