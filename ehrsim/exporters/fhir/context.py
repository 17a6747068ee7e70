"""What every resource builder needs about one patient: references, encounters, conditions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ehrsim.exporters.fhir.refs import References


@dataclass
class PatientContext:
    """One patient's record plus the lookups builders share (built once per render)."""

    record: dict[str, Any]
    refs: References
    reference_time: int
    encounters: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.encounters = {e["id"]: e for e in self.record.get("encounters", [])}

    @property
    def patient_ref(self) -> dict[str, str]:
        return self.refs.local("Patient", self.record["id"])

    def encounter_ref(self, enc_id: str | None) -> dict[str, str] | None:
        """Reference to an encounter of this patient, or None when absent (or cut by history)."""
        if enc_id and enc_id in self.encounters:
            return self.refs.local("Encounter", enc_id)
        return None

    def practitioner_of(self, enc_id: str | None) -> str | None:
        """The practitioner of an encounter, else the patient's primary care practitioner."""
        enc = self.encounters.get(enc_id or "")
        return (enc or {}).get("practitioner") or self.record["patient"].get("practitioner")

    def organization_of(self, enc_id: str | None) -> str | None:
        enc = self.encounters.get(enc_id or "")
        return (enc or {}).get("organization") or self.record["patient"].get("organization")
