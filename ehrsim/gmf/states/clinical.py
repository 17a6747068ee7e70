"""Clinical states that write the record: conditions, allergies, medications, care plans, symptoms and death.

Procedures, devices, supplies and vaccines are in ``procedure.py``; every clinical type is registered here.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import ValidationInfo, model_validator

from ehrsim.gmf.states.base import Processor, State, duration_seconds
from ehrsim.gmf.states.procedure import Device, Procedure, SupplyList, Vaccine
from ehrsim.gmf.values import (
    Amount,
    Code,
    Codes,
    Count,
    Distribution,
    Fraction,
    Frozen,
    NumericExact,
    Range,
    TimeExact,
    TimeRange,
    TimeUnit,
    codes_as_dicts,
    to_seconds,
    tolerate,
)

if TYPE_CHECKING:
    from ehrsim.gmf.patient import PatientAccess
    from ehrsim.gmf.run import ModuleRun


class _Onset(State):
    codes: Codes
    target_encounter: str | None = None
    assign_to_attribute: str | None = None


class ConditionOnset(_Onset):
    type: Literal["ConditionOnset"]
    kind: ClassVar[str] = "conditions"

    def fields(self, sim: PatientAccess) -> dict[str, Any]:
        return {"codes": codes_as_dicts(self.codes)}

    def process(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        sim.onset(run, self, t)
        return True


class AllergyReactionSeverity(Frozen):
    level: Literal["mild", "moderate", "severe", "none"]
    value: Fraction


class AllergyReaction(Frozen):
    reaction: Code
    possible_severities: tuple[AllergyReactionSeverity, ...]


class AllergyOnset(_Onset):
    type: Literal["AllergyOnset"]
    allergy_type: Literal["allergy", "intolerance"] | None = None
    category: Literal["food", "medication", "environment", "biologic"] | None = None
    reactions: tuple[AllergyReaction, ...] = ()
    kind: ClassVar[str] = "allergies"

    def fields(self, sim: PatientAccess) -> dict[str, Any]:
        reactions = []
        for r in self.reactions:
            draw, total, level = sim.rng.random(), 0.0, "mild"
            for sev in r.possible_severities:
                total += sev.value
                level = sev.level
                if draw < total:
                    break
            if level != "none":
                reactions.append({"code": r.reaction.as_dict(), "severity": level})
        return {
            "codes": codes_as_dicts(self.codes),
            "type": self.allergy_type or "allergy",
            "category": self.category or "food",
            "reactions": reactions,
        }

    def process(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        sim.onset(run, self, t)
        return True


class _End(State):
    """Ends an entry named by the state that made it, by an attribute, or by codes."""

    codes: tuple[Code, ...] | None = None
    referenced_by_attribute: str | None = None
    kind: ClassVar[str] = ""
    by_state_field: ClassVar[str] = ""
    default_stop_reason: ClassVar[dict[str, str] | None] = None

    @model_validator(mode="after")
    def _one_source(self, info: ValidationInfo) -> _End:
        sources = [getattr(self, self.by_state_field, None), self.referenced_by_attribute, self.codes]
        count = sum(bool(s) for s in sources)
        if count == 0:
            raise ValueError(f"{self.type} needs one of {self.by_state_field}, referenced_by_attribute, codes")
        if count > 1:
            tolerate(
                info,
                f"{self.type} has several of {self.by_state_field}, referenced_by_attribute, codes; the first is used",
            )
        return self

    def process(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        return self.processor(sim, run, t)  # type: ignore[return-value]

    @cached_property
    def processor(self) -> Processor:
        """``process`` as a closure with the fields bound once (see ``State.processor``)."""
        state_name = getattr(self, self.by_state_field, None)
        attribute = None if state_name else self.referenced_by_attribute
        codes = tuple(c.code for c in self.codes) if self.codes and not state_name and not attribute else None
        own = getattr(self, "stop_reason", None)  # MedicationEnd's optional ehrsim field
        kind, stop_reason = self.kind, own.shared if own is not None else self.default_stop_reason

        def process(sim: PatientAccess, run: ModuleRun, t: float) -> bool:
            sim.end_entries(
                run,
                kind,
                state_name=state_name,
                attribute=attribute,
                codes=list(codes) if codes is not None else None,
                t=t,
                stop_reason=stop_reason,
            )
            return True

        return process


class ConditionEnd(_End):
    type: Literal["ConditionEnd"]
    condition_onset: str | None = None
    kind: ClassVar[str] = "conditions"
    by_state_field: ClassVar[str] = "condition_onset"


class AllergyEnd(_End):
    """Ends an allergy (Synthea's codes branch ends a condition instead: a bug ehrsim fixes)."""

    type: Literal["AllergyEnd"]
    allergy_onset: str | None = None
    kind: ClassVar[str] = "allergies"
    by_state_field: ClassVar[str] = "allergy_onset"


class Dosage(Frozen):
    amount: Amount
    frequency: Count
    period: Amount
    unit: TimeUnit


class Duration(Frozen):
    quantity: Amount
    unit: TimeUnit


class Prescription(Frozen):
    as_needed: bool = False
    refills: Count = 0
    dosage: Dosage | None = None
    duration: Duration | None = None
    instructions: tuple[Code, ...] = ()


class MedicationOrder(State):
    type: Literal["MedicationOrder"]
    codes: Codes
    reason: str | None = None
    assign_to_attribute: str | None = None
    administration: bool = False
    chronic: bool = False
    prescription: Prescription | None = None

    def process(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        rx = self.prescription
        duration_days = None
        stop = None
        if rx is not None and rx.duration is not None:
            duration_days = to_seconds(rx.duration.quantity, rx.duration.unit) / 86400.0
            if not self.chronic:
                stop = t + duration_days * 86400.0 * (1 + max(0, rx.refills))
        fields = {
            "start": t,
            "stop": stop,
            "codes": codes_as_dicts(self.codes),
            "reason": sim.resolve_reason(run, self.reason),
            "chronic": self.chronic,
            "administered": self.administration,
            "requested": not self.administration or self.chronic,
            "dosage": rx.dosage.model_dump(exclude={"remarks"}) if rx and rx.dosage else None,
            "as_needed": bool(rx and rx.as_needed),
            "duration_days": duration_days,
            "refills": rx.refills if rx else 0,
            "instructions": codes_as_dicts(rx.instructions) if rx else [],
            "stop_reason": None,
        }
        sim.prescribe(run, self, fields, t)  # the prescribing layer checks, adjusts and records it
        return True


class MedicationEnd(_End):
    """Ends a medication; ``stop_reason`` (an ehrsim extension) codes why, when it is not the prescriber's advice
    (e.g. the patient's choice), so a discontinued drug carries its reason as a chart does."""

    type: Literal["MedicationEnd"]
    medication_order: str | None = None
    stop_reason: Code | None = None
    kind: ClassVar[str] = "medications"
    by_state_field: ClassVar[str] = "medication_order"
    default_stop_reason: ClassVar[dict[str, str] | None] = {
        "system": "SNOMED-CT",
        "code": "182840001",
        "display": "Drug treatment stopped - medical advice (situation)",
    }


class GoalObservation(Frozen):
    """A measurable goal: the latest result of ``codes`` compared with ``value`` (e.g. HbA1c < 7)."""

    codes: Codes
    operator: Literal["<", "<=", "==", "!=", ">=", ">"]
    value: float


class Goal(Frozen):
    text: str | None = None
    addresses: tuple[str, ...] = ()
    observation: GoalObservation | None = None


class CarePlanStart(State):
    type: Literal["CarePlanStart"]
    codes: Codes
    activities: tuple[Code, ...] = ()
    goals: tuple[Goal, ...] = ()
    reason: str | None = None
    assign_to_attribute: str | None = None

    def process(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        goals = [
            {
                "text": g.text or "",
                "addresses": [c for a in g.addresses for c in sim.resolve_reason(run, a)],
                "observation": None
                if g.observation is None
                else {
                    "codes": codes_as_dicts(g.observation.codes),
                    "operator": g.observation.operator,
                    "value": g.observation.value,
                },
            }
            for g in self.goals
        ]
        fields = {
            "start": t,
            "stop": None,
            "codes": codes_as_dicts(self.codes),
            "activities": codes_as_dicts(self.activities),
            "goals": goals,
            "reason": sim.resolve_reason(run, self.reason),
        }
        sim.activate("careplans", sim.add_entry(run, "careplans", fields, self))
        return True


class CarePlanEnd(_End):
    type: Literal["CarePlanEnd"]
    careplan: str | None = None
    kind: ClassVar[str] = "careplans"
    by_state_field: ClassVar[str] = "careplan"
    default_stop_reason: ClassVar[dict[str, str] | None] = {
        "system": "SNOMED-CT",
        "code": "385658003",
        "display": "Done (qualifier value)",
    }


class DeviceEnd(_End):
    type: Literal["DeviceEnd"]
    device: str | None = None
    kind: ClassVar[str] = "devices"
    by_state_field: ClassVar[str] = "device"


class Symptom(State):
    type: Literal["Symptom"]
    symptom: str
    cause: str | None = None
    probability: Fraction = 1.0
    exact: NumericExact | None = None
    range: Range | None = None
    distribution: Distribution | None = None
    address: bool | None = None

    def process(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        return self.processor(sim, run, t)  # type: ignore[return-value]

    @cached_property
    def processor(self) -> Processor:
        """``process`` as a closure with the fields bound once (see ``State.processor``)."""
        probability, symptom, cause = self.probability, self.symptom, self.cause
        exact = float(self.exact.quantity) if self.exact is not None else None
        ranged, distribution = self.range, self.distribution

        def process(sim: PatientAccess, run: ModuleRun, t: float) -> bool:
            if probability >= 1.0 or sim.rng.random() < probability:
                if exact is not None:
                    value = exact
                elif ranged is not None:
                    value = ranged.sample(sim.rng)
                elif distribution is not None:
                    value = distribution.sample(sim.rng)
                else:
                    value = 0.0
                sim.set_symptom(symptom, cause or run.module.name, value, t)
            return True

        return process


class Death(State):
    type: Literal["Death"]
    codes: tuple[Code, ...] | None = None
    condition_onset: str | None = None
    referenced_by_attribute: str | None = None
    exact: TimeExact | None = None
    range: TimeRange | None = None

    @model_validator(mode="after")
    def _delay_unit(self) -> Death:
        if (self.exact is not None and self.exact.unit is None) or (self.range is not None and self.range.unit is None):
            raise ValueError("Death delay (exact or range) needs a unit")
        return self

    def process(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        if self.codes:
            cause = codes_as_dicts(self.codes)
        else:
            cause = sim.resolve_reason(run, self.condition_onset or self.referenced_by_attribute)
        if not cause:  # a Death naming no cause (Synthea's sepsis): the first active condition its module recorded
            cause = _module_condition(sim, run)
        delay = duration_seconds(sim.rng, self.exact, self.range, None, None) if (self.exact or self.range) else 0.0
        sim.die(t + delay, cause)
        return True


def _module_condition(sim: PatientAccess, run: ModuleRun) -> list[dict[str, str]]:
    """The codes of the earliest active condition the dying module's states recorded (the underlying one of its
    chain: sepsis before the respiratory distress it caused), or [] when it recorded none."""
    active = {id(e) for e in sim.active["conditions"].values()}
    held = [e for e in run.created.values() if id(e) in active and e.get("codes")]
    if not held:
        return []
    first = min(held, key=lambda e: (e.get("onset") or e["start"], e["start"]))
    return [dict(first["codes"][0])]


CLINICAL_STATES: dict[str, type[State]] = {
    "ConditionOnset": ConditionOnset,
    "ConditionEnd": ConditionEnd,
    "AllergyOnset": AllergyOnset,
    "AllergyEnd": AllergyEnd,
    "MedicationOrder": MedicationOrder,
    "MedicationEnd": MedicationEnd,
    "CarePlanStart": CarePlanStart,
    "CarePlanEnd": CarePlanEnd,
    "Procedure": Procedure,
    "Device": Device,
    "DeviceEnd": DeviceEnd,
    "SupplyList": SupplyList,
    "Vaccine": Vaccine,
    "Symptom": Symptom,
    "Death": Death,
}
