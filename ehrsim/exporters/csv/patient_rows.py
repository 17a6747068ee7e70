"""Rows of patients.csv and encounters.csv: the person and their visits."""

from __future__ import annotations

from typing import Any

from ehrsim.core.clock import zone_for_state
from ehrsim.exporters.csv.lines import COST
from ehrsim.exporters.csv.timefmt import day, iso
from ehrsim.record.times import local_date


def first_code(codes: list[dict[str, Any]] | None) -> tuple[str, str]:
    """(code, display) of the first code in a list, or empty strings."""
    if not codes:
        return "", ""
    return codes[0]["code"], codes[0].get("display", "")


def patient_row(record: dict[str, Any]) -> list[Any]:
    """One patients.csv row; cost columns hold the COST placeholder (no cost model yet)."""
    p = record["patient"]
    addr = p.get("address") or {}
    birth = p.get("birthplace") or {}
    death = record.get("death")
    birthplace = "  ".join(x for x in (birth.get("city", ""), birth.get("state", ""), birth.get("country", "")) if x)
    return [
        record["id"],
        local_date(p["birth_time"], zone_for_state(addr.get("state_abbr"))).isoformat(),  # as FHIR birthDate
        day(death["time"]) if death else "",
        p.get("ssn", ""),
        p.get("drivers", ""),
        p.get("passport", ""),
        p.get("prefix", ""),
        p.get("first", ""),
        p.get("middle", ""),
        p.get("last", ""),
        p.get("suffix", ""),
        p.get("maiden", ""),
        p.get("marital", ""),
        p.get("race", ""),
        p.get("ethnicity", ""),
        p.get("gender", ""),
        birthplace,
        addr.get("line", ""),
        addr.get("city", ""),
        addr.get("state", ""),
        addr.get("county", ""),
        addr.get("fips", ""),
        addr.get("zip", ""),
        addr.get("lat"),
        addr.get("lon"),
        COST,
        COST,
        p.get("income"),
    ]


def encounter_row(pid: str, e: dict[str, Any]) -> list[Any]:
    """One encounters.csv row; PAYER stays empty and the cost columns hold the COST placeholder."""
    code, display = first_code(e.get("codes"))
    reason_code, reason_display = first_code(e.get("reason"))
    return [
        e["id"],
        iso(e["start"]),
        iso(e["stop"]) if e.get("stop") is not None else "",
        pid,
        e.get("organization") or "",
        e.get("practitioner") or "",
        "",
        e.get("class", ""),
        code,
        display,
        COST,
        COST,
        COST,
        reason_code,
        reason_display,
    ]
