"""Rows of the clinical CSV files (conditions … imaging_studies), one function per file.

Formats follow Synthea's CSVExporter: dates (``YYYY-MM-DD``) for conditions, allergies, care
plans and supplies, ISO-8601 UTC instants elsewhere; observations with components are flattened
into one row per component.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ehrsim.exporters.csv.lines import COST
from ehrsim.exporters.csv.patient_rows import first_code
from ehrsim.exporters.csv.timefmt import day, iso

_OBS_TYPE = {"numeric": "numeric", "boolean": "boolean", "code": "text", "text": "text"}


def _opt_day(t: int | None) -> str:
    return day(t) if t is not None else ""


def _opt_iso(t: int | None) -> str:
    return iso(t) if t is not None else ""


def _enc(entry: dict[str, Any]) -> str:
    return entry.get("encounter") or ""


def condition_row(pid: str, c: dict[str, Any]) -> list[Any]:
    code = c["codes"][0]
    return [
        day(c["start"]),
        _opt_day(c.get("stop")),
        pid,
        _enc(c),
        code["system"],
        code["code"],
        code.get("display", ""),
    ]


def allergy_row(pid: str, a: dict[str, Any]) -> list[Any]:
    code = a["codes"][0]
    reactions: list[Any] = []
    for r in (a.get("reactions") or [])[:2]:
        reactions += [r["code"]["code"], r["code"].get("display", ""), (r.get("severity") or "").upper()]
    reactions += [""] * (6 - len(reactions))
    return [
        day(a["start"]),
        _opt_day(a.get("stop")),
        pid,
        _enc(a),
        code["code"],
        code["system"],
        code.get("display", ""),
        a.get("type") or "",
        a.get("category") or "",
        *reactions,
    ]


def medication_row(pid: str, m: dict[str, Any]) -> list[Any]:
    code, display = first_code(m["codes"])
    reason_code, reason_display = first_code(m.get("reason"))
    dispenses = (m.get("refills") or 0) + 1
    return [
        iso(m["start"]),
        _opt_iso(m.get("stop")),
        pid,
        "",
        _enc(m),
        code,
        display,
        COST,
        COST,
        dispenses,
        COST,
        reason_code,
        reason_display,
    ]


def format_value(value: Any, value_type: str, decimals: int | None = 1) -> str:
    """Synthea-style VALUE: numbers with one decimal (Synthea's ``%.1f``; ``decimals=None`` keeps
    the full value), codes by display, booleans true/false."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return value.get("display") or value.get("code", "")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"{value:.{decimals}f}" if decimals is not None else repr(float(value))
    return str(value)


def observation_rows(pid: str, o: dict[str, Any], decimals: int | None = 1) -> Iterator[list[Any]]:
    """The observation's own row (when it has a value), then one row per component."""
    when, enc, category = iso(o["time"]), _enc(o), o.get("category") or ""
    parts = []
    if o.get("value") is not None or not o.get("components"):
        parts.append(o)
    parts.extend(o.get("components") or [])
    for part in parts:
        code, display = first_code(part["codes"])
        vtype = part.get("value_type") or "none"
        yield [
            when,
            pid,
            enc,
            category,
            code,
            display,
            format_value(part.get("value"), vtype, decimals),
            part.get("unit") or "",
            _OBS_TYPE.get(vtype, "text"),
        ]


def procedure_row(pid: str, p: dict[str, Any]) -> list[Any]:
    code = p["codes"][0]
    reason_code, reason_display = first_code(p.get("reason"))
    return [
        iso(p["start"]),
        _opt_iso(p.get("stop")),
        pid,
        _enc(p),
        code["system"],
        code["code"],
        code.get("display", ""),
        COST,
        reason_code,
        reason_display,
    ]


def immunization_row(pid: str, i: dict[str, Any]) -> list[Any]:
    code, display = first_code(i["codes"])
    return [iso(i["time"]), pid, _enc(i), code, display, COST]


def careplan_row(pid: str, c: dict[str, Any]) -> list[Any]:
    code, display = first_code(c["codes"])
    reason_code, reason_display = first_code(c.get("reason"))
    return [c["id"], day(c["start"]), _opt_day(c.get("stop")), pid, _enc(c), code, display, reason_code, reason_display]


def device_row(pid: str, d: dict[str, Any]) -> list[Any]:
    code, display = first_code(d["codes"])
    return [iso(d["start"]), _opt_iso(d.get("stop")), pid, _enc(d), code, display, d.get("udi") or ""]


def supply_row(pid: str, s: dict[str, Any]) -> list[Any]:
    code, display = first_code(s["codes"])
    return [day(s["time"]), pid, _enc(s), code, display, s.get("quantity")]


def imaging_rows(pid: str, study: dict[str, Any]) -> Iterator[list[Any]]:
    """One row per instance; (Id, SERIES_UID, INSTANCE_UID) is the key, as in Synthea."""
    when, enc = iso(study["time"]), _enc(study)
    proc = (study.get("procedure_code") or {}).get("code", "")
    for series in study.get("series") or []:
        site, modality = series.get("body_site") or {}, series.get("modality") or {}
        for inst in series.get("instances") or []:
            sop = inst.get("sop_class") or {}
            yield [
                study["id"],
                when,
                pid,
                enc,
                series["uid"],
                site.get("code", ""),
                site.get("display", ""),
                modality.get("code", ""),
                modality.get("display", ""),
                inst["uid"],
                sop.get("code", ""),
                sop.get("display", ""),
                proc,
            ]
