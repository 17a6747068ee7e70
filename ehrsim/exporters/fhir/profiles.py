"""Which US Core 6.1.0 profile a resource claims in ``meta.profile``."""

from __future__ import annotations

from typing import Any

from ehrsim.exporters.fhir.terminology import observation_profiles, profiles

US_CORE_VERSION = "6.1.0"
VITAL_SIGNS = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-vital-signs"


def meta(key: str) -> dict[str, list[str]]:
    """``meta`` for a resource type (or ``Type:variant``), e.g. ``meta("Condition:encounter-diagnosis")``."""
    return {"profile": [profiles()[key]]}


def observation_meta(category: str, primary: dict[str, Any]) -> dict[str, list[str]]:
    """Observation profile: a LOINC-specific one (blood pressure, BMI...) else the category's.

    A specific vital-sign profile also carries the generic vital-signs one, as US Core's examples do.
    """
    specific = None
    if primary.get("system") == "LOINC" and category in ("vital-signs", "social-history"):
        specific = observation_profiles().get(primary["code"])
    if specific:
        found = [specific]
        if category == "vital-signs" and specific != VITAL_SIGNS:
            found.append(VITAL_SIGNS)
        return {"profile": found}
    return {"profile": [profiles().get(f"Observation:{category}", profiles()["Observation:exam"])]}
