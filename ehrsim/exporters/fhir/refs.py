"""How one resource points at another, per ``--fhir-references``.

- ``literal``: ``Type/id`` everywhere; shared resources live in ``shared.json`` (loaded first).
- ``bundled``: ``urn:uuid:id`` everywhere; the shared resources a patient uses are copied into
  that patient's bundle, so each bundle stands alone.
- ``conditional``: Synthea's style: ``urn:uuid`` inside the bundle, identifier searches
  (``Organization?identifier=…``) for shared resources, for servers that want that.
"""

from __future__ import annotations

from typing import Any

from ehrsim.exporters.fhir.ids import derived_id
from ehrsim.exporters.fhir.terminology import identifier_systems

SHARED_TYPES = ("Organization", "Location", "Practitioner", "PractitionerRole")


class References:
    """Builds Reference dicts for one patient and remembers which shared resources were used."""

    def __init__(self, mode: str, world: Any) -> None:
        self.mode = mode
        self.world = world
        self.used_shared: dict[tuple[str, str], None] = {}  # insertion-ordered set

    def local(self, rtype: str, rid: str) -> dict[str, str]:
        """A reference to a resource inside the same patient bundle."""
        if self.mode == "literal":
            return {"reference": f"{rtype}/{rid}"}
        return {"reference": f"urn:uuid:{rid}"}

    def organization(self, org_id: str | None) -> dict[str, str] | None:
        return self.shared("Organization", org_id)

    def location(self, org_id: str | None) -> dict[str, str] | None:
        """The Location of an organization (one per organization)."""
        return self.shared("Location", org_id)

    def practitioner(self, pract_id: str | None) -> dict[str, str] | None:
        return self.shared("Practitioner", pract_id)

    def shared(self, rtype: str, key: str | None) -> dict[str, str] | None:
        if not key:
            return None
        rid = shared_id(rtype, key)
        self.used_shared[(rtype, key)] = None
        if self.mode == "literal":
            return {"reference": f"{rtype}/{rid}"}
        if self.mode == "bundled":
            return {"reference": f"urn:uuid:{rid}"}
        return {"reference": self._search(rtype, key)}

    def _search(self, rtype: str, key: str) -> str:
        systems = identifier_systems()
        if rtype == "Practitioner":
            npi = (self.world.practitioner(key) or {}).get("npi") or key
            return f"Practitioner?identifier={systems['npi']['system']}|{npi}"
        system = systems["organization" if rtype == "Organization" else "location"]["system"]
        return f"{rtype}?identifier={system}|{shared_id(rtype, key)}"


def shared_id(rtype: str, key: str) -> str:
    """Resource id of a shared resource: the world's id, or one derived from it (Location, role)."""
    if rtype == "Location":
        return derived_id(key, "Location")
    if rtype == "PractitionerRole":
        return derived_id(key, "PractitionerRole")
    return key
