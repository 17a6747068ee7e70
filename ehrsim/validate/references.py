"""Reference integrity: every reference resolves, and points at a type FHIR allows there.

``urn:uuid:`` references must match a ``fullUrl`` of the same Bundle; ``Type/id`` references must
match a resource in any of the files checked together (so check patient bundles together with
``shared.json``, or all NDJSON files of a folder at once). Conditional references
(``Type?identifier=…``) are reported as warnings: they resolve only on a server.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ehrsim.validate.report import Problem

#: element name -> target types FHIR R4 allows (for the elements ehrsim writes)
TARGETS: dict[str, set[str]] = {
    "subject": {"Patient", "Group", "Location", "Device", "Organization", "Practitioner", "Medication", "Substance"},
    "patient": {"Patient"},
    "encounter": {"Encounter"},
    "context": {"Encounter", "EpisodeOfCare"},
    "serviceProvider": {"Organization"},
    "managingOrganization": {"Organization"},
    "individual": {"Practitioner", "PractitionerRole", "RelatedPerson"},
    "location": {"Location"},
    "requester": {"Practitioner", "PractitionerRole", "Organization", "Patient", "RelatedPerson", "Device"},
    "result": {"Observation"},
    "addresses": {"Condition"},
    "careTeam": {"CareTeam"},
    "goal": {"Goal"},
    "request": {"MedicationRequest"},
    "generalPractitioner": {"Organization", "Practitioner", "PractitionerRole"},
    "practitioner": {"Practitioner"},
    "organization": {"Organization"},
}


def walk(node: Any, element: str | None = None) -> Iterator[tuple[str | None, str]]:
    """``(nearest element name, reference)`` for every Reference in a resource (contained excluded)."""
    if isinstance(node, dict):
        ref = node.get("reference")
        if isinstance(ref, str):
            yield element, ref
        for key, value in node.items():
            if key != "contained":
                yield from walk(value, key if key in TARGETS else element)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value, element)


class ReferenceChecker:
    """Collects known resources across files; unresolved ``Type/id`` references wait for the end."""

    def __init__(self) -> None:
        self.known: set[str] = set()
        self.pending: list[tuple[str, str]] = []  # (where, "Type/id")

    def add_known(self, res: dict[str, Any]) -> None:
        if isinstance(res.get("id"), str):
            self.known.add(f"{res.get('resourceType')}/{res['id']}")

    def check(self, res: dict[str, Any], where: str, full_urls: dict[str, str] | None) -> list[Problem]:
        problems = []
        contained = {f"#{c.get('id')}" for c in res.get("contained", [])}
        for element, ref in walk({k: v for k, v in res.items() if k != "contained"}):
            if ref in contained:
                continue
            if ref.startswith("urn:uuid:"):
                target = (full_urls or {}).get(ref)
                if target is None:
                    problems.append(
                        Problem("reference", where, f"{element or 'reference'}: {ref} is not in this bundle")
                    )
                    continue
            elif "?" in ref:
                problems.append(Problem("reference", where, f"{element or 'reference'}: conditional {ref}", "warning"))
                continue
            elif ref.count("/") == 1:
                target = ref.split("/", 1)[0]
                if ref not in self.known:
                    self.pending.append((where, ref))
            else:
                continue  # an absolute URL on some server: not ours to check
            allowed = TARGETS.get(element or "")
            if allowed and target not in allowed:
                problems.append(Problem("reference", where, f"{element} may not point at a {target} ({ref})"))
        return problems

    def finish(self) -> list[Problem]:
        return [
            Problem("reference", where, f"{ref} is not in any file checked")
            for where, ref in self.pending
            if ref not in self.known
        ]
