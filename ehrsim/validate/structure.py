"""Structural checks: each resource against the FHIR R4 models (fhir.resources' R4B package).

R4B changed no element of the resources ehrsim writes, so its models stand in for R4 4.0.1.
A Bundle is checked without its entries' resources, which are then checked one by one: the
problem then names the resource, and nothing is validated twice.
"""

from __future__ import annotations

import csv
from functools import cache
from typing import Any

from pydantic import ValidationError

from ehrsim.paths import terminology_dir
from ehrsim.validate.report import Problem


@cache
def required_codes() -> dict[tuple[str, str], frozenset[str]]:
    """(resource, element) -> allowed codes of a required binding the models do not enforce."""
    with open(terminology_dir() / "fhir" / "required_codes.csv", newline="", encoding="utf-8") as fh:
        return {(r["resource"], r["element"]): frozenset(r["codes"].split()) for r in csv.DictReader(fh)}


@cache
def _model(resource_type: str) -> Any:
    from fhir.resources.R4B import get_fhir_model_class

    try:
        return get_fhir_model_class(resource_type)
    except (KeyError, ValueError, ImportError, AttributeError):
        return None


def _messages(exc: ValidationError, limit: int = 3) -> str:
    parts = []
    for err in exc.errors()[:limit]:
        loc = ".".join(str(x) for x in err.get("loc", ()) if x != "__root__")
        parts.append(f"{loc}: {err.get('msg', '')}" if loc else str(err.get("msg", "")))
    more = len(exc.errors()) - limit
    return "; ".join(parts) + (f" (+{more} more)" if more > 0 else "")


def check_resource(res: dict[str, Any], where: str) -> list[Problem]:
    rtype = res.get("resourceType")
    if not isinstance(rtype, str):
        return [Problem("structure", where, "no resourceType")]
    model = _model(rtype)
    if model is None:
        return [Problem("structure", where, f"unknown resourceType {rtype!r}")]
    problems = [
        Problem("structure", where, f"{element} {res[element]!r} is not one of the codes FHIR allows")
        for (rt, element), codes in required_codes().items()
        if rt == rtype and element in res and res[element] not in codes
    ]
    try:
        model.model_validate(res)
    except ValidationError as exc:
        problems.append(Problem("structure", where, _messages(exc)))
    except (ValueError, TypeError) as exc:  # fhir.resources raises these from some validators
        problems.append(Problem("structure", where, str(exc)[:300]))
    return problems


def check_bundle_shell(bundle: dict[str, Any], where: str) -> list[Problem]:
    """The Bundle without its resources, plus the rules about entries FHIR states in prose."""
    problems = check_resource(
        {**bundle, "entry": [{k: v for k, v in e.items() if k != "resource"} for e in bundle.get("entry", [])]},
        where,
    )
    kind = bundle.get("type")
    seen: set[str] = set()
    for i, entry in enumerate(bundle.get("entry", [])):
        at = f"{where} entry[{i}]"
        full = entry.get("fullUrl")
        if full:
            if full in seen:
                problems.append(Problem("structure", at, f"duplicate fullUrl {full}"))
            seen.add(full)
        has_request = "request" in entry
        if kind in ("transaction", "batch") and not has_request:
            problems.append(Problem("structure", at, f"a {kind} entry needs a request"))
        if kind not in ("transaction", "batch") and has_request:
            problems.append(Problem("structure", at, f"a {kind} entry must not have a request"))
        if "resource" not in entry and not (has_request and entry["request"].get("method") in ("GET", "DELETE")):
            problems.append(Problem("structure", at, "entry without a resource"))
    return problems
