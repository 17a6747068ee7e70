"""Condition, AllergyIntolerance, Procedure and Immunization."""

from __future__ import annotations

from typing import Any

from ehrsim.exporters.fhir.context import PatientContext
from ehrsim.exporters.fhir.datatypes import concept, concept_of, fixed, iso
from ehrsim.exporters.fhir.profiles import meta

CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
ALLERGY_VERIFICATION = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"


def _ended(stop: float | None, ctx: PatientContext) -> bool:
    return stop is not None and stop <= ctx.reference_time


def condition(cond: dict[str, Any], ctx: PatientContext) -> dict[str, Any]:
    enc = ctx.encounter_ref(cond.get("encounter"))
    category = "encounter-diagnosis" if enc else "problem-list-item"
    display = "Encounter Diagnosis" if enc else "Problem List Item"
    ended = _ended(cond.get("stop"), ctx)
    res: dict[str, Any] = {
        "resourceType": "Condition",
        "id": cond["id"],
        "meta": meta(f"Condition:{category}"),
        "clinicalStatus": fixed(CONDITION_CLINICAL, "resolved" if ended else "active"),
        "verificationStatus": fixed(CONDITION_VERIFICATION, "confirmed"),
        "category": [fixed(CONDITION_CATEGORY, category, display)],
        "code": concept_of(cond["codes"]),
        "subject": ctx.patient_ref,
    }
    if enc:
        res["encounter"] = enc
    res["onsetDateTime"] = iso(cond["start"])
    if ended and cond["stop"] >= cond["start"]:
        res["abatementDateTime"] = iso(cond["stop"])
    res["recordedDate"] = iso(cond["start"])
    return res


def allergy(entry: dict[str, Any], ctx: PatientContext) -> dict[str, Any]:
    ended = _ended(entry.get("stop"), ctx)
    res: dict[str, Any] = {
        "resourceType": "AllergyIntolerance",
        "id": entry["id"],
        "meta": meta("AllergyIntolerance"),
        "clinicalStatus": fixed(ALLERGY_CLINICAL, "inactive" if ended else "active"),
        "verificationStatus": fixed(ALLERGY_VERIFICATION, "confirmed"),
    }
    if entry.get("type") in ("allergy", "intolerance"):
        res["type"] = entry["type"]
    if entry.get("category") in ("food", "medication", "environment", "biologic"):
        res["category"] = [entry["category"]]
    severities = {r.get("severity") for r in entry.get("reactions", [])}
    res["criticality"] = "high" if "severe" in severities else "low"
    res["code"] = concept_of(entry["codes"])
    res["patient"] = ctx.patient_ref
    enc = ctx.encounter_ref(entry.get("encounter"))
    if enc:
        res["encounter"] = enc
    res["onsetDateTime"] = iso(entry["start"])
    res["recordedDate"] = iso(entry["start"])
    reactions = []
    for r in entry.get("reactions", []):
        reaction: dict[str, Any] = {"manifestation": [concept(r["code"])]}
        if r.get("severity") in ("mild", "moderate", "severe"):
            reaction["severity"] = r["severity"]
        reactions.append(reaction)
    if reactions:
        res["reaction"] = reactions
    return res


def procedure(entry: dict[str, Any], ctx: PatientContext) -> dict[str, Any]:
    start, stop = entry["start"], entry.get("stop")
    res: dict[str, Any] = {
        "resourceType": "Procedure",
        "id": entry["id"],
        "meta": meta("Procedure"),
        "status": "completed" if stop is None or stop <= ctx.reference_time else "in-progress",
        "code": concept_of(entry["codes"]),
        "subject": ctx.patient_ref,
    }
    enc = ctx.encounter_ref(entry.get("encounter"))
    if enc:
        res["encounter"] = enc
    if stop is not None and stop > start:
        res["performedPeriod"] = {"start": iso(start), "end": iso(stop)}
    else:
        res["performedDateTime"] = iso(start)
    pract = ctx.refs.practitioner(ctx.practitioner_of(entry.get("encounter")))
    if pract and enc:
        res["performer"] = [{"actor": pract}]
    loc = ctx.refs.location(ctx.organization_of(entry.get("encounter"))) if enc else None
    if loc:
        res["location"] = loc
    if entry.get("reason"):
        res["reasonCode"] = [concept(r) for r in entry["reason"]]
    return res


def immunization(entry: dict[str, Any], ctx: PatientContext) -> dict[str, Any]:
    res: dict[str, Any] = {
        "resourceType": "Immunization",
        "id": entry["id"],
        "meta": meta("Immunization"),
        "status": "completed",
        "vaccineCode": concept_of(entry["codes"]),
        "patient": ctx.patient_ref,
    }
    enc = ctx.encounter_ref(entry.get("encounter"))
    if enc:
        res["encounter"] = enc
    res["occurrenceDateTime"] = iso(entry["time"])
    res["primarySource"] = True
    loc = ctx.refs.location(ctx.organization_of(entry.get("encounter"))) if enc else None
    if loc:
        res["location"] = loc
    if isinstance(entry.get("series"), int) and entry["series"] >= 1:
        res["protocolApplied"] = [{"doseNumberPositiveInt": entry["series"]}]
    return res
