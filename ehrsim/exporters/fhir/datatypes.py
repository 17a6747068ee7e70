"""Builders for the FHIR datatypes every resource family uses (plain dicts, no models)."""

from __future__ import annotations

from functools import lru_cache
from html import escape
from typing import Any

from ehrsim.record import systems
from ehrsim.record.times import day
from ehrsim.record.times import iso as _iso

#: record times repeat a lot within a patient (every observation of a visit): format each once
iso = lru_cache(maxsize=1 << 16)(_iso)

UCUM = "http://unitsofmeasure.org"
DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"


def coding(code: dict[str, Any]) -> dict[str, Any]:
    """A Coding from a record code ``{"system", "code", "display"}``."""
    out = {"system": systems.uri(code["system"]), "code": str(code["code"])}
    if code.get("display"):
        out["display"] = code["display"]
    return out


def concept(code: dict[str, Any]) -> dict[str, Any]:
    """A CodeableConcept of one record code, its display as text."""
    out: dict[str, Any] = {"coding": [coding(code)]}
    if code.get("display"):
        out["text"] = code["display"]
    return out


def concept_of(codes: list[dict[str, Any]]) -> dict[str, Any]:
    """A CodeableConcept of several codings for the same concept (the first is primary)."""
    out: dict[str, Any] = {"coding": [coding(c) for c in codes]}
    if codes and codes[0].get("display"):
        out["text"] = codes[0]["display"]
    return out


def fixed(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    """A CodeableConcept for a FHIR-defined code (status, category...)."""
    c = {"system": system, "code": code}
    if display:
        c["display"] = display
    return {"coding": [c]}


def period(start: float | None, stop: float | None) -> dict[str, str]:
    """A Period; a stop before the start (bad input) is dropped rather than made invalid."""
    out = {}
    if start is not None:
        out["start"] = iso(start)
    if stop is not None and (start is None or stop >= start):
        out["end"] = iso(stop)
    return out


def quantity(value: float, unit: str) -> dict[str, Any]:
    """A Quantity; a UCUM ``unit`` gives both the human unit and the UCUM code."""
    out: dict[str, Any] = {"value": value}
    if unit:
        out.update(unit=unit, system=UCUM, code=unit)
    return out


def absent(reason: str = "unknown") -> dict[str, Any]:
    """A dataAbsentReason concept."""
    return fixed(DATA_ABSENT, reason, reason.capitalize())


def narrative(text: str) -> dict[str, str]:
    """A generated Narrative holding ``text`` (escaped XHTML)."""
    return {"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{escape(text)}</div>'}


__all__ = ["absent", "coding", "concept", "concept_of", "day", "fixed", "iso", "narrative", "period", "quantity"]
