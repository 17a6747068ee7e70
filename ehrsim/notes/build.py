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
from functools import cache
from typing import Any

import jinja2

from ehrsim.notes.snapshot import Snapshot, by_encounter, fmt_range, fmt_value, snapshot
from ehrsim.notes.symptoms import duration_words
from ehrsim.paths import terminology_dir
from ehrsim.record.times import day

Record = dict[str, Any]
_NOTE_NS = uuid.UUID("6f1d6c1e-3b0c-4d36-9a35-1c1c5b7a9e14")
_FLAG_WORDS = {"H": "HIGH", "L": "LOW", "HH": "CRITICAL HIGH", "LL": "CRITICAL LOW", "N": "normal"}


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
    env.filters.update(value=fmt_value, range=fmt_range, flag=flag_word, day=day)
    env.filters["since"] = lambda seconds: duration_words(max(seconds, 0))
    return env


def render_note(record: Record, snap: Snapshot) -> str:
    kind = note_types().get(snap.encounter["class"], note_types()["ambulatory"])
    template = _env().get_template(kind["template"])
    patient = record["patient"]
    sex = {"M": "male", "F": "female"}[patient["gender"]]
    return template.render(s=snap, enc=snap.encounter, kind=kind, sex=sex, patient=patient)


def note_id(encounter_id: str) -> str:
    return str(uuid.uuid5(_NOTE_NS, encounter_id))


def build_notes(record: Record, until: int | None = None) -> list[dict[str, Any]]:
    """One note per encounter that ended by ``until`` (default: every encounter), in encounter order."""
    notes = []
    index = by_encounter(record)
    for enc in record.get("encounters", []):
        if enc["stop"] is None or enc.get("in_progress") or (until is not None and enc["stop"] > until):
            continue
        kind = note_types().get(enc["class"], note_types()["ambulatory"])
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
