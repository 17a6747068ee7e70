"""The one small interface every exporter implements.

An exporter turns one native record (docs/record.md) into bytes. ``render`` is pure and runs
inside worker processes, so rendering scales with ``--workers``; the run's writer puts the bytes
in place (whole files atomically, table rows concatenated in patient order so the output is
byte-identical for any worker count). ``finish`` runs once in the parent after every patient is
written: shared files (organizations, manifests) and loading databases happen there.

An exporter's options are its own: a pydantic model (``ExporterOptions``) named in the class's
``options``. ``Settings`` fields and ``ehrsim generate`` flags are generated from these models, so a
third-party exporter (entry-point group ``ehrsim.exporters``) takes options the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from ehrsim.core.world import World
    from ehrsim.settings import Settings


class ExporterOptions(BaseModel):
    """Base of an exporter's options. Field names are global: each becomes a ``Settings`` field and a
    ``--flag-name`` of ``ehrsim generate`` (its ``description`` is the help), so prefix them with the
    format (``fhir_gzip``) unless two exporters deliberately share one (``table_format``: same type
    and default in both). Supported field types: bool (a switch), Literal (choices), int, float,
    str and Path, optionally ``| None``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    @classmethod
    def from_settings(cls, settings: Any) -> Self:
        """This exporter's options out of the run's settings."""
        return cls.model_validate({name: getattr(settings, name) for name in cls.model_fields})


#: the ``table_format`` option the CSV and OMOP exporters share
TableFormat: Any = Field("csv", description="file format of the CSV and OMOP tables")


@dataclass(frozen=True)
class RunContext:
    """What an exporter may know about the run: settings, the shared world, the output folder."""

    settings: Settings
    world: World
    out_dir: Path  # the run's output folder (OUT); an exporter writes below OUT/<folder>

    @property
    def reference_time(self) -> int:
        """The reference date as a record time (seconds since the epoch)."""
        from ehrsim.record.times import from_date

        return from_date(self.settings.reference_date)


@dataclass
class Rendered:
    """One patient's output.

    ``files``: (relative path, bytes) written whole and atomically, e.g. ``("Patient_ab12.json", b"…")``.
    ``rows``: (table name, bytes) appended to that table in patient order, e.g. ``("patients", b"…\\n")``;
    the writer adds the table's header (``Exporter.tables()``) once.
    """

    files: list[tuple[str, bytes]] = field(default_factory=list)
    rows: list[tuple[str, bytes]] = field(default_factory=list)


class Exporter:
    """Base class: subclass, set ``name`` and ``folder``, implement ``render`` (and maybe ``finish``)."""

    name: ClassVar[str] = ""
    folder: ClassVar[str] = ""
    #: table name -> file name (relative to the folder), for row-appended tables; a table with rows
    #: is assembled even when ``tables()`` gives it no header
    table_files: ClassVar[dict[str, str]] = {}
    #: record kinds (``ehrsim.record.kinds``) this format has no place for; every other kind must show in
    #: its output (tests/record/test_kinds.py), so a new kind cannot be silently dropped
    skipped_kinds: ClassVar[frozenset[str]] = frozenset()
    #: this exporter's options (see ``ExporterOptions``); read them with ``self.options.from_settings``
    options: ClassVar[type[ExporterOptions]] = ExporterOptions

    def __init__(self, ctx: RunContext) -> None:
        self.ctx = ctx

    @property
    def out(self) -> Path:
        """This format's output folder, ``OUT/<folder>``."""
        return self.ctx.out_dir / self.folder

    def tables(self) -> dict[str, bytes]:
        """Header bytes for each row-appended table (written once, before the rows)."""
        return {}

    def render(self, record: dict[str, Any]) -> Rendered:
        """Serialize one patient. Must be deterministic and must not touch the file system."""
        raise NotImplementedError

    def finish(self, counts: dict[str, int]) -> dict[str, Any]:
        """Runs once after all patients are written; returns figures for the run summary."""
        return {}
