"""States that measure: VitalSign (sets a true value), Observation, MultiObservation,
DiagnosticReport and ImagingStudy (record entries)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, Strict, model_validator

from ehrsim.core import red_cells
from ehrsim.core.lab_eras import availability, reported_codes
from ehrsim.core.rounding import round_to
from ehrsim.gmf.patient import RESERVED
from ehrsim.gmf.states.base import State, ValueSource
from ehrsim.gmf.values import Code, Codes, Frozen, NumericExact, codes_as_dicts

if TYPE_CHECKING:
    from ehrsim.gmf.patient import PatientAccess
    from ehrsim.gmf.run import ModuleRun

Category = Literal["vital-signs", "laboratory", "survey", "exam", "procedure", "social-history", "imaging", "therapy"]


class VitalSign(ValueSource, State):
    type: Literal["VitalSign"]
    vital_sign: str
    unit: str | None = None
    exact: NumericExact | None = None

    @model_validator(mode="after")
    def _value(self) -> VitalSign:
        if not self.has_value():
            raise ValueError("VitalSign needs one of exact, range, distribution, expression")
        return self

    def process(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        sim.set_vital(self.vital_sign, float(self.draw(sim, t)))
        return True


class ObservationBody(ValueSource):
    """What an observation measures and where its value comes from (shared by all observation forms)."""

    codes: Codes
    category: Category | None = None
    unit: str | None = None
    attribute: str | None = None
    vital_sign: str | None = None
    value_code: Code | None = None
    sampled_data: dict[str, Any] | None = None
    attachment: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _unit_for_numbers(self) -> ObservationBody:
        if (
            (self.exact is not None or self.range is not None)
            and not self.unit
            and self.exact is not None
            and not isinstance(self.exact.quantity, str)
        ):
            raise ValueError("an Observation with exact needs a unit")
        if self.range is not None and not self.unit:
            raise ValueError("an Observation with range needs a unit")
        return self

    @cached_property
    def lab_code(self) -> str | None:
        """The first code when it is a LOINC code (what the physiological state and the reference ranges know)."""
        return self.codes[0].code if self.codes and self.codes[0].system == "LOINC" else None

    @cached_property
    def _availability(self) -> tuple[float | None, bool]:
        """(latest first-existence time of its codes or None, is the first an eGFR code) of a LOINC first code;
        (None, False) else. A further coding counts too: before it existed it is dropped (``reported_codes``)."""
        if self.lab_code is None:
            return (None, False)
        since, egfr = availability("LOINC", self.lab_code)
        known = [s for s in (since, *(availability(c.system, c.code)[0] for c in self.codes[1:])) if s is not None]
        return (max(known) if known else None), egfr

    @cached_property
    def view(self) -> BodyView:
        """The fields every measurement reads, as a plain object (see ``BodyView``)."""
        since, egfr = self._availability
        ranged = (self.range.low, self.range.high) if self.range is not None else None
        adopts = (
            self.range is not None
            and self.exact is None
            and self.vital_sign is None
            and self.attribute is None
            and self.value_code is None
            and self.codes[0].system == "LOINC"
        )
        return BodyView(
            code_dicts=tuple(c.shared for c in self.codes),
            since=since,
            egfr=egfr,
            lab_code=self.lab_code,
            category=self.category,
            unit=self.unit or "",
            value_code=self.value_code.as_dict() if self.value_code is not None else None,
            vital_sign=self.vital_sign,
            attribute=self.attribute,
            no_value=self.sampled_data is not None or self.attachment is not None,
            exact=self.exact is not None,
            ranged=ranged,
            adopted=(self.codes[0].code, ranged) if adopts and ranged is not None else None,
            draw=self.draw,
        )

    def reported(self, t: float) -> list[dict[str, str]] | None:
        """``lab_eras.reported_codes`` of this body's codes at ``t``, asked only when the answer can differ from
        the codes themselves (an eGFR code, or a test that did not exist yet)."""
        return self.view.reported(t)

    def measure(self, sim: PatientAccess, t: float) -> tuple[Any, str]:
        """(value, value_type) of one measurement now."""
        return self.view.measure(sim, t)

    def adopt_range(self, sim: PatientAccess) -> None:
        """A module's range for a body quantity of a panel moves the state before the sample is drawn, so the
        panel's other results (total cholesterol after a module's LDL range) come from the same state."""
        adopted = self.view.adopted
        if adopted is not None:
            sim.adopt_range(*adopted)

    def flags(self, sim: PatientAccess, value: Any, value_type: str) -> dict[str, Any]:
        """Reference range and interpretation of a numeric result (empty for other results)."""
        return self.view.flags(sim, value, value_type)

    def entry_fields(self, sim: PatientAccess, t: float, category: str | None) -> dict[str, Any] | None:
        """The record entry of one measurement now (None: a result not reported at that date, e.g. eGFR
        before 1999; see ``lab_eras.reported_codes``)."""
        return self.view.entry_fields(sim, t, category)


@dataclass(frozen=True, slots=True)
class BodyView:
    """An observation body's fields as a plain object, built once: every measurement reads several, and a read
    on the pydantic model costs ~400 machine instructions more (its ``__getattr__`` hook; see ``Condition.tester``).
    ``code_dicts`` are the codes' shared record dicts; ``value_code`` the coded value's dict (copied per result);
    ``ranged`` the module's (low, high); ``adopted`` (LOINC code, range) when a panel adopts the range first."""

    code_dicts: tuple[dict[str, str], ...]
    since: float | None
    egfr: bool
    lab_code: str | None
    category: str | None
    unit: str
    value_code: dict[str, str] | None
    vital_sign: str | None
    attribute: str | None
    no_value: bool
    exact: bool
    ranged: tuple[float, float] | None
    adopted: tuple[str, tuple[float, float]] | None
    draw: Callable[[PatientAccess, float], Any]  # the body's value source (``ValueSource.draw``)

    def measure(self, sim: PatientAccess, t: float) -> tuple[Any, str]:
        """(value, value_type) of one measurement now."""
        if self.value_code is not None:
            return dict(self.value_code), "code"
        loinc = self.lab_code
        if self.vital_sign is not None:
            found = sim.measure(loinc, self.vital_sign, None)
            return _number(sim.vitals.get(self.vital_sign) if found is None else found), "numeric"
        if self.attribute is not None:
            value = sim.attributes.get(self.attribute)
            if isinstance(value, dict) and "code" in value:
                return value, "code"
            if isinstance(value, bool):
                return value, "boolean"
            if isinstance(value, int | float):
                return _number(value), "numeric"
            return (None, "none") if value is None else (str(value), "text")
        if self.no_value:
            return None, "none"
        if loinc is not None and not self.exact and self.ranged is not None:
            # a module's range for a body quantity: the state's value, moved into that range
            found = sim.measure(loinc, None, self.ranged)
            if found is not None:
                return _number(found), "numeric"
        value = self.draw(sim, t)
        if isinstance(value, str):
            return value, "text"
        if isinstance(value, bool):
            return value, "boolean"
        if loinc is not None and isinstance(value, int | float) and self.exact:
            sim.measure(loinc, None, (float(value), float(value)))  # an exact value feeds back into the state
        return (_number(value), "numeric") if value is not None else (None, "none")

    def entry_fields(self, sim: PatientAccess, t: float, category: str | None) -> dict[str, Any] | None:
        """The record entry of one measurement now (None: a result not reported at that date, e.g. eGFR
        before 1999; see ``lab_eras.reported_codes``)."""
        codes = self.reported(t)
        if codes is None:
            return None
        value, value_type = self.measure(sim, t)
        return {
            "id": RESERVED,  # the record's leading keys, filled in by ``Recorder.add`` (no copy per result)
            "n": 0,
            "encounter": None,
            "time": t,
            "category": self.category or category or "exam",
            "codes": codes,
            "value": value,
            "value_type": value_type,
            "unit": self.unit,
            "components": [],
            "report": None,
            **self.flags(sim, value, value_type),
        }

    def reported(self, t: float) -> list[dict[str, str]] | None:
        codes = list(self.code_dicts)
        since = self.since
        if self.egfr or (since is not None and t < since):
            return reported_codes(codes, t)
        return codes

    def flags(self, sim: PatientAccess, value: Any, value_type: str) -> dict[str, Any]:
        loinc = self.lab_code
        if value_type != "numeric" or loinc is None:
            return {}
        return sim.result_flags(loinc, value)


