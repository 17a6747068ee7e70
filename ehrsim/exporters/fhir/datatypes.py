"""Builders for the FHIR datatypes every resource family uses (plain dicts, no models)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from ehrsim.record import systems
from ehrsim.record.times import iso_local

#: the time zone of the patient being exported: dateTimes are written in local time with the offset
_ZONE: ContextVar[ZoneInfo | None] = ContextVar("ehrsim_fhir_zone", default=None)

#: record times repeat a lot within a patient (every observation of a visit): format each once.
#: Small on purpose: the hits are within a visit, and a worker lives for the whole run (65,536
#: entries were 15.6 MB filled over the first ~1,000 patients; 4,096 are about 1 MB)
_iso_in = lru_cache(maxsize=1 << 12)(iso_local)


def iso(t: float) -> str:
    """A FHIR dateTime/instant: local time of the patient's zone with its offset (UTC ``Z`` outside ``local_time``)."""
    return _iso_in(t, _ZONE.get())


def day(t: float) -> str:
    """A FHIR date: the local calendar date of the patient's zone (birthDate, CarePlan start)."""
    return iso(t)[:10]


@contextmanager
def local_time(zone: ZoneInfo | None) -> Iterator[None]:
    """Write the times of one patient's resources in ``zone`` (their state's time zone)."""
    token = _ZONE.set(zone)
    try:
        yield
    finally:
        _ZONE.reset(token)


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
