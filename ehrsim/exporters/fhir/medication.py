"""MedicationRequest and MedicationAdministration (one record medication can give both)."""

from __future__ import annotations

from typing import Any

from ehrsim.exporters.fhir.context import PatientContext
from ehrsim.exporters.fhir.datatypes import UCUM, concept, concept_of, fixed, iso
from ehrsim.exporters.fhir.ids import derived_id
from ehrsim.exporters.fhir.profiles import meta
from ehrsim.exporters.fhir.terminology import time_units

MR_CATEGORY = "http://terminology.hl7.org/CodeSystem/medicationrequest-category"
DOSE_RATE = "http://terminology.hl7.org/CodeSystem/dose-rate-type"


def request_id(med: dict[str, Any]) -> str:
    return med["id"]


def administration_id(med: dict[str, Any]) -> str:
    """A medication that is only administered keeps its own id for the administration."""
    return derived_id(med["id"], "MedicationAdministration") if wants_request(med) else med["id"]


def wants_request(med: dict[str, Any]) -> bool:
    """A MedicationRequest is written when one was recorded, or when nothing else would be."""
    return bool(med.get("requested")) or not med.get("administered")


def _quantity(dose: dict[str, Any]) -> dict[str, Any]:
    """The dose with its UCUM unit when the prescribing layer gave one (mg, mL, or an annotation like {tablet})."""
    unit = dose.get("dose_unit")
    if not unit:
        return {"value": dose["amount"]}
    return {"value": dose["amount"], "unit": str(unit).strip("{}"), "system": UCUM, "code": unit}


def _dosage(med: dict[str, Any]) -> dict[str, Any]:
    dosage: dict[str, Any] = {"sequence": 1}
    instructions = med.get("instructions") or []
    if instructions:
        dosage["additionalInstruction"] = [concept(c) for c in instructions]
    dose = med.get("dosage")
    if dose:
        unit = time_units().get(str(dose.get("unit", "")).lower())
        if dose.get("frequency", 0) >= 1 and dose.get("period", 0) > 0 and unit:
            dosage["timing"] = {
                "repeat": {"frequency": int(dose["frequency"]), "period": float(dose["period"]), "periodUnit": unit}
            }
    dosage["asNeededBoolean"] = bool(med.get("as_needed"))
    if dose and dose.get("amount"):
        dosage["doseAndRate"] = [
            {
                "type": fixed(DOSE_RATE, "ordered", "Ordered"),
                "doseQuantity": _quantity(dose),
            }
        ]
    return dosage


def medication_request(med: dict[str, Any], ctx: PatientContext) -> dict[str, Any]:
    stop = med.get("stop")
    if stop is None or stop > ctx.reference_time:
        status = "active"
    else:
        status = "stopped" if med.get("stop_reason") else "completed"
    res: dict[str, Any] = {
        "resourceType": "MedicationRequest",
        "id": request_id(med),
        "meta": meta("MedicationRequest"),
        "status": status,
    }
    if med.get("stop_reason") and status == "stopped":
        res["statusReason"] = concept(med["stop_reason"])
    res["intent"] = "order"
    res["category"] = [fixed(MR_CATEGORY, "community", "Community")]
    res["medicationCodeableConcept"] = concept_of(med["codes"])
    res["subject"] = ctx.patient_ref
    enc = ctx.encounter_ref(med.get("encounter"))
    if enc:
        res["encounter"] = enc
    res["authoredOn"] = iso(med["start"])
    requester = ctx.refs.practitioner(ctx.practitioner_of(med.get("encounter")))
    if requester:
        res["requester"] = requester
    if med.get("reason"):
        res["reasonCode"] = [concept(r) for r in med["reason"]]
    res["dosageInstruction"] = [_dosage(med)]
    dispense: dict[str, Any] = {}
    if med.get("refills"):
        dispense["numberOfRepeatsAllowed"] = int(med["refills"])
    if med.get("duration_days"):
        dispense["expectedSupplyDuration"] = {
            "value": med["duration_days"],
            "unit": "days",
            "system": UCUM,
            "code": "d",
        }
    if dispense:
        res["dispenseRequest"] = dispense
    return res


def medication_administration(med: dict[str, Any], ctx: PatientContext) -> dict[str, Any]:
    res: dict[str, Any] = {
        "resourceType": "MedicationAdministration",
        "id": administration_id(med),
        "meta": meta("MedicationAdministration"),
        "status": "completed",
        "medicationCodeableConcept": concept_of(med["codes"]),
        "subject": ctx.patient_ref,
    }
    enc = ctx.encounter_ref(med.get("encounter"))
    if enc:
        res["context"] = enc
    start, stop = med["start"], med.get("stop")
    if stop is not None and stop > start:
        res["effectivePeriod"] = {"start": iso(start), "end": iso(stop)}
    else:
        res["effectiveDateTime"] = iso(start)
    if med.get("reason"):
        res["reasonCode"] = [concept(r) for r in med["reason"]]
    if wants_request(med):
        res["request"] = ctx.refs.local("MedicationRequest", request_id(med))
    dose = med.get("dosage")
    if dose and dose.get("amount"):
        res["dosage"] = {"dose": _quantity(dose)}
    return res
