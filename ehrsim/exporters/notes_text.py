"""The ``notes`` format: each patient's clinical notes as one plain-text file, as Synthea writes them.

Synthea's clinical-note exporter (``exporter.clinical_note.export``) writes ``output/notes/<name>.txt``:
every note of the patient in one file, the most recent encounter first, separated by blank lines.
This format writes the record's ``notes`` (``--notes``, ehrsim/notes/) the same way, to
``OUT/notes/<Given>_<Family>_<patient id>.txt``; a patient without notes gets no file. Each note keeps
its own title, date and encounter lines, so the file reads without the structured data.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ehrsim.exporters.base import Exporter, Rendered
from ehrsim.exporters.fhir.bundle import bundle_file_name
from ehrsim.record.kinds import KINDS


class NotesTextExporter(Exporter):
    name: ClassVar[str] = "notes"
    folder: ClassVar[str] = "notes"
    #: the notes already say what the record held at each visit; the structured lists are not repeated
    skipped_kinds: ClassVar[frozenset[str]] = frozenset(KINDS)

    def render(self, record: dict[str, Any]) -> Rendered:
        notes = record.get("notes") or []
        if not notes:
            return Rendered()
        text = "\n".join(n["text"].rstrip("\n") + "\n" for n in reversed(notes))
        return Rendered(files=[(bundle_file_name(record, ".txt"), text.encode("utf-8"))])
