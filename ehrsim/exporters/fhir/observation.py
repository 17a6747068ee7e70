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

INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
INTERPRETATION_DISPLAY = {"N": "Normal", "H": "High", "L": "Low", "HH": "Critical high", "LL": "Critical low"}
#: US Core pulse oximetry requires both codings; a record holding one gets the other added
PULSE_OXIMETRY = {
    "59408-5": {"system": "LOINC", "code": "2708-6", "display": "Oxygen saturation in Arterial blood"},
    "2708-6": {
        "system": "LOINC",
        "code": "59408-5",
        "display": "Oxygen saturation in Arterial blood by Pulse oximetry",
    },
}

#: HL7 v2-0074 diagnostic service sections of the reports ehrsim writes
REPORT_SECTIONS = {
    "LAB": "Laboratory",
    "RAD": "Radiology",
    "CUS": "Cardiac Ultrasound",
    "EC": "Electrocardiac (e.g., EKG, EEC, Holter)",
    "SP": "Surgical Pathology",
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


def range_fields(part: dict[str, Any]) -> dict[str, Any]:
    """``referenceRange`` and ``interpretation`` of a numeric result that carries them."""
    out: dict[str, Any] = {}
    bounds = part.get("reference_range")
    if part.get("value_type") == "numeric" and bounds and (bounds[0] is not None or bounds[1] is not None):
        unit = part.get("unit") or ""
        ref: dict[str, Any] = {}
        if bounds[0] is not None:
            ref["low"] = quantity(bounds[0], unit)
        if bounds[1] is not None:
            ref["high"] = quantity(bounds[1], unit)
        out["referenceRange"] = [ref]
    flag = part.get("interpretation")
    if flag in INTERPRETATION_DISPLAY:
        display = INTERPRETATION_DISPLAY[flag]
        out["interpretation"] = [
            {"coding": [{"system": INTERPRETATION, "code": flag, "display": display}], "text": display}
        ]
    return out


def _codes(obs: dict[str, Any]) -> list[dict[str, Any]]:
    codes = obs["codes"]
    first = codes[0] if codes else {}
    extra = PULSE_OXIMETRY.get(first.get("code", "")) if first.get("system") == "LOINC" else None
    if extra is not None and all(c.get("code") != extra["code"] for c in codes):
        return [*codes, extra]
    return codes


def observation(obs: dict[str, Any], ctx: PatientContext) -> dict[str, Any]:
    category = obs.get("category") or "exam"
    res: dict[str, Any] = {
        "resourceType": "Observation",
        "id": obs["id"],
        "meta": None,  # set below, once the value's kind is known
        "status": "final",
        "category": [fixed(OBS_CATEGORY, category, CATEGORY_DISPLAY.get(category))],
        "code": concept_of(_codes(obs)),
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
        res.update(range_fields(obs))
    res["meta"] = observation_meta(category, obs["codes"][0], value_kind)
    if components:
        res["component"] = [
            {
                "code": concept_of(c["codes"]),
                **value_fields(c.get("value"), c.get("value_type", "none"), c.get("unit") or ""),
                **range_fields(c),
            }
            for c in components
        ]
    return res


def report(rep: dict[str, Any], ctx: PatientContext, known_observations: set[str]) -> dict[str, Any]:
    section = rep.get("category") or "LAB"
    display = REPORT_SECTIONS.get(section, section)
    res: dict[str, Any] = {
        "resourceType": "DiagnosticReport",
        "id": rep["id"],
        "meta": meta("DiagnosticReport" if section == "LAB" else "DiagnosticReport:note"),
        "status": "final",
        "category": [{"coding": [{"system": V2_0074, "code": section, "display": display}], "text": display}],
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
    if rep.get("conclusion"):
        res["conclusion"] = rep["conclusion"]
    if rep.get("conclusion_codes"):
        res["conclusionCode"] = [concept(c) for c in rep["conclusion_codes"]]
    return res
