"""One patient's record -> its FHIR resources, in an order where targets precede referrers.

Servers that check references entry by entry inside a transaction (and humans reading the file)
meet the Patient first, then Encounters, then everything that points at them, Provenance last.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ehrsim.core.clock import zone_for_state
from ehrsim.exporters.fhir import careplan, clinical, devices, document, encounter, medication, observation
from ehrsim.exporters.fhir.context import PatientContext
from ehrsim.exporters.fhir.datatypes import fixed, iso, local_time
from ehrsim.exporters.fhir.ids import derived_id
from ehrsim.exporters.fhir.patient import patient
from ehrsim.exporters.fhir.profiles import meta
from ehrsim.exporters.fhir.refs import References

PROVENANCE_AGENT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"


def patient_resources(record: dict[str, Any], refs: References, reference_time: int) -> Iterator[dict[str, Any]]:
    """Yield every resource of one patient (shared ones excluded), Provenance last.

    Times are written in the local time of the patient's state with its UTC offset (the state of
    their clinic and, same state first, of their hospital): ``core.clock`` placed them there.
    """
    state = (record.get("patient") or {}).get("address", {}).get("state_abbr")
    with local_time(zone_for_state(state)):
        yield from _resources(record, refs, reference_time)


def _resources(record: dict[str, Any], refs: References, reference_time: int) -> Iterator[dict[str, Any]]:
    ctx = PatientContext(record, refs, reference_time)
    targets: list[dict[str, str]] = []

    def emit(res: dict[str, Any]) -> dict[str, Any]:
        targets.append(refs.local(res["resourceType"], res["id"]))
        return res

    yield emit(patient(record, refs))
    for enc in record.get("encounters", []):
        yield emit(encounter.encounter(enc, ctx))
    for cond in record.get("conditions", []):
        yield emit(clinical.condition(cond, ctx))
    for entry in record.get("allergies", []):
        yield emit(clinical.allergy(entry, ctx))
    known_obs = set()
    for obs in record.get("observations", []):
        known_obs.add(obs["id"])
        yield emit(observation.observation(obs, ctx))
    for rep in record.get("reports", []):
        yield emit(observation.report(rep, ctx, known_obs))
    for entry in record.get("procedures", []):
        yield emit(clinical.procedure(entry, ctx))
    for med in record.get("medications", []):
        if medication.wants_request(med):
            yield emit(medication.medication_request(med, ctx))
        if med.get("administered"):
            yield emit(medication.medication_administration(med, ctx))
    for entry in record.get("immunizations", []):
        yield emit(clinical.immunization(entry, ctx))
    for plan in record.get("careplans", []):
        yield emit(careplan.careteam(plan, ctx))
        for goal in careplan.goals(plan, ctx):
            yield emit(goal)
        yield emit(careplan.careplan(plan, ctx))
    for entry in record.get("devices", []):
        yield emit(devices.device(entry, ctx))
    for entry in record.get("imaging_studies", []):
        yield emit(devices.imaging_study(entry, ctx))
    for entry in record.get("supplies", []):
        yield emit(devices.supply_delivery(entry, ctx))
    for note in record.get("notes", ()):  # only with --notes
        yield emit(document.document_reference(note, ctx))
    yield provenance(record, refs, reference_time, targets)


def provenance(
    record: dict[str, Any], refs: References, reference_time: int, targets: list[dict[str, str]]
) -> dict[str, Any]:
    """One Provenance per patient: the primary care organization authored and transmitted it all."""
    who = refs.organization(record["patient"].get("organization")) or refs.local("Patient", record["id"])
    return {
        "resourceType": "Provenance",
        "id": derived_id(record["id"], "Provenance"),
        "meta": meta("Provenance"),
        "target": targets,
        "recorded": iso(reference_time),
        "agent": [
            {"type": fixed(PROVENANCE_AGENT, "author", "Author"), "who": who},
            {"type": fixed(PROVENANCE_AGENT, "transmitter", "Transmitter"), "who": who},
        ],
    }
