"""Device, SupplyDelivery and ImagingStudy: things used on or made of the patient."""

from __future__ import annotations

import re
from typing import Any

from ehrsim.exporters.fhir.context import PatientContext
from ehrsim.exporters.fhir.datatypes import coding, concept, concept_of, fixed, iso
from ehrsim.exporters.fhir.profiles import meta

SUPPLY_TYPE = "http://terminology.hl7.org/CodeSystem/supply-item-type"
_DEVICE_IDENTIFIER = re.compile(r"\(01\)(\d+)")


def device(entry: dict[str, Any], ctx: PatientContext) -> dict[str, Any]:
    udi = str(entry.get("udi") or "")
    match = _DEVICE_IDENTIFIER.search(udi)
    stop = entry.get("stop")
    res: dict[str, Any] = {
        "resourceType": "Device",
        "id": entry["id"],
        "meta": meta("Device"),
    }
    if udi:
        res["udiCarrier"] = [{"deviceIdentifier": match.group(1) if match else udi, "carrierHRF": udi}]
    res["status"] = "active" if stop is None or stop > ctx.reference_time else "inactive"
    if entry.get("manufacturer"):
        res["manufacturer"] = str(entry["manufacturer"])
    if entry.get("model"):
        res["modelNumber"] = str(entry["model"])
    res["type"] = concept_of(entry["codes"])
    res["patient"] = ctx.patient_ref
    return res


def supply_delivery(entry: dict[str, Any], ctx: PatientContext) -> dict[str, Any]:
    res: dict[str, Any] = {
        "resourceType": "SupplyDelivery",
        "id": entry["id"],
        "meta": meta("SupplyDelivery"),
        "status": "completed",
        "patient": ctx.patient_ref,
        "type": fixed(SUPPLY_TYPE, "device", "Device"),
        "suppliedItem": {
            "quantity": {"value": entry.get("quantity") or 1},
            "itemCodeableConcept": concept_of(entry["codes"]),
        },
        "occurrenceDateTime": iso(entry["time"]),
    }
    return res


def _oid(uid: str) -> str:
    return uid if uid.startswith("urn:") else f"urn:oid:{uid}"


def imaging_study(entry: dict[str, Any], ctx: PatientContext) -> dict[str, Any]:
    started = iso(entry["time"])
    series = []
    total = 0
    for number, s in enumerate(entry.get("series") or [], start=1):
        instances = [
            {
                "uid": inst["uid"],
                "sopClass": {"system": "urn:ietf:rfc:3986", "code": _oid(str(inst["sop_class"]["code"]))},
                "number": i,
                "title": inst.get("title") or inst["sop_class"].get("display") or "Image",
            }
            for i, inst in enumerate(s.get("instances") or [], start=1)
        ]
        total += len(instances)
        item: dict[str, Any] = {"uid": s["uid"], "number": number, "modality": coding(s["modality"])}
        item["numberOfInstances"] = len(instances)
        if s.get("body_site"):
            item["bodySite"] = coding(s["body_site"])
        item["started"] = started
        if instances:
            item["instance"] = instances
        series.append(item)
    res: dict[str, Any] = {
        "resourceType": "ImagingStudy",
        "id": entry["id"],
        "meta": meta("ImagingStudy"),
        "identifier": [{"use": "official", "system": "urn:ietf:rfc:3986", "value": _oid(str(entry["uid"]))}],
        "status": "available",
        "subject": ctx.patient_ref,
    }
    enc = ctx.encounter_ref(entry.get("encounter"))
    if enc:
        res["encounter"] = enc
    res["started"] = started
    res["numberOfSeries"] = len(series)
    res["numberOfInstances"] = total
    if entry.get("procedure_code"):
        res["procedureCode"] = [concept(entry["procedure_code"])]
    loc = ctx.refs.location(ctx.organization_of(entry.get("encounter"))) if enc else None
    if loc:
        res["location"] = loc
    if series:
        res["series"] = series
    return res
