"""Which US Core 6.1.0 profile a resource claims in ``meta.profile``."""

from __future__ import annotations

from typing import Any

from ehrsim.exporters.fhir.terminology import observation_profiles, profiles

US_CORE_VERSION = "6.1.0"
VITAL_SIGNS = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-vital-signs"


def meta(key: str) -> dict[str, list[str]]:
    """``meta`` for a resource type (or ``Type:variant``), e.g. ``meta("Condition:encounter-diagnosis")``."""
    return {"profile": [profiles()[key]]}


def observation_meta(category: str, primary: dict[str, Any], value_kind: str) -> dict[str, list[str]]:
    """Observation profile: a LOINC-specific one (blood pressure, BMI...) else the category's.

    ``value_kind`` is ``quantity``, ``code``, ``other`` or ``none``. Vital-sign profiles allow only
    a Quantity (or no value); the social-history ones (smoking status, occupation) require a code.
    Where the value does not fit, the observation claims US Core's simple observation profile.
    A specific vital-sign profile also carries the generic vital-signs one, as US Core's examples do.
    """
    if category == "vital-signs" and value_kind not in ("quantity", "none"):
        return {"profile": [profiles()["Observation:exam"]]}
    specific = None
    if primary.get("system") == "LOINC" and (category == "vital-signs" or value_kind == "code"):
        specific = observation_profiles().get(primary["code"])
    if specific:
        found = [specific]
        if category == "vital-signs" and specific != VITAL_SIGNS:
            found.append(VITAL_SIGNS)
        return {"profile": found}
    return {"profile": [profiles().get(f"Observation:{category}", profiles()["Observation:exam"])]}
