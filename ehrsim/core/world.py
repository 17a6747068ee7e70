"""The shared provider world: clinics, hospitals, urgent cares and their clinicians.

Built from the root seed only (each state from its own ``(seed, state FIPS)`` stream, so a world
restricted to one state is exactly that state's part of the full world, ids included; names and
streets come from Faker's en_US data drawn with that stream, see ``names``): one
primary-care clinic per city in ``cities.csv``; per state 1-3 hospitals in its largest cities and
one urgent care in the largest. Clinicians per organization follow ``specialties.csv``.
"""

from __future__ import annotations

import math
import uuid
import zlib
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from ehrsim.core import identifiers, names
from ehrsim.core.geography import City, State, cities, resolve_state, states
from ehrsim.core.tables import rows
from ehrsim.errors import ConfigError

_NAMESPACE = uuid.UUID("5b0d7a4e-3c1f-4c8e-9a57-0e1f2d3c4b5a")
PRIMARY_CARE_KINDS = frozenset({"wellness", "ambulatory", "outpatient", "virtual", "home"})
HOSPITAL_KINDS = frozenset({"emergency", "inpatient", "hospice", "snf"})
GENERAL_PRACTICE = "GENERAL PRACTICE"
EMERGENCY_MEDICINE = "EMERGENCY MEDICINE"


def _uuid(*parts: object) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(str(p) for p in parts)))


@dataclass
class World:
    """Organizations and practitioners (dict shapes in docs/record.md) with fast lookups."""

    organizations: list[dict] = field(default_factory=list)
    practitioners: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._orgs = {o["id"]: o for o in self.organizations}
        self._practs = {p["id"]: p for p in self.practitioners}
        self._staff: dict[str, list[dict]] = {}
        for p in self.practitioners:
            self._staff.setdefault(p["organization"], []).append(p)
        self._by_type: dict[str, list[dict]] = {}
        for o in self.organizations:
            self._by_type.setdefault(o["type"], []).append(o)
        self._clinic_by_city = {
            (o["address"]["state_abbr"], o["address"]["city"]): o for o in self._by_type.get("clinic", [])
        }
        self._nearest: dict[tuple[str, str, str], dict] = {}
        self._pools: dict[tuple[str, str], list[dict]] = {}

    def organization(self, org_id: str) -> dict:
        """The organization with this id (KeyError when unknown)."""
        return self._orgs[org_id]

    def practitioner(self, practitioner_id: str) -> dict:
        """The practitioner with this id (KeyError when unknown)."""
        return self._practs[practitioner_id]

    def staff(self, org_id: str) -> list[dict]:
        """The practitioners working at an organization."""
        return self._staff.get(org_id, [])

    def provider_for(
        self, patient: dict, kind: str, specialty: str | None = None, rng: np.random.Generator | None = None
    ) -> tuple[str, str]:
        """(organization id, practitioner id) for an encounter of class ``kind``.

        Primary-care classes go to the clinic of the patient's city, emergency/inpatient to the
        nearest hospital (same state first), urgentcare to the nearest urgent care. The choice is
        a function of the patient alone (``rng`` is accepted for interface symmetry and unused),
        so a patient keeps the same clinic and clinician for life. The clinician has the requested
        specialty when the organization has one (emergency medicine by default for emergency and
        urgent care), else general practice.
        """
        address = patient.get("address") or {}
        if kind in HOSPITAL_KINDS:
            org = self._nearest_of("hospital", address)
        elif kind == "urgentcare":
            org = self._nearest_of("urgentcare", address)
        else:
            org = self._clinic_by_city.get((address.get("state_abbr"), address.get("city"))) or self._nearest_of(
                "clinic", address
            )
        default = EMERGENCY_MEDICINE if kind in ("emergency", "urgentcare") else GENERAL_PRACTICE
        wanted = (specialty or default).upper()
        pool_key = (org["id"], wanted)
        pool = self._pools.get(pool_key)
        if pool is None:  # every encounter asks: the pool of an organization and specialty is built once
            staff = self.staff(org["id"])
            pool = self._pools[pool_key] = (
                [p for p in staff if p["specialty"] == wanted]
                or [p for p in staff if p["specialty"] == GENERAL_PRACTICE]
                or staff
            )
        key = f"{patient.get('mrn', '')}|{patient.get('ssn', '')}|{patient.get('birth_time', '')}"
        return org["id"], pool[zlib.crc32(key.encode()) % len(pool)]["id"]

    def _nearest_of(self, org_type: str, address: dict) -> dict:
        cache_key = (org_type, str(address.get("state_abbr")), str(address.get("city")))
        found = self._nearest.get(cache_key)
        if found is not None:
            return found
        candidates = self._by_type.get(org_type) or self.organizations
        if not candidates:
            raise ConfigError("the provider world is empty")
        same_state = [o for o in candidates if o["address"]["state_abbr"] == address.get("state_abbr")]
        pool = same_state or candidates
        lat, lon = address.get("lat"), address.get("lon")
        if lat is None or lon is None:
            found = pool[0]
        else:
            scale = math.cos(math.radians(float(lat)))
            found = min(
                pool,
                key=lambda o: (o["address"]["lat"] - lat) ** 2 + ((o["address"]["lon"] - lon) * scale) ** 2,
            )
        self._nearest[cache_key] = found
        return found


