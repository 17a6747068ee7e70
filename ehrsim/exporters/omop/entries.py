"""Each record list turned into events (events.py routes them by domain).

Not exported: care plans (no CDM table), diagnostic reports (their observations are exported)
and imaging studies (their procedure is recorded as a procedure entry).
"""

from __future__ import annotations

from typing import Any

from ehrsim.exporters.omop.concepts import conventions, route_of
from ehrsim.exporters.omop.events import EventWriter
from ehrsim.gmf.values import SECONDS

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
        route, form = route_of(m["codes"][0].get("display", ""))
        extra = {
            "type_concept_id": types["administration" if administered_only else "prescription"],
            "route_concept_id": route,
            "route_source_value": form,
            "quantity": _quantity(dosage, duration),
            "refills": m.get("refills"),
            "days_supply": round(duration) if duration else None,
            "stop_reason": stop_reason.get("display") if stop_reason else None,
            # GMF dosage.unit is the period's time unit ("days"), not a dose unit; only a real dose unit goes here
            "dose_unit": dosage.get("dose_unit"),
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


def _quantity(dosage: dict[str, Any], duration_days: float | None) -> float | None:
    """Doses dispensed: amount x frequency per period over the days supplied (None when unknown)."""
    try:
        per_period = float(dosage["amount"]) * float(dosage["frequency"])
        period_days = float(dosage["period"]) * SECONDS[dosage["unit"]] / 86_400
    except (KeyError, TypeError, ValueError):
        return None
    if not duration_days or period_days <= 0:
        return None
    return round(per_period * duration_days / period_days, 2)


def _sig(dosage: dict[str, Any], as_needed: bool | None) -> str | None:
    if not dosage:
        return "as needed" if as_needed else None
    text = (
        f"{dosage.get('amount')} dose {dosage.get('frequency')} times per {dosage.get('period')} {dosage.get('unit')}"
    )
    return text + (" as needed" if as_needed else "")
