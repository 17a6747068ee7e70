"""Each record list turned into events (events.py routes them by domain).

Not exported: care plans (no CDM table), diagnostic reports (their observations are exported)
and imaging studies (their procedure is recorded as a procedure entry).
"""

from __future__ import annotations

from typing import Any

from ehrsim.exporters.omop.concepts import conventions
from ehrsim.exporters.omop.events import EventWriter

MEASUREMENT_CATEGORIES = {"laboratory", "vital-signs"}


def write_entries(w: EventWriter, record: dict[str, Any]) -> None:
    for c in record.get("conditions") or []:
        w.emit(w.event(c, c["codes"][0], c["start"], c.get("stop")), "Condition")
    for a in record.get("allergies") or []:
        w.emit(w.event(a, a["codes"][0], a["start"], a.get("stop")), "Observation")
    types = conventions()["types"]
    for m in record.get("medications") or []:
        administered_only = m.get("administered") and not m.get("requested")
        dosage = m.get("dosage") or {}
        duration = m.get("duration_days")
        stop_reason = m.get("stop_reason")
        extra = {
            "type_concept_id": types["administration" if administered_only else "prescription"],
            "refills": m.get("refills"),
            "days_supply": round(duration) if duration else None,
            "stop_reason": stop_reason.get("display") if stop_reason else None,
            "dose_unit": dosage.get("unit"),
            "open_end": w.end_cap,
            "sig": _sig(dosage, m.get("as_needed")),
        }
        w.emit(w.event(m, m["codes"][0], m["start"], m.get("stop"), extra=extra), "Drug")
    for i in record.get("immunizations") or []:
        extra = {"type_concept_id": types["administration"]}
        w.emit(w.event(i, i["codes"][0], i["time"], i["time"], extra=extra), "Drug")
    for p in record.get("procedures") or []:
        w.emit(w.event(p, p["codes"][0], p["start"], p.get("stop")), "Procedure")
    for o in record.get("observations") or []:
        for part in _observation_parts(o):
            vtype = part.get("value_type") or "none"
            default = (
                "Measurement" if vtype == "numeric" or o.get("category") in MEASUREMENT_CATEGORIES else "Observation"
            )
            ev = w.event(
                o,
                part["codes"][0],
                o["time"],
                None,
                value=part.get("value"),
                value_type=vtype,
                unit=part.get("unit") or "",
                extra={"range": part["reference_range"]} if part.get("reference_range") else {},
            )
            w.emit(ev, default)
    for d in record.get("devices") or []:
        w.emit(w.event(d, d["codes"][0], d["start"], d.get("stop"), extra={"udi": d.get("udi")}), "Device")
    for s in record.get("supplies") or []:
        w.emit(w.event(s, s["codes"][0], s["time"], None, extra={"quantity": s.get("quantity")}), "Device")


def _observation_parts(o: dict[str, Any]) -> list[dict[str, Any]]:
    """The observation itself when it has a value (or nothing else), then its components."""
    parts = [o] if o.get("value") is not None or not o.get("components") else []
    return parts + list(o.get("components") or [])


def _sig(dosage: dict[str, Any], as_needed: bool | None) -> str | None:
    if not dosage:
        return "as needed" if as_needed else None
    text = (
        f"{dosage.get('amount')} dose {dosage.get('frequency')} times per {dosage.get('period')} {dosage.get('unit')}"
    )
    return text + (" as needed" if as_needed else "")