@cache
def _specialties() -> dict[str, list[tuple[str, int, int]]]:
    table: dict[str, list[tuple[str, int, int]]] = {}
    for r in rows("demographics/specialties.csv"):
        table.setdefault(r["organization_type"], []).append((r["specialty"], int(r["count_min"]), int(r["count_max"])))
    return table


class _StateBuilder:
    """Builds one state's organizations and clinicians from that state's own random stream."""

    def __init__(self, seed: int, state: State) -> None:
        self.seed, self.state = seed, state
        self.rng = np.random.default_rng([seed, int(state.fips)])
        self.organizations: list[dict] = []
        self.practitioners: list[dict] = []
        self._serial = int(state.fips) * 1_000_000

    def _npi(self) -> str:
        self._serial += 1
        return identifiers.npi(self._serial)

    def add(self, org_type: str, name: str, city: City, ordinal: int) -> None:
        address = city.address(names.street_line(self.rng))
        org_id = _uuid(self.seed, self.state.abbr, org_type, city.name, ordinal)
        self.organizations.append(
            {
                "id": org_id,
                "n": 0,
                "name": name,
                "type": org_type,
                "address": address,
                "phone": identifiers.phone(self.rng),
                "npi": self._npi(),
            }
        )
        for specialty, low, high in _specialties()[org_type]:
            for k in range(int(self.rng.integers(low, high + 1))):
                gender = "M" if self.rng.random() < 0.5 else "F"
                first = names.first_name(self.rng, gender)
                self.practitioners.append(
                    {
                        "id": _uuid(self.seed, org_id, specialty, k),
                        "n": 0,
                        "npi": self._npi(),
                        "prefix": "Dr.",
                        "first": first,
                        "last": names.last_name(self.rng),
                        "gender": gender,
                        "specialty": specialty,
                        "organization": org_id,
                        "address": address,
                    }
                )

    def build(self) -> None:
        state_cities = cities(self.state.abbr)
        for city in state_cities:
            self.add("clinic", f"{city.name} Family Medicine", city, 0)
        hospitals = min(len(state_cities), int(self.rng.integers(1, 4)))
        for k, city in enumerate(state_cities[:hospitals]):
            name = f"{city.name} General Hospital" if k == 0 else f"{names.last_name(self.rng)} Memorial Hospital"
            self.add("hospital", name, city, k)
        self.add("urgentcare", f"{state_cities[0].name} Urgent Care", state_cities[0], 0)


@cache
def _build(seed: int, abbr: str | None) -> World:
    organizations: list[dict] = []
    practitioners: list[dict] = []
    for state in states():
        if abbr is not None and state.abbr != abbr:
            continue
        builder = _StateBuilder(seed, state)
        builder.build()
        organizations += builder.organizations
        practitioners += builder.practitioners
    for n, entry in enumerate(organizations, start=1):
        entry["n"] = n
    for n, entry in enumerate(practitioners, start=1):
        entry["n"] = n
    return World(organizations, practitioners)


def build_world(seed: int, state: str | None = None) -> World:
    """The world for a run: every state, or only ``state`` (name or abbreviation). Cached.

    Treat the result as read-only: it is shared by every caller with the same arguments.
    """
    return _build(int(seed), resolve_state(state).abbr if state else None)
