"""Observation (single-valued and multi-component) and DiagnosticReport."""

from __future__ import annotations

import math
from typing import Any

from ehrsim.exporters.fhir.context import PatientContext
from ehrsim.exporters.fhir.datatypes import absent, concept, concept_of, fixed, iso, quantity
from ehrsim.exporters.fhir.profiles import meta, observation_meta

OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
V2_0074 = "http://terminology.hl7.org/CodeSystem/v2-0074"
CATEGORY_DISPLAY = {
    "vital-signs": "Vital Signs",
    "laboratory": "Laboratory",
    "survey": "Survey",
    "exam": "Exam",
    "procedure": "Procedure",
    "social-history": "Social History",
    "imaging": "Imaging",
    "therapy": "Therapy",
}

VALUE_KINDS = {"valueQuantity": "quantity", "valueCodeableConcept": "code", "dataAbsentReason": "none"}


def value_fields(value: Any, value_type: str, unit: str) -> dict[str, Any]:
    """The ``value[x]`` of an observation or component, or a dataAbsentReason when there is none."""
    if value is None or value_type == "none":
        return {"dataAbsentReason": absent()}
    if value_type == "numeric":
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            return {"dataAbsentReason": absent("error")}
        return {"valueQuantity": quantity(value, unit)}
    if value_type == "code" and isinstance(value, dict):
        return {"valueCodeableConcept": concept(value)}
    if value_type == "boolean":
        return {"valueBoolean": bool(value)}
    return {"valueString": str(value)}


def observation(obs: dict[str, Any], ctx: PatientContext) -> dict[str, Any]:
    category = obs.get("category") or "exam"
    res: dict[str, Any] = {
        "resourceType": "Observation",
        "id": obs["id"],
        "meta": None,  # set below, once the value's kind is known
        "status": "final",
        "category": [fixed(OBS_CATEGORY, category, CATEGORY_DISPLAY.get(category))],
        "code": concept_of(obs["codes"]),
        "subject": ctx.patient_ref,
    }
    enc = ctx.encounter_ref(obs.get("encounter"))
    if enc:
        res["encounter"] = enc
    res["effectiveDateTime"] = iso(obs["time"])
    res["issued"] = iso(obs["time"])
    components = obs.get("components") or []
    value_kind = "none"
    if obs.get("value") is not None or not components:
        value = value_fields(obs.get("value"), obs.get("value_type", "none"), obs.get("unit") or "")
        value_kind = VALUE_KINDS.get(next(iter(value)), "other")
        res.update(value)
    res["meta"] = observation_meta(category, obs["codes"][0], value_kind)
    if components:
        res["component"] = [
            {
                "code": concept_of(c["codes"]),
                **value_fields(c.get("value"), c.get("value_type", "none"), c.get("unit") or ""),
            }
            for c in components
        ]
    return res


def report(rep: dict[str, Any], ctx: PatientContext, known_observations: set[str]) -> dict[str, Any]:
    res: dict[str, Any] = {
        "resourceType": "DiagnosticReport",
        "id": rep["id"],
        "meta": meta("DiagnosticReport"),
        "status": "final",
        "category": [{"coding": [{"system": V2_0074, "code": "LAB", "display": "Laboratory"}], "text": "Laboratory"}],
        "code": concept_of(rep["codes"]),
        "subject": ctx.patient_ref,
    }
    enc = ctx.encounter_ref(rep.get("encounter"))
    if enc:
        res["encounter"] = enc
    res["effectiveDateTime"] = iso(rep["time"])
    res["issued"] = iso(rep["time"])
    pract = ctx.refs.practitioner(ctx.practitioner_of(rep.get("encounter")))
    if pract:
        res["performer"] = [pract]
    results = [ctx.refs.local("Observation", oid) for oid in rep.get("observations", []) if oid in known_observations]
    if results:
        res["result"] = results
    return res
