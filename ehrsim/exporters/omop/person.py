"""person, location (the patient's address), death and observation_period rows."""

from __future__ import annotations

from typing import Any

from ehrsim.core.clock import zone_for_state
from ehrsim.exporters.omop.concepts import Concepts, conventions
from ehrsim.exporters.omop.rows import PatientRows, date, datetime
from ehrsim.record.times import local_date


def person_rows(out: PatientRows, record: dict[str, Any], world: Any, concepts: Concepts) -> None:
    p = record["patient"]
    demo = conventions()["demographics"]
    # the civil birth date of the patient's state, as FHIR birthDate and CSV BIRTHDATE write it
    birth = local_date(p["birth_time"], zone_for_state((p.get("address") or {}).get("state_abbr")))
    location_id = out.base  # k = 0: the patient's own address
    addr = p.get("address") or {}
    out.add(
        "location",
        {
            "location_id": location_id,
            "address_1": addr.get("line"),
            "city": addr.get("city"),
            "state": addr.get("state_abbr"),
            "zip": addr.get("zip"),
            "county": addr.get("county"),
            # the patient's id, like the organizations' ids: an all-digit FIPS code here made readers
            # that infer types from the first rows (polars, pandas) read the column as integers
            "location_source_value": record["id"],
            "country_concept_id": demo.get("country:US", 0) or None,
            "country_source_value": "US",
            "latitude": addr.get("lat"),
            "longitude": addr.get("lon"),
        },
    )
    pract = _lookup(world, "practitioner", p.get("practitioner"))
    org = _lookup(world, "organization", p.get("organization"))
    out.add(
        "person",
        {
            "gender_concept_id": demo.get(f"gender:{p['gender']}", 0),
            "year_of_birth": birth.year,
            "month_of_birth": birth.month,
            "day_of_birth": birth.day,
            "birth_datetime": datetime(p["birth_time"]),
            "race_concept_id": demo.get(f"race:{p.get('race')}", 0),
            "ethnicity_concept_id": demo.get(f"ethnicity:{p.get('ethnicity')}", 0),
            "location_id": location_id,
            "provider_id": pract["n"] if pract else None,
            "care_site_id": org["n"] if org else None,
            "person_source_value": record["id"],
            "gender_source_value": p["gender"],
            "gender_source_concept_id": 0,
            "race_source_value": p.get("race"),
            "race_source_concept_id": 0,
            "ethnicity_source_value": p.get("ethnicity"),
            "ethnicity_source_concept_id": 0,
        },
    )
    death = record.get("death")
    if death:
        cause = (death.get("codes") or [None])[0]
        mapped = concepts.map(cause)
        out.add(
            "death",
            {
                "death_date": date(death["time"]),
                "death_datetime": datetime(death["time"]),
                "death_type_concept_id": conventions()["types"]["death"],
                "cause_concept_id": mapped.concept_id,
                "cause_source_value": cause["code"] if cause else None,
                "cause_source_concept_id": mapped.source_concept_id,
            },
        )


def observation_period(out: PatientRows, first: int, last: int) -> None:
    """One period per person from the first to the last event day (both inclusive)."""
    out.add(
        "observation_period",
        {
            "observation_period_id": out.person_id,
            "observation_period_start_date": date(first),
            "observation_period_end_date": date(last),
            "period_type_concept_id": conventions()["types"]["observation_period"],
        },
    )


def _lookup(world: Any, kind: str, ident: str | None) -> dict[str, Any] | None:
    if not ident or world is None:
        return None
    getter = getattr(world, kind, None)
    try:
        found = getter(ident) if getter else None
    except (KeyError, LookupError):
        return None
    return found if isinstance(found, dict) else None
