"""The Patient resource: demographics, US Core race/ethnicity/birth-sex extensions, identifiers."""

from __future__ import annotations

from typing import Any

from ehrsim.exporters.fhir.datatypes import day, fixed, iso
from ehrsim.exporters.fhir.profiles import meta
from ehrsim.exporters.fhir.terminology import identifier_systems, languages, race_ethnicity

US_CORE = "http://hl7.org/fhir/us/core/StructureDefinition/"
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
MARITAL = "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus"
MARITAL_DISPLAY = {"S": "Never Married", "M": "Married", "D": "Divorced", "W": "Widowed"}


def _identifier(kind: str, value: str) -> dict[str, Any]:
    spec = identifier_systems()[kind]
    out: dict[str, Any] = {"system": spec["system"], "value": value}
    if spec["type_code"]:
        out["type"] = {
            "coding": [{"system": V2_0203, "code": spec["type_code"], "display": spec["type_display"]}],
            "text": spec["type_display"],
        }
    return out


def _omb_extension(kind: str, value: str) -> dict[str, Any]:
    """us-core-race / us-core-ethnicity: an OMB (or detailed) coding plus the required text."""
    row = race_ethnicity()[value]
    coding = {"system": row["system"], "code": row["code"], "display": row["display"]}
    return {
        "url": f"{US_CORE}us-core-{kind}",
        "extension": [
            {"url": row["slice"], "valueCoding": coding},
            {"url": "text", "valueString": row["display"]},
        ],
    }


def _address(addr: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if addr.get("lat") is not None and addr.get("lon") is not None:
        out["extension"] = [
            {
                "url": "http://hl7.org/fhir/StructureDefinition/geolocation",
                "extension": [
                    {"url": "latitude", "valueDecimal": addr["lat"]},
                    {"url": "longitude", "valueDecimal": addr["lon"]},
                ],
            }
        ]
    out["use"] = "home"
    if addr.get("line"):
        out["line"] = [addr["line"]]
    for src, dst in (("city", "city"), ("county", "district"), ("state_abbr", "state"), ("zip", "postalCode")):
        if addr.get(src):
            out[dst] = addr[src]
    out["country"] = "US"
    return out


def _names(p: dict[str, Any]) -> list[dict[str, Any]]:
    given = [g for g in (p.get("first"), p.get("middle")) if g]
    official: dict[str, Any] = {"use": "official", "family": p.get("last") or "Unknown", "given": given or ["Unknown"]}
    if p.get("prefix"):
        official["prefix"] = [p["prefix"]]
    if p.get("suffix"):
        official["suffix"] = [p["suffix"]]
    names = [official]
    if p.get("maiden"):
        names.append({"use": "maiden", "family": p["maiden"], "given": official["given"]})
    return names


def patient(record: dict[str, Any], refs: Any) -> dict[str, Any]:
    p = record["patient"]
    gender = "male" if p["gender"] == "M" else "female"
    extensions: list[dict[str, Any]] = []
    if p.get("race") in race_ethnicity():
        extensions.append(_omb_extension("race", p["race"]))
    if p.get("ethnicity") in race_ethnicity():
        extensions.append(_omb_extension("ethnicity", p["ethnicity"]))
    extensions.append({"url": f"{US_CORE}us-core-birthsex", "valueCode": p["gender"]})
    place = p.get("birthplace") or {}
    if place:
        extensions.append(
            {
                "url": "http://hl7.org/fhir/StructureDefinition/patient-birthPlace",
                "valueAddress": {
                    k: v
                    for k, v in (
                        ("city", place.get("city")),
                        ("state", place.get("state")),
                        ("country", place.get("country")),
                    )
                    if v
                },
            }
        )
    identifiers = [_identifier("patient", f"urn:uuid:{record['id']}")]
    for kind in ("mrn", "ssn", "drivers", "passport"):
        if p.get(kind):
            identifiers.append(_identifier(kind, str(p[kind])))
    res: dict[str, Any] = {
        "resourceType": "Patient",
        "id": record["id"],
        "meta": meta("Patient"),
        "extension": extensions,
        "identifier": identifiers,
        "name": _names(p),
        "telecom": [
            t
            for t in (
                {"system": "phone", "value": p["phone"], "use": "home"} if p.get("phone") else None,
                {"system": "email", "value": p["email"]} if p.get("email") else None,
            )
            if t
        ],
        "gender": gender,
        "birthDate": day(p["birth_time"]),
    }
    if record.get("death"):
        res["deceasedDateTime"] = iso(record["death"]["time"])
    if p.get("address"):
        res["address"] = [_address(p["address"])]
    if p.get("marital") in MARITAL_DISPLAY:
        res["maritalStatus"] = fixed(MARITAL, p["marital"], MARITAL_DISPLAY[p["marital"]])
    lang = languages().get(p.get("language") or "")
    if lang:
        res["communication"] = [
            {
                "language": {
                    "coding": [{"system": "urn:ietf:bcp:47", "code": lang[0], "display": lang[1]}],
                    "text": lang[1],
                }
            }
        ]
    gp = refs.practitioner(p.get("practitioner"))
    if gp:
        res["generalPractitioner"] = [gp]
    org = refs.organization(p.get("organization"))
    if org:
        res["managingOrganization"] = org
    if not res["telecom"]:
        del res["telecom"]
    return res
