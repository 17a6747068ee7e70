"""Deterministic ids for resources that have no entry of their own in the record.

Entry ids are already deterministic UUIDs, so a derived resource (a MedicationAdministration of a
medication, a Goal of a care plan, a Location of an organization...) gets a UUIDv5 of its parent's
id and a fixed suffix: same seed, same ids, on every machine and worker count.
"""

from __future__ import annotations

import uuid

#: namespace of every derived id; changing it would change every derived id
NAMESPACE = uuid.UUID("6b1f3c0e-8f7a-5e2d-9c4b-0a1e2f3d4c5b")


def derived_id(parent_id: str, suffix: str) -> str:
    """A stable UUID for the resource ``suffix`` that belongs to ``parent_id``."""
    return str(uuid.uuid5(NAMESPACE, f"{parent_id}/{suffix}"))
