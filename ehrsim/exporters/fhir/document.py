"""DocumentReference: a clinical note (``--notes``) as US Core Clinical Notes asks for it."""

from __future__ import annotations

import base64
from typing import Any

from ehrsim.exporters.fhir.context import PatientContext
from ehrsim.exporters.fhir.datatypes import concept_of, fixed, iso, period
from ehrsim.exporters.fhir.profiles import meta

US_CORE_CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category"


def document_reference(note: dict[str, Any], ctx: PatientContext) -> dict[str, Any]:
    res: dict[str, Any] = {
        "resourceType": "DocumentReference",
        "id": note["id"],
        "meta": meta("DocumentReference"),
        "status": "current",
        "type": concept_of(note["codes"]),
        "category": [fixed(US_CORE_CATEGORY, "clinical-note", "Clinical Note")],
        "subject": ctx.patient_ref,
        "date": iso(note["time"]),
        "description": note["title"],
        "content": [
            {
                "attachment": {
                    "contentType": "text/plain; charset=utf-8",
                    "language": "en-US",
                    "data": base64.b64encode(note["text"].encode("utf-8")).decode("ascii"),
                    "title": note["title"],
                    "creation": iso(note["time"]),
                }
            }
        ],
    }
    enc_id = note.get("encounter")
    pract = ctx.refs.practitioner(ctx.practitioner_of(enc_id))
    if pract:
        res["author"] = [pract]
    enc = ctx.encounter_ref(enc_id)
    if enc and enc_id:
        e = ctx.encounters[enc_id]
        res["context"] = {"encounter": [enc], "period": period(e["start"], e["stop"])}
    return res
