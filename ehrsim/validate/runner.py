"""Runs every check over a set of files and collects one Report."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ehrsim.errors import ConfigError
from ehrsim.validate import structure, uscore
from ehrsim.validate.files import discover, documents
from ehrsim.validate.plausibility import PlausibilityChecker
from ehrsim.validate.references import ReferenceChecker
from ehrsim.validate.report import Problem, Report

log = logging.getLogger(__name__)


def validate_paths(
    paths: Iterable[str | Path], *, structural: bool = True, us_core: bool = True, keep: int = 200
) -> Report:
    """Check every FHIR file under ``paths``; ``structural=False`` skips the (slowest) model check."""
    paths = list(paths)
    files = discover(paths)
    if not files:
        names = ", ".join(str(p) for p in paths)
        raise ConfigError(f"no FHIR files (.json, .ndjson, optionally .gz) found in {names}")
    report = Report(keep=keep, files=len(files))
    docs = (item for path in files for item in documents(path))
    return validate_documents(docs, structural=structural, us_core=us_core, report=report)


def validate_documents(
    docs: Iterable[tuple[str, Any]], *, structural: bool = True, us_core: bool = True, report: Report | None = None
) -> Report:
    """Check parsed documents ``(where, resource or Bundle)``, shared resources and Patients first."""
    report = report or Report()
    refs = ReferenceChecker()
    plaus = PlausibilityChecker()
    for where, doc in docs:
        if isinstance(doc, Exception):
            report.add(Problem("structure", where, f"not JSON: {doc}"))
            continue
        if not isinstance(doc, dict) or not isinstance(doc.get("resourceType"), str):
            what = "a JSON array" if isinstance(doc, list) else "a JSON object without resourceType"
            what = what if isinstance(doc, (list, dict)) else f"a JSON {type(doc).__name__}"
            report.add(Problem("input", where, f"not a FHIR resource or Bundle ({what})"))
            continue
        if doc["resourceType"] == "Bundle" and not _entries_ok(doc):
            report.add(Problem("input", where, "Bundle.entry must be a list of objects, each with a resource object"))
            continue
        _check_document(doc, where, report, refs, plaus, structural, us_core)
    for problem in refs.finish():
        report.add(problem)
    return report


def _entries_ok(bundle: dict[str, Any]) -> bool:
    entries = bundle.get("entry", [])
    return isinstance(entries, list) and all(
        isinstance(e, dict) and isinstance(e.get("resource", {}), dict) for e in entries
    )


def _label(res: dict[str, Any]) -> str:
    return f"{res.get('resourceType')}/{res.get('id')}"


def _check_document(
    doc: dict[str, Any],
    where: str,
    report: Report,
    refs: ReferenceChecker,
    plaus: PlausibilityChecker,
    structural: bool,
    us_core: bool,
) -> None:
    if doc["resourceType"] == "Bundle":
        if structural:
            for p in structure.check_bundle_shell(doc, where):
                report.add(p)
        entries = [e for e in doc.get("entry", []) if isinstance(e.get("resource"), dict)]
        full_urls = {e["fullUrl"]: e["resource"].get("resourceType") for e in entries if "fullUrl" in e}
        items = [(e["resource"], f"{where} {_label(e['resource'])}") for e in entries]
    else:
        full_urls = None
        items = [(doc, f"{where} {_label(doc)}")]
    for res, _ in items:
        refs.add_known(res)
        if res.get("resourceType") == "Patient":
            plaus.add_patient(res)
    for res, at in items:
        report.resources += 1
        found = structure.check_resource(res, at) if structural else []
        found += refs.check(res, at, full_urls)
        if us_core and res.get("resourceType") != "Parameters":
            found += uscore.check(res, at)
        found += plaus.check(res, at)
        for p in found:
            report.add(p)
