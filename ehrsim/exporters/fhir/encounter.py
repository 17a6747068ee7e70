"""The Encounter resource."""

from __future__ import annotations

from typing import Any

from ehrsim.exporters.fhir.context import PatientContext
from ehrsim.exporters.fhir.datatypes import concept, concept_of, period
from ehrsim.exporters.fhir.profiles import meta
from ehrsim.exporters.fhir.terminology import encounter_classes, identifier_systems

ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"


def encounter(enc: dict[str, Any], ctx: PatientContext) -> dict[str, Any]:
    code, display = encounter_classes().get(enc.get("class", ""), ("AMB", "ambulatory"))
    stop = enc.get("stop")
    finished = stop is not None and stop <= ctx.reference_time and not enc.get("in_progress")
    if not finished:
        stop = None  # still under way at the reference date: the period has no end yet
    res: dict[str, Any] = {
        "resourceType": "Encounter",
        "id": enc["id"],
        "meta": meta("Encounter"),
        "identifier": [{"system": identifier_systems()["encounter"]["system"], "value": enc["id"]}],
        "status": "finished" if finished else "in-progress",
        "class": {"system": ACT_CODE, "code": code, "display": display},
        "type": [concept_of(enc["codes"])],
        "subject": ctx.patient_ref,
        "period": period(enc["start"], stop),
    }
    pract = ctx.refs.practitioner(enc.get("practitioner"))
    if pract:
        res["participant"] = [
            {
                "type": [
                    {
                        "coding": [{"system": PARTICIPATION, "code": "PPRF", "display": "primary performer"}],
                        "text": "primary performer",
                    }
                ],
                "period": res["period"],
                "individual": pract,
            }
        ]
    if enc.get("reason"):
        res["reasonCode"] = [concept(r) for r in enc["reason"]]
    if enc.get("discharge"):
        res["hospitalization"] = {"dischargeDisposition": concept(enc["discharge"])}
    loc = ctx.refs.location(enc.get("organization"))
    if loc:
        res["location"] = [{"location": loc}]
    org = ctx.refs.organization(enc.get("organization"))
    if org:
        res["serviceProvider"] = org
    return res
