"""Options of the ``fhir`` exporter (the CLI flags and ``Settings`` fields are generated from this model)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ehrsim.exporters.base import ExporterOptions


class FhirOptions(ExporterOptions):
    fhir_bundle: Literal["transaction", "collection"] = Field("transaction", description="Bundle.type of each file")
    fhir_references: Literal["literal", "bundled", "conditional"] = Field(
        "literal", description="how resources point at each other and at shared ones (docs/fhir.md)"
    )
    fhir_gzip: bool = Field(False, description="gzip each bundle (.json.gz)")
