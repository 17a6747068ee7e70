"""Clinical notes: one per finished encounter, written from the record as it stood at that moment.

The text comes from Jinja2 templates under ``terminology/notes/templates/`` (one per encounter class,
chosen in ``terminology/notes/note_types.csv``); the facts come from ``snapshot``, which only sees
entries recorded by the end of the encounter, so a note cannot mention anything that came later.
Fact lines start with ``- `` and the entry's display, then ``  --  `` and details (the
note-consistency test reads them back).
"""

from __future__ import annotations

import csv
import uuid
from contextvars import ContextVar
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import jinja2

from ehrsim.core.clock import zone_for_state
from ehrsim.notes.snapshot import Snapshot, by_encounter, fmt_range, fmt_value, snapshot
from ehrsim.notes.symptoms import duration_words
from ehrsim.paths import terminology_dir
from ehrsim.record.times import day, local_date

Record = dict[str, Any]
_NOTE_NS = uuid.UUID("6f1d6c1e-3b0c-4d36-9a35-1c1c5b7a9e14")
_FLAG_WORDS = {"H": "HIGH", "L": "LOW", "HH": "CRITICAL HIGH", "LL": "CRITICAL LOW", "N": "normal"}
#: the patient's time zone while a note renders: dates in notes are local calendar dates (as in FHIR)
_ZONE: ContextVar[ZoneInfo | None] = ContextVar("ehrsim_note_zone", default=None)
#: encounter code -> note_types.csv key, for encounters whose note is not a visit note
_BY_CODE = {"308646001": "death_certification"}  # Death Certification (procedure)


def local_day(t: float) -> str:
    """``2019-03-04``: the local calendar date in the patient's zone (UTC when rendering outside a patient)."""
    zone = _ZONE.get()
    return local_date(t, zone).isoformat() if zone is not None else day(t)


def age_phrase(seconds: float) -> str:
    """How a clinician states an age: '6-day-old', '8-week-old' (under 13 weeks), '10-month-old', '45-year-old'."""
    days = max(seconds, 0) / 86400
    if days < 14:
        return f"{int(days)}-day-old"
    if days < 13 * 7:
        return f"{int(days // 7)}-week-old"
    months = int(days / 30.4375)
    if months < 24:
        return f"{months}-month-old"
    return f"{int(days // 365.2425)}-year-old"


@cache
def note_types() -> dict[str, dict[str, str]]:
    """Encounter class -> {loinc, display, title, template}."""
    with open(terminology_dir() / "notes" / "note_types.csv", newline="", encoding="utf-8") as fh:
        return {row["class"]: row for row in csv.DictReader(fh)}


def flag_word(obs: dict[str, Any]) -> str:
    """The interpretation flag in words (so colour is never the only signal), '' when absent."""
    return _FLAG_WORDS.get(obs.get("interpretation") or "", "")


@cache
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(terminology_dir() / "notes" / "templates")),
        autoescape=False,  # plain text notes
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(value=fmt_value, range=fmt_range, flag=flag_word, day=local_day)
    env.filters["since"] = lambda seconds: duration_words(max(seconds, 0))
    return env


def note_kind(enc: dict[str, Any]) -> dict[str, str]:
    """The note_types.csv row for an encounter: by its code (a death certification), else by its class."""
    types = note_types()
    code = enc["codes"][0]["code"] if enc.get("codes") else ""
    if code in _BY_CODE and _BY_CODE[code] in types:
        return types[_BY_CODE[code]]
    return types.get(enc["class"], types["ambulatory"])


def render_note(record: Record, snap: Snapshot) -> str:
    kind = note_kind(snap.encounter)
    template = _env().get_template(kind["template"])
    patient = record["patient"]
    sex = {"M": "male", "F": "female"}[patient["gender"]]
    age = age_phrase(snap.encounter["stop"] - patient["birth_time"])  # on the note's date (the encounter's end)
    token = _ZONE.set(zone_for_state((patient.get("address") or {}).get("state_abbr")))
    try:
        return template.render(s=snap, enc=snap.encounter, kind=kind, sex=sex, patient=patient, age=age)
    finally:
        _ZONE.reset(token)


def note_id(encounter_id: str) -> str:
    return str(uuid.uuid5(_NOTE_NS, encounter_id))


def build_notes(record: Record, until: int | None = None) -> list[dict[str, Any]]:
    """One note per encounter that ended by ``until`` (default: every encounter), in encounter order."""
    notes = []
    index = by_encounter(record)
    for enc in record.get("encounters", []):
        if enc["stop"] is None or enc.get("in_progress") or (until is not None and enc["stop"] > until):
            continue
        kind = note_kind(enc)
        snap = snapshot(record, enc, index)
        notes.append(
            {
                "id": note_id(enc["id"]),
                "encounter": enc["id"],
                "time": enc["stop"],
                "codes": [{"system": "LOINC", "code": kind["loinc"], "display": kind["display"]}],
                "title": kind["title"],
                "text": render_note(record, snap),
            }
        )
    return notes


class NotesTransform:
    """The record transform behind ``--notes``: adds the record's ``notes`` list."""

    name = "notes"

    def __call__(self, record: Record, ctx: Any) -> Record:
        record["notes"] = build_notes(record, ctx.end_time)
        return record
