"""Clinical plausibility: nothing before birth or after death, periods in order, vitals in range.

Needs the patient's birth and death dates, so Patient resources are read before the resources
that point at them (bundles list the Patient first; NDJSON reads ``Patient.ndjson`` first).
"""

from __future__ import annotations

from typing import Any

from ehrsim.exporters.fhir.terminology import plausible_ranges
from ehrsim.validate.report import Problem

#: fields holding a dateTime, and Period fields, of the resources ehrsim writes
DATE_FIELDS = (
    "onsetDateTime",
    "abatementDateTime",
    "recordedDate",
    "effectiveDateTime",
    "issued",
    "authoredOn",
    "occurrenceDateTime",
    "performedDateTime",
    "started",
    "startDate",
)
PERIOD_FIELDS = ("period", "performedPeriod", "effectivePeriod")
SLACK_DAYS = 1  # a death certificate may be written the day after death


def _day(value: Any) -> str | None:
    return value[:10] if isinstance(value, str) and len(value) >= 10 else None


def subject_id(res: dict[str, Any]) -> str | None:
    ref = (res.get("subject") or res.get("patient") or {}).get("reference", "")
    if ref.startswith(("Patient/", "urn:uuid:")):
        return ref.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    return None


class PlausibilityChecker:
    def __init__(self) -> None:
        self.lifespans: dict[str, tuple[str | None, str | None]] = {}  # patient id -> (birth day, death day)

    def add_patient(self, res: dict[str, Any]) -> None:
        self.lifespans[res.get("id", "")] = (_day(res.get("birthDate")), _day(res.get("deceasedDateTime")))

    def check(self, res: dict[str, Any], where: str) -> list[Problem]:
        problems: list[Problem] = []
        times: list[tuple[str, str]] = [(f, _day(res.get(f)) or "") for f in DATE_FIELDS if _day(res.get(f))]
        for name in PERIOD_FIELDS:
            p = res.get(name)
            if isinstance(p, dict):
                start, end = p.get("start"), p.get("end")
                if start and end and end < start:
                    problems.append(Problem("plausibility", where, f"{name} ends ({end}) before it starts ({start})"))
                times += [(f"{name}.{k}", _day(p.get(k)) or "") for k in ("start", "end") if _day(p.get(k))]
        onset, abated = _day(res.get("onsetDateTime")), _day(res.get("abatementDateTime"))
        if onset and abated and abated < onset:
            problems.append(Problem("plausibility", where, f"abated {abated} before onset {onset}"))
        birth, death = self.lifespans.get(subject_id(res) or "", (None, None))
        for name, day in times:
            if birth and day < birth:
                problems.append(Problem("plausibility", where, f"{name} {day} is before birth ({birth})"))
            if death and day > _plus_days(death, SLACK_DAYS) and name != "recordedDate":
                problems.append(Problem("plausibility", where, f"{name} {day} is after death ({death})"))
        if res.get("resourceType") == "Observation":
            problems += self._ranges(res, where)
        return problems

    def _ranges(self, res: dict[str, Any], where: str) -> list[Problem]:
        problems = []
        items = [res, *res.get("component", [])]
        for item in items:
            q = item.get("valueQuantity")
            codings = (item.get("code") or {}).get("coding") or []
            if not q or not codings:
                continue
            loinc = next((c.get("code") for c in codings if c.get("system") == "http://loinc.org"), None)
            rng = plausible_ranges().get(loinc or "")
            if rng and q.get("code") == rng[0] and isinstance(q.get("value"), int | float):
                unit, low, high = rng
                if not low <= q["value"] <= high:
                    problems.append(
                        Problem("plausibility", where, f"LOINC {loinc} = {q['value']} {unit} outside {low}-{high}")
                    )
        return problems


def _plus_days(day: str, days: int) -> str:
    import datetime as dt

    try:
        return (dt.date.fromisoformat(day) + dt.timedelta(days=days)).isoformat()
    except ValueError:
        return day
