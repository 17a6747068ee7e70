"""Time-consistent clinical notes (``--notes``) built from the native record."""

from ehrsim.notes.build import NotesTransform, build_notes, note_types
from ehrsim.notes.snapshot import Snapshot, snapshot

__all__ = ["NotesTransform", "Snapshot", "build_notes", "note_types", "snapshot"]
