"""The ``fhir`` (per-patient bundles) and ``fhir-ndjson`` (bulk, one file per type) exporters."""

from __future__ import annotations

import gzip
import logging
import os
from itertools import chain
from typing import Any, ClassVar

import orjson

from ehrsim.errors import ExportError
from ehrsim.exporters.base import Exporter, Rendered, RunContext
from ehrsim.exporters.fhir.bundle import bundle_bytes, bundle_file_name, patient_bundle_id
from ehrsim.exporters.fhir.options import FhirOptions
from ehrsim.exporters.fhir.refs import SHARED_TYPES, References
from ehrsim.exporters.fhir.resources import patient_resources
from ehrsim.exporters.fhir.shared import shared_resources

log = logging.getLogger(__name__)

SHARED_BUNDLE_ID = "ehrsim-shared"
#: resource types a patient can produce, in load order (targets before referrers)
PATIENT_TYPES = (
    "Patient",
    "Encounter",
    "Condition",
    "AllergyIntolerance",
    "Observation",
    "DiagnosticReport",
    "Procedure",
    "MedicationRequest",
    "MedicationAdministration",
    "Immunization",
    "CareTeam",
    "Goal",
    "CarePlan",
    "Device",
    "ImagingStudy",
    "SupplyDelivery",
    "DocumentReference",
    "Provenance",
)


def shared_keys(record: dict[str, Any]) -> list[tuple[str, str]]:
    """The shared resources one patient's resources can point at (for ``bundled`` copies)."""
    keys: dict[tuple[str, str], None] = {}
    p = record["patient"]
    pairs = [(p.get("organization"), p.get("practitioner"))]
    pairs += [(e.get("organization"), e.get("practitioner")) for e in record.get("encounters", [])]
    for org, pract in pairs:
        if org:
            keys[("Organization", org)] = None
            keys[("Location", org)] = None
        if pract:
            keys[("Practitioner", pract)] = None
    return list(keys)


def _write_atomic(path: os.PathLike[str] | str, data: bytes) -> None:
    tmp = f"{os.fspath(path)}.tmp"
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc}") from exc


class FhirExporter(Exporter):
    """One FHIR R4 Bundle per patient, plus ``shared.json`` for organizations and practitioners."""

    name: ClassVar[str] = "fhir"
    folder: ClassVar[str] = "fhir"
    options: ClassVar[type[FhirOptions]] = FhirOptions

    def __init__(self, ctx: RunContext) -> None:
        super().__init__(ctx)
        self.opts = FhirOptions.from_settings(ctx.settings)

    @property
    def mode(self) -> str:
        return self.opts.fhir_references

    @property
    def bundle_type(self) -> str:
        return self.opts.fhir_bundle

    def render(self, record: dict[str, Any]) -> Rendered:
        refs = References(self.mode, self.ctx.world)
        resources = patient_resources(record, refs, self.ctx.reference_time)
        if self.mode == "bundled":
            copies = shared_resources(self.ctx.world, refs.shared, shared_keys(record))
            resources = chain(copies, resources)
        data = bundle_bytes(patient_bundle_id(record["id"]), self.bundle_type, resources)
        if self.opts.fhir_gzip:
            return Rendered(files=[(bundle_file_name(record, ".json.gz"), gzip.compress(data, 6, mtime=0))])
        return Rendered(files=[(bundle_file_name(record), data)])

    def shared_bundle(self) -> bytes:
        """Organization, Location, Practitioner and PractitionerRole for the whole world."""
        refs = References("literal" if self.mode == "conditional" else self.mode, self.ctx.world)
        resources = shared_resources(self.ctx.world, refs.shared)
        return bundle_bytes(SHARED_BUNDLE_ID, self.bundle_type, resources)

    def finish(self, counts: dict[str, int]) -> dict[str, Any]:
        self.out.mkdir(parents=True, exist_ok=True)
        data = self.shared_bundle()
        _write_atomic(self.out / "shared.json", data)
        log.info("wrote %s (%d bytes)", self.out / "shared.json", len(data))
        return {"shared_bundle": "shared.json", "bundle_type": self.bundle_type, "references": self.mode}


class FhirNdjsonExporter(Exporter):
    """Bulk FHIR: one NDJSON file per resource type and an ``$import`` Parameters manifest."""

    name: ClassVar[str] = "fhir-ndjson"
    folder: ClassVar[str] = "fhir-ndjson"
    table_files: ClassVar[dict[str, str]] = {t: f"{t}.ndjson" for t in PATIENT_TYPES}

    def render(self, record: dict[str, Any]) -> Rendered:
        refs = References("literal", self.ctx.world)
        by_type: dict[str, list[bytes]] = {}
        for res in patient_resources(record, refs, self.ctx.reference_time):
            by_type.setdefault(res["resourceType"], []).append(orjson.dumps(res) + b"\n")
        return Rendered(rows=[(t, b"".join(by_type[t])) for t in PATIENT_TYPES if t in by_type])

    def finish(self, counts: dict[str, int]) -> dict[str, Any]:
        self.out.mkdir(parents=True, exist_ok=True)
        refs = References("literal", self.ctx.world)
        shared: dict[str, list[bytes]] = {}
        for res in shared_resources(self.ctx.world, refs.shared):
            shared.setdefault(res["resourceType"], []).append(orjson.dumps(res) + b"\n")
        for rtype, lines in shared.items():
            _write_atomic(self.out / f"{rtype}.ndjson", b"".join(lines))
        files = [t for t in (*SHARED_TYPES, *PATIENT_TYPES) if (self.out / f"{t}.ndjson").exists()]
        _write_atomic(self.out / "import.json", orjson.dumps(import_parameters(files), option=orjson.OPT_INDENT_2))
        return {"files": len(files), "manifest": "import.json"}


def import_parameters(types: list[str]) -> dict[str, Any]:
    """A ``$import`` request body in Azure's shape: one input per file, URLs relative to the folder.

    Replace the relative ``url`` values with where the files are hosted (a storage account, a
    bucket, a web server) before posting it to ``[base]/$import``.
    """
    return {
        "resourceType": "Parameters",
        "parameter": [
            {"name": "inputFormat", "valueString": "application/fhir+ndjson"},
            {"name": "mode", "valueString": "InitialLoad"},
            *(
                {
                    "name": "input",
                    "part": [{"name": "type", "valueString": t}, {"name": "url", "valueUri": f"{t}.ndjson"}],
                }
                for t in types
            ),
        ],
    }
