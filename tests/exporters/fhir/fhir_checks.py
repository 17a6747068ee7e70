"""Small helpers the FHIR tests share: walking references, resolving them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        ref = node.get("reference")
        if isinstance(ref, str):
            yield ref
        for value in node.values():
            yield from references(value)
    elif isinstance(node, list):
        for value in node:
            yield from references(value)


def dangling(bundles: list[dict[str, Any]]) -> list[str]:
    """References that resolve neither inside their bundle (urn:uuid) nor to any resource (Type/id)."""
    known = {f"{e['resource']['resourceType']}/{e['resource']['id']}" for b in bundles for e in b["entry"]}
    out = []
    for b in bundles:
        full = {e["fullUrl"] for e in b["entry"]}
        for e in b["entry"]:
            for ref in references(e["resource"]):
                if ref.startswith("urn:uuid:"):
                    if ref not in full:
                        out.append(ref)
                elif ref not in known:
                    out.append(ref)
    return out
