"""visit_occurrence and visit_detail: one of each per encounter (visit_detail_id = visit_occurrence_id).

A death certified inside the stay the patient died in is no visit of its own: its cause-of-death
observation belongs to the stay's visit (OMOP counts admissions from visit_occurrence).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ehrsim.exporters.omop.concepts import Concepts, conventions
from ehrsim.exporters.omop.person import _lookup
from ehrsim.exporters.omop.rows import PatientRows, date, datetime

#: the core's death certification encounter (SNOMED 308646001): at a hospital death it sits inside the stay
DEATH_CERTIFICATION = "308646001"
HOSPITAL_CLASSES = frozenset({"inpatient", "emergency", "hospice", "snf"})


def _stay_holding(
    enc: dict[str, Any], code: dict[str, Any] | None, stays: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """The stay a death certification encounter was made in (same class and place, within the stay), if any."""
    if code is None or code.get("code") != DEATH_CERTIFICATION or enc.get("class") not in HOSPITAL_CLASSES:
        return None
    return next(
        (
            s
            for s in reversed(stays)
            if s.get("class") == enc.get("class")
            and s.get("organization") == enc.get("organization")
            and s["start"] <= enc["start"] <= (s.get("stop") or enc["start"])
        ),
        None,
    )


@dataclass(frozen=True)
class Visit:
    visit_id: int
    provider_id: int | None
    care_site_id: int | None


def visit_rows(
    out: PatientRows, record: dict[str, Any], world: Any, concepts: Concepts, end_cap: int
) -> dict[str, Visit]:
    """Write the visits; returns encounter id -> Visit for the events recorded in them."""
    visits: dict[str, Visit] = {}
    ehr = conventions()["types"]["ehr"]
    by_class = conventions()["visits"]
    previous = None
    stays: list[dict[str, Any]] = []  # hospital-class encounters written so far
    for enc in record.get("encounters") or []:
        code = (enc.get("codes") or [None])[0]
        held = _stay_holding(enc, code, stays)
        if held is not None:  # a death certified in the stay the patient died in belongs to that visit
            visits[enc["id"]] = visits[held["id"]]
            continue
        if enc.get("class") in HOSPITAL_CLASSES:
            stays.append(enc)
        mapped = concepts.map(code)
        pract = _lookup(world, "practitioner", enc.get("practitioner"))
        org = _lookup(world, "organization", enc.get("organization"))
        start = enc["start"]
        stop = min(max(enc.get("stop") or start, start), max(end_cap, start))
        discharge = enc.get("discharge")
        row = {
            "visit_concept_id": by_class.get(enc.get("class", ""), 0),
            "visit_start_date": date(start),
            "visit_start_datetime": datetime(start),
            "visit_end_date": date(stop),
            "visit_end_datetime": datetime(stop),
            "visit_type_concept_id": ehr,
            "provider_id": pract["n"] if pract else None,
            "care_site_id": org["n"] if org else None,
            "visit_source_value": code["code"] if code else enc.get("class"),
            "visit_source_concept_id": mapped.source_concept_id,
            "discharged_to_concept_id": 0 if discharge else None,
            "discharged_to_source_value": discharge["code"] if discharge else None,
            "preceding_visit_occurrence_id": previous,
        }
        visit_id = out.add("visit_occurrence", row, "visit_occurrence_id")
        out.add(
            "visit_detail",
            {
                "visit_detail_id": visit_id,
                "visit_detail_concept_id": row["visit_concept_id"],
                "visit_detail_start_date": row["visit_start_date"],
                "visit_detail_start_datetime": row["visit_start_datetime"],
                "visit_detail_end_date": row["visit_end_date"],
                "visit_detail_end_datetime": row["visit_end_datetime"],
                "visit_detail_type_concept_id": ehr,
                "provider_id": row["provider_id"],
                "care_site_id": row["care_site_id"],
                "visit_detail_source_value": row["visit_source_value"],
                "visit_detail_source_concept_id": row["visit_source_concept_id"],
                "discharged_to_concept_id": row["discharged_to_concept_id"],
                "discharged_to_source_value": row["discharged_to_source_value"],
                "visit_occurrence_id": visit_id,
            },
        )
        visits[enc["id"]] = Visit(visit_id, row["provider_id"], row["care_site_id"])
        previous = visit_id
    return visits