def _number(value: Any) -> float | None:
    return None if value is None else round_to(float(value), 2)


class Observation(ObservationBody, State):
    type: Literal["Observation"]

    def process(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        fields = self.view.entry_fields(sim, t, None)
        if fields is not None:
            sim.add_entry(run, "observations", fields, None)
        return True


class ChildObservation(ObservationBody):
    """An observation inside a MultiObservation or DiagnosticReport (no type, no transition)."""

    type: Literal["Observation"] | None = None


class MultiObservation(State):
    type: Literal["MultiObservation"]
    codes: Codes
    category: Category | None = None
    observations: tuple[ChildObservation, ...]
    number_of_observations: int | None = None  # written by the Module Builder; unused

    def process(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        components = []
        for child in self.observations:
            view = child.view
            codes = view.reported(t)
            if codes is None:
                continue
            value, value_type = view.measure(sim, t)
            components.append(
                {
                    "codes": codes,
                    "value": value,
                    "value_type": value_type,
                    "unit": view.unit,
                    **view.flags(sim, value, value_type),
                }
            )
        fields = {
            "id": RESERVED,
            "n": 0,
            "encounter": None,
            "time": t,
            "category": self.category or "vital-signs",
            "codes": codes_as_dicts(self.codes),
            "value": None,
            "value_type": "none",
            "unit": "",
            "components": components,
            "report": None,
        }
        sim.add_entry(run, "observations", fields, None)
        return True


class DiagnosticReport(State):
    type: Literal["DiagnosticReport"]
    codes: Codes
    observations: tuple[ChildObservation, ...]
    number_of_observations: int | None = None

    @cached_property
    def _since(self) -> float | None:
        """When the panel first existed (``test_availability.csv``: the PHQ-9 panel from 1999), or None."""
        return availability(self.codes[0].system, self.codes[0].code)[0] if self.codes else None

    @cached_property
    def _blood_count(self) -> bool:
        """The panel has a haemoglobin and red-cell indices (a blood count: ``core/red_cells.py``)."""
        codes = {child.lab_code for child in self.observations}
        return red_cells.HB in codes and red_cells.MCHC in codes

    def process(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        since = self._since
        if since is not None and t < since:  # an instrument before it was published: no report, no results
            return True
        report = sim.add_entry(
            run, "reports", {"time": t, "codes": codes_as_dicts(self.codes), "observations": []}, None
        )
        for child in self.observations:
            child.adopt_range(sim)
        results = [(child, child.view.entry_fields(sim, t, "laboratory")) for child in self.observations]
        if self._blood_count:
            _red_cells_agree(sim, results)
        for _child, fields in results:
            if fields is None:
                continue
            fields["report"] = report["id"]
            entry = sim.add_entry(run, "observations", fields, None)  # may be the sample's earlier result
            if entry["id"] not in report["observations"]:
                report["observations"].append(entry["id"])
        return True


def _red_cells_agree(sim: PatientAccess, results: list[tuple[ChildObservation, dict[str, Any] | None]]) -> None:
    """Red-cell results of one count computed from its haemoglobin and indices, with their flags."""
    by_code = {
        child.lab_code: fields
        for child, fields in results
        if fields is not None and fields["value_type"] == "numeric" and fields["value"] is not None
    }
    changed = red_cells.agree({code: fields["value"] for code, fields in by_code.items() if code is not None})
    for code, value in changed.items():
        fields = by_code[code]
        fields["value"] = value
        fields.pop("interpretation", None)
        fields.pop("reference_range", None)
        fields.update(sim.result_flags(code, value))


Few = Annotated[int, Strict(), Field(ge=0, le=1000)]


class Instance(Frozen):
    title: str
    sop_class: Code


class Series(Frozen):
    body_site: Code
    modality: Code
    instances: Annotated[tuple[Instance, ...], Field(min_length=1)]
    min_number_instances: Few = 1
    max_number_instances: Few = 1

    @model_validator(mode="after")
    def _order(self) -> Series:
        if self.min_number_instances > self.max_number_instances:
            raise ValueError("min_number_instances is above max_number_instances")
        return self


class ImagingStudy(State):
    type: Literal["ImagingStudy"]
    procedure_code: Code
    series: Annotated[tuple[Series, ...], Field(min_length=1)]
    min_number_series: Few = 1
    max_number_series: Few = 1

    @model_validator(mode="after")
    def _order(self) -> ImagingStudy:
        if self.min_number_series > self.max_number_series:
            raise ValueError("min_number_series is above max_number_series")
        return self

    def process(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        sim.imaging_study(run, self, t)
        return True


OBSERVATION_STATES: dict[str, type[State]] = {
    "VitalSign": VitalSign,
    "Observation": Observation,
    "MultiObservation": MultiObservation,
    "DiagnosticReport": DiagnosticReport,
    "ImagingStudy": ImagingStudy,
}
