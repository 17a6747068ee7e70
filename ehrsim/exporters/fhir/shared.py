"""Organization, Location, Practitioner and PractitionerRole: the resources every patient shares."""

from __future__ import annotations

from typing import Any

from ehrsim.exporters.fhir.datatypes import fixed
from ehrsim.exporters.fhir.ids import derived_id
from ehrsim.exporters.fhir.profiles import meta
from ehrsim.exporters.fhir.terminology import identifier_systems, specialties

ORG_TYPE = "http://terminology.hl7.org/CodeSystem/organization-type"
ROLE = "http://terminology.hl7.org/CodeSystem/practitioner-role"
NUCC = "http://nucc.org/provider-taxonomy"


def _address(addr: dict[str, Any] | None) -> dict[str, Any]:
    addr = addr or {}
    out: dict[str, Any] = {}
    if addr.get("line"):
        out["line"] = [addr["line"]]
    for src, dst in (("city", "city"), ("state_abbr", "state"), ("zip", "postalCode")):
        if addr.get(src):
            out[dst] = addr[src]
    out["country"] = "US"
    return out


def _phone(phone: str | None) -> list[dict[str, str]]:
    return [{"system": "phone", "value": phone, "use": "work"}] if phone else []


def organization(org: dict[str, Any]) -> dict[str, Any]:
    systems = identifier_systems()
    identifiers = [{"system": systems["organization"]["system"], "value": org["id"]}]
    if org.get("npi"):
        identifiers.append({"system": systems["npi"]["system"], "value": str(org["npi"])})
    kind = "prov"  # healthcare provider: hospitals, clinics and urgent care alike
    res: dict[str, Any] = {
        "resourceType": "Organization",
        "id": org["id"],
        "meta": meta("Organization"),
        "identifier": identifiers,
        "active": True,
        "type": [fixed(ORG_TYPE, kind, "Healthcare Provider")],
        "name": org.get("name") or "Organization",
        "address": [_address(org.get("address"))],
    }
    if org.get("phone"):
        res["telecom"] = _phone(org["phone"])
    return res


def location(org: dict[str, Any]) -> dict[str, Any]:
    """The one site of an organization (Encounter.location points here)."""
    lid = derived_id(org["id"], "Location")
    addr = org.get("address") or {}
    res: dict[str, Any] = {
        "resourceType": "Location",
        "id": lid,
        "meta": meta("Location"),
        "identifier": [{"system": identifier_systems()["location"]["system"], "value": lid}],
        "status": "active",
        "name": org.get("name") or "Location",
        "address": _address(addr),
        "managingOrganization": None,  # filled by the caller's reference policy
    }
    if org.get("phone"):
        res["telecom"] = _phone(org["phone"])
    if addr.get("lat") is not None and addr.get("lon") is not None:
        res["position"] = {"longitude": addr["lon"], "latitude": addr["lat"]}
    return res


def practitioner(pract: dict[str, Any]) -> dict[str, Any]:
    name: dict[str, Any] = {"family": pract.get("last") or "Unknown", "given": [pract.get("first") or "Unknown"]}
    if pract.get("prefix"):
        name["prefix"] = [pract["prefix"]]
    res: dict[str, Any] = {
        "resourceType": "Practitioner",
        "id": pract["id"],
        "meta": meta("Practitioner"),
        "identifier": [
            {"system": identifier_systems()["npi"]["system"], "value": str(pract.get("npi") or pract["id"])}
        ],
        "active": True,
        "name": [name],
        "address": [_address(pract.get("address"))],
    }
    gender = {"M": "male", "F": "female"}.get(pract.get("gender", ""))
    if gender:
        res["gender"] = gender
    return res


def practitioner_role(pract: dict[str, Any], org: dict[str, Any] | None) -> dict[str, Any]:
    res: dict[str, Any] = {
        "resourceType": "PractitionerRole",
        "id": derived_id(pract["id"], "PractitionerRole"),
        "meta": meta("PractitionerRole"),
        "active": True,
        "practitioner": None,  # filled by the caller's reference policy
        "code": [fixed(ROLE, "doctor", "Doctor")],
    }
    if pract.get("specialty"):
        name = str(pract["specialty"])
        nucc = specialties().get(name)
        coding = [{"system": NUCC, "code": nucc, "display": name.title()}] if nucc else []
        res["specialty"] = [{"coding": coding, "text": name.title()} if coding else {"text": name.title()}]
    if org and org.get("phone"):
        res["telecom"] = _phone(org["phone"])
    return res


def shared_resources(world: Any, ref: Any, keys: list[tuple[str, str]] | None = None) -> list[dict[str, Any]]:
    """The shared resources (all of them, or those in ``keys``) with references filled by ``ref``.

    ``ref(rtype, key)`` returns a Reference dict; the order is Organization, Location,
    Practitioner, PractitionerRole so that loaders meet targets before referrers.
    """
    if keys is None:
        orgs = [o["id"] for o in world.organizations]
        practs = [p["id"] for p in world.practitioners]
    else:
        orgs = list(dict.fromkeys(k for t, k in keys if t in ("Organization", "Location")))
        practs = list(dict.fromkeys(k for t, k in keys if t == "Practitioner"))
        # a bundled practitioner's role points at its organization, which must come along
        for pid in practs:
            org_id = (world.practitioner(pid) or {}).get("organization")
            if org_id and org_id not in orgs and world.organization(org_id):
                orgs.append(org_id)
    out: list[dict[str, Any]] = []
    org_dicts = [o for o in (world.organization(i) for i in orgs) if o]
    out.extend(organization(o) for o in org_dicts)
    for o in org_dicts:
        loc = location(o)
        loc["managingOrganization"] = ref("Organization", o["id"])
        out.append(loc)
    pract_dicts = [p for p in (world.practitioner(i) for i in practs) if p]
    out.extend(practitioner(p) for p in pract_dicts)
    for p in pract_dicts:
        org = world.organization(p["organization"]) if p.get("organization") else None
        role = practitioner_role(p, org)
        role["practitioner"] = ref("Practitioner", p["id"])
        if org:
            role["organization"] = ref("Organization", org["id"])
            role["location"] = [ref("Location", org["id"])]
        out.append(role)
    return out
