"""Clinical entries -> condition_occurrence, drug_exposure, procedure_occurrence, measurement,
observation and device_exposure.

Each entry goes to the table of its standard concept's domain (so a SNOMED "finding" recorded as
a condition lands in observation, as OHDSI conventions ask); an unmapped code keeps concept 0 and
goes to the table its entry kind suggests. Source values and source concept ids are always set.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ehrsim.exporters.omop.concepts import Concepts, Mapping, conventions
from ehrsim.exporters.omop.rows import DAY, PatientRows, date, datetime
from ehrsim.exporters.omop.visits import Visit

DOMAIN_TABLE = {
    "Condition": "condition_occurrence",
    "Drug": "drug_exposure",
    "Procedure": "procedure_occurrence",
    "Measurement": "measurement",
    "Observation": "observation",
    "Device": "device_exposure",
}


@dataclass
class Event:
    """What every target table needs from an entry, before the domain picks the table."""

    code: dict[str, Any]
    mapped: Mapping
    start: int
    end: int | None
    visit: Visit | None
    value: Any = None
    value_type: str = "none"
    unit: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


class EventWriter:
    """Routes events of one patient to their tables; ``end_cap`` (death or the reference date)
    bounds open-ended drug exposures."""

    def __init__(self, out: PatientRows, concepts: Concepts, visits: dict[str, Visit], end_cap: int) -> None:
        self.out, self.concepts, self.visits, self.end_cap = out, concepts, visits, end_cap
        self.ehr = conventions()["types"]["ehr"]
        self.dates: list[int] = []  # every event day, for the observation period

    def event(self, entry: dict[str, Any], code: dict[str, Any], start: int, end: int | None, **kw: Any) -> Event:
        return Event(code, self.concepts.map(code), start, end, self.visits.get(entry.get("encounter") or ""), **kw)

    def emit(self, ev: Event, default_domain: str) -> None:
        table = DOMAIN_TABLE.get(ev.mapped.domain or default_domain, "observation")
        if ev.end is not None:
            ev.end = max(ev.start, min(ev.end, self.end_cap))  # nothing lasts past death or the reference date
        self.dates.append(ev.start)
        if ev.end is not None:
            self.dates.append(ev.end)
        WRITERS[table](self, ev)

    def _common(self, ev: Event) -> dict[str, Any]:
        return {
            "provider_id": ev.visit.provider_id if ev.visit else None,
            "visit_occurrence_id": ev.visit.visit_id if ev.visit else None,
            "visit_detail_id": ev.visit.visit_id if ev.visit else None,
        }

    def _value_fields(self, ev: Event) -> dict[str, Any]:
        """value_as_number / value_as_concept_id / value_source_value, shared by measurement and observation."""
        v, out = ev.value, dict[str, Any]()
        if ev.value_type == "numeric" and isinstance(v, int | float) and not isinstance(v, bool):
            # value_as_number holds it exactly; a numeric copy in value_source_value beside coded and
            # text values made type-inferring readers (polars, pandas) fail on the column
            out["value_as_number"] = v
        elif ev.value_type == "boolean" or isinstance(v, bool):
            out["value_as_number"] = 1 if v else 0
            out["value_source_value"] = "true" if v else "false"
        elif isinstance(v, dict):
            out["value_as_concept_id"] = self.concepts.map(v).concept_id
            out["value_source_value"] = v.get("code")
        elif v is not None:
            out["value_as_string"] = str(v)
            out["value_source_value"] = str(v)
        if ev.unit:
            out["unit_concept_id"] = self.concepts.unit(ev.unit)
            out["unit_source_value"] = ev.unit
        return out

    def condition(self, ev: Event) -> None:
        self.out.add(
            "condition_occurrence",
            {
                "condition_concept_id": ev.mapped.concept_id,
                "condition_start_date": date(ev.start),
                "condition_start_datetime": datetime(ev.start),
                "condition_end_date": date(ev.end) if ev.end is not None else None,
                "condition_end_datetime": datetime(ev.end) if ev.end is not None else None,
                "condition_type_concept_id": self.ehr,
                "condition_source_value": ev.code["code"],
                "condition_source_concept_id": ev.mapped.source_concept_id,
                **self._common(ev),
            },
            "condition_occurrence_id",
        )

    def drug(self, ev: Event) -> None:
        end = ev.end
        if end is None:
            days = ev.extra.get("days_supply")
            end = ev.start + days * DAY if days else ev.extra.get("open_end", ev.start)
            end = max(ev.start, min(self.end_cap, end))  # a supply never runs past death or the reference date
        self.out.add(
            "drug_exposure",
            {
                "drug_concept_id": ev.mapped.concept_id,
                "drug_exposure_start_date": date(ev.start),
                "drug_exposure_start_datetime": datetime(ev.start),
                "drug_exposure_end_date": date(end),
                "drug_exposure_end_datetime": datetime(end),
                "verbatim_end_date": date(ev.end) if ev.end is not None else None,
                "drug_type_concept_id": ev.extra.get("type_concept_id", self.ehr),
                "stop_reason": ev.extra.get("stop_reason"),
                "refills": ev.extra.get("refills"),
                "days_supply": ev.extra.get("days_supply"),
                "quantity": ev.extra.get("quantity"),
                "route_concept_id": ev.extra.get("route_concept_id") or None,
                "route_source_value": ev.extra.get("route_source_value"),
                "sig": ev.extra.get("sig"),
                "drug_source_value": ev.code["code"],
                "drug_source_concept_id": ev.mapped.source_concept_id,
                "dose_unit_source_value": ev.extra.get("dose_unit"),
                **self._common(ev),
            },
            "drug_exposure_id",
        )

    def procedure(self, ev: Event) -> None:
        self.out.add(
            "procedure_occurrence",
            {
                "procedure_concept_id": ev.mapped.concept_id,
                "procedure_date": date(ev.start),
                "procedure_datetime": datetime(ev.start),
                "procedure_end_date": date(ev.end) if ev.end is not None else None,
                "procedure_end_datetime": datetime(ev.end) if ev.end is not None else None,
                "procedure_type_concept_id": self.ehr,
                "procedure_source_value": ev.code["code"],
                "procedure_source_concept_id": ev.mapped.source_concept_id,
                **self._common(ev),
            },
            "procedure_occurrence_id",
        )

    def measurement(self, ev: Event) -> None:
        values = self._value_fields(ev)
        values.pop("value_as_string", None)  # measurement has no free-text value; it stays in value_source_value
        bounds = ev.extra.get("range")
        if bounds:  # the result's reference interval (terminology/physiology/reference_ranges.csv)
            values["range_low"], values["range_high"] = bounds[0], bounds[1]
        self.out.add(
            "measurement",
            {
                "measurement_concept_id": ev.mapped.concept_id,
                "measurement_date": date(ev.start),
                "measurement_datetime": datetime(ev.start),
                "measurement_type_concept_id": self.ehr,
                "measurement_source_value": ev.code["code"],
                "measurement_source_concept_id": ev.mapped.source_concept_id,
                **values,
                **self._common(ev),
            },
            "measurement_id",
        )

    def observation(self, ev: Event) -> None:
        self.out.add(
            "observation",
            {
                "observation_concept_id": ev.mapped.concept_id,
                "observation_date": date(ev.start),
                "observation_datetime": datetime(ev.start),
                "observation_type_concept_id": self.ehr,
                "observation_source_value": ev.code["code"],
                "observation_source_concept_id": ev.mapped.source_concept_id,
                **self._value_fields(ev),
                **self._common(ev),
            },
            "observation_id",
        )

    def device(self, ev: Event) -> None:
        self.out.add(
            "device_exposure",
            {
                "device_concept_id": ev.mapped.concept_id,
                "device_exposure_start_date": date(ev.start),
                "device_exposure_start_datetime": datetime(ev.start),
                "device_exposure_end_date": date(ev.end) if ev.end is not None else None,
                "device_exposure_end_datetime": datetime(ev.end) if ev.end is not None else None,
                "device_type_concept_id": self.ehr,
                "unique_device_id": ev.extra.get("udi"),
                "quantity": ev.extra.get("quantity"),
                "device_source_value": ev.code["code"],
                "device_source_concept_id": ev.mapped.source_concept_id,
                **self._common(ev),
            },
            "device_exposure_id",
        )


WRITERS: dict[str, Callable[[EventWriter, Event], None]] = {
    "condition_occurrence": EventWriter.condition,
    "drug_exposure": EventWriter.drug,
    "procedure_occurrence": EventWriter.procedure,
    "measurement": EventWriter.measurement,
    "observation": EventWriter.observation,
    "device_exposure": EventWriter.device,
}
