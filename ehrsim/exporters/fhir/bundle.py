"""Bundles as bytes: entries are serialized one at a time into one buffer, so a bundle exists once.

Every entry is a PUT to ``Type/id`` in transaction bundles: ids are deterministic, so loading the
same output twice updates instead of duplicating.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import orjson

from ehrsim.exporters.fhir.ids import derived_id

_UNSAFE = re.compile(r"[^A-Za-z0-9-]+")


def entry_bytes(res: dict[str, Any], bundle_type: str) -> bytes:
    entry: dict[str, Any] = {"fullUrl": f"urn:uuid:{res['id']}", "resource": res}
    if bundle_type == "transaction":
        entry["request"] = {"method": "PUT", "url": f"{res['resourceType']}/{res['id']}"}
    return orjson.dumps(entry)


def bundle_bytes(bundle_id: str, bundle_type: str, resources: Iterable[dict[str, Any]]) -> bytes:
    """A whole Bundle as JSON (``bundle_type``: ``transaction`` or ``collection``).

    Resources arrive one at a time and are appended to one growing buffer: neither the patient's
    resource dicts nor a second copy of the bytes ever exist all at once. The buffer is returned
    as is (a bytearray is a bytes-like object every writer accepts).
    """
    buf = bytearray(orjson.dumps({"resourceType": "Bundle", "id": bundle_id, "type": bundle_type})[:-1])
    buf += b',"entry":['
    first = True
    for res in resources:
        if not first:
            buf += b","
        buf += entry_bytes(res, bundle_type)
        first = False
    buf += b"]}"
    return buf  # type: ignore[return-value]


def patient_bundle_id(patient_id: str) -> str:
    return derived_id(patient_id, "Bundle")


def bundle_file_name(record: dict[str, Any], suffix: str = ".json") -> str:
    """``<Given>_<Family>_<patient id>.json``, names reduced to letters, digits and hyphens."""
    p = record["patient"]
    given = _UNSAFE.sub("", p.get("first") or "") or "Patient"
    family = _UNSAFE.sub("", p.get("last") or "") or "Unknown"
    return f"{given}_{family}_{record['id']}{suffix}"
