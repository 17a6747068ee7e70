"""The ``json`` format: each patient's native record as one NDJSON line (``OUT/json/patients.ndjson``)."""

from __future__ import annotations

from typing import Any, ClassVar

import orjson

from ehrsim.exporters.base import Exporter, Rendered


class JsonExporter(Exporter):
    name: ClassVar[str] = "json"
    folder: ClassVar[str] = "json"
    table_files: ClassVar[dict[str, str]] = {"patients": "patients.ndjson"}

    def tables(self) -> dict[str, bytes]:
        return {"patients": b""}

    def render(self, record: dict[str, Any]) -> Rendered:
        return Rendered(rows=[("patients", orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE))])
