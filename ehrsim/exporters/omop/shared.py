"""Rows written once per run: care_site, provider, their locations, and cdm_source."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import ehrsim
from ehrsim.exporters.omop.concepts import conventions
from ehrsim.exporters.omop.rows import encode


def _n(entry: dict[str, Any], position: int) -> int:
    return int(entry.get("n") or position + 1)


def location_lines(world: Any) -> Iterator[bytes]:
    """Each organization's address; location_id = the organization's n (patients use multiples of 10^6)."""
    for pos, org in enumerate(getattr(world, "organizations", None) or []):
        a = org.get("address") or {}
        yield encode(
            "location",
            {
                "location_id": _n(org, pos),
                "address_1": a.get("line"),
                "city": a.get("city"),
                "state": a.get("state_abbr"),
                "zip": a.get("zip"),
                "location_source_value": org["id"],
                "country_concept_id": conventions()["demographics"].get("country:US", 0) or None,
                "country_source_value": "US",
                "latitude": a.get("lat"),
                "longitude": a.get("lon"),
            },
        )


def care_site_lines(world: Any) -> Iterator[bytes]:
    places = conventions()["care_sites"]
    for pos, org in enumerate(getattr(world, "organizations", None) or []):
        yield encode(
            "care_site",
            {
                "care_site_id": _n(org, pos),
                "care_site_name": org.get("name"),
                "place_of_service_concept_id": places.get(org.get("type", ""), 0),
                "location_id": _n(org, pos),
                "care_site_source_value": org["id"],
                "place_of_service_source_value": org.get("type"),
            },
        )


def provider_lines(world: Any) -> Iterator[bytes]:
    orgs = {o["id"]: _n(o, pos) for pos, o in enumerate(getattr(world, "organizations", None) or [])}
    genders = conventions()["demographics"]
    for pos, pr in enumerate(getattr(world, "practitioners", None) or []):
        name = " ".join(x for x in (pr.get("prefix"), pr.get("first"), pr.get("last")) if x)
        yield encode(
            "provider",
            {
                "provider_id": _n(pr, pos),
                "provider_name": name,
                "npi": pr.get("npi"),
                "care_site_id": orgs.get(pr.get("organization") or ""),
                "gender_concept_id": genders.get(f"gender:{pr.get('gender')}", 0),
                "provider_source_value": pr["id"],
                "specialty_concept_id": conventions()["specialties"].get(pr.get("specialty") or "", 0),
                "specialty_source_value": pr.get("specialty"),
                "gender_source_value": pr.get("gender"),
            },
        )


def cdm_source_line(settings: Any, vocabulary_version: str) -> bytes:
    day = settings.reference_date.isoformat()
    return encode(
        "cdm_source",
        {
            "cdm_source_name": "ehrsim synthetic EHR",
            "cdm_source_abbreviation": "ehrsim",
            "cdm_holder": "ehrsim (synthetic data, no real people)",
            "source_description": f"ehrsim {ehrsim.__version__}, seed {settings.seed}, "
            f"{settings.population} patients, reference date {day}",
            "source_documentation_reference": "docs/omop.md",
            "cdm_etl_reference": "ehrsim.exporters.omop",
            "source_release_date": day,
            "cdm_release_date": day,
            "cdm_version": "v5.4",
            "cdm_version_concept_id": conventions()["types"]["cdm_version"],
            "vocabulary_version": vocabulary_version,
        },
    )
