"""Options of the ``fhir`` exporter (the CLI flags and ``Settings`` fields are generated from this model)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ehrsim.exporters.base import ExporterOptions


class FhirOptions(ExporterOptions):
    fhir_bundle: Literal["transaction", "collection"] = Field(
        "transaction", description="Bundle type of patient files (transaction: loadable by POST to a server)"
    )
    fhir_references: Literal["literal", "bundled", "conditional"] = Field(
        "literal",
        description="how resources point to each other: literal ids, urn:uuid in the bundle, or conditional searches",
    )
    fhir_gzip: bool = Field(False, description="gzip the FHIR bundles (.json.gz)")
