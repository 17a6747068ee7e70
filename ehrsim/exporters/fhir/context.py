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
    conditions_by_code: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.encounters = {e["id"]: e for e in self.record.get("encounters", [])}
        for cond in self.record.get("conditions", []):
            for code in cond["codes"]:
                self.conditions_by_code.setdefault((code["system"], code["code"]), []).append(cond)

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

    def condition_refs(self, codes: list[dict[str, Any]], at: float) -> list[dict[str, str]]:
        """References to this patient's conditions with these codes (the latest onset up to ``at``).

        Turns a record ``reason`` (codes) into CarePlan.addresses / Goal.addresses references.
        """
        out: list[dict[str, str]] = []
        seen: set[str] = set()
        for code in codes:
            found = self.conditions_by_code.get((code["system"], code["code"]))
            if not found:
                continue
            before = [c for c in found if c["start"] <= at]
            cond = before[-1] if before else found[0]
            if cond["id"] not in seen:
                seen.add(cond["id"])
                out.append(self.refs.local("Condition", cond["id"]))
        return out
