"""OMOP ``note`` rows for the record's clinical notes (``--notes``)."""

from __future__ import annotations

import csv
import json
from functools import cache
from typing import Any

from ehrsim.exporters.omop.concepts import conventions
from ehrsim.exporters.omop.rows import PatientRows, date, datetime
from ehrsim.exporters.omop.visits import Visit
from ehrsim.paths import terminology_dir


@cache
def note_concepts() -> dict[str, int]:
    """The note table's fixed concept ids (terminology/notes/omop.json, sources in SOURCES.md)."""
    data = json.loads((terminology_dir() / "notes" / "omop.json").read_text(encoding="utf-8"))
    return {k: int(v) for k, v in data.items() if not k.startswith("_")}


@cache
def note_type_by_class() -> dict[str, int]:
    """Encounter class -> the OMOP type concept of its note (EHR outpatient/inpatient/emergency room note):
    ``omop_type`` in terminology/notes/note_types.csv names a row of terminology/omop_conventions/types.csv."""
    types = conventions()["types"]
    with open(terminology_dir() / "notes" / "note_types.csv", newline="", encoding="utf-8") as fh:
        return {row["class"]: types[row["omop_type"]] for row in csv.DictReader(fh)}


def note_rows(out: PatientRows, record: dict[str, Any], visits: dict[str, Visit]) -> None:
    fixed = note_concepts()
    by_class = note_type_by_class()
    classes = {e["id"]: e["class"] for e in record["encounters"]} if record.get("notes") else {}
    for note in record.get("notes") or ():
        visit = visits.get(note.get("encounter") or "")
        row = {
            "note_date": date(note["time"]),
            "note_datetime": datetime(note["time"]),
            "note_type_concept_id": by_class.get(classes.get(note["encounter"], ""), fixed["note_type_concept_id"]),
            "note_class_concept_id": fixed["note_class_concept_id"],
            "note_title": note["title"],
            "note_text": note["text"],
            "encoding_concept_id": fixed["encoding_concept_id"],
            "language_concept_id": fixed["language_concept_id"],
            "provider_id": visit.provider_id if visit else None,
            "visit_occurrence_id": visit.visit_id if visit else None,
            "note_source_value": note["codes"][0]["code"],
        }
        out.add("note", row, "note_id")
