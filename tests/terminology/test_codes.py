"""Every code in modules/ is in terminology/ with the same display, and displays never disagree."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from ehrsim.paths import modules_dir, terminology_dir

CODE_SYSTEMS_CHECKED = {"SNOMED-CT", "LOINC", "RxNorm", "CVX", "ICD10-CM"}


def _codes_in(node: Any) -> Iterator[tuple[str, str, str]]:
    if isinstance(node, dict):
        if "system" in node and "code" in node:
            yield node["system"], str(node["code"]), node.get("display", "")
        for value in node.values():
            yield from _codes_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from _codes_in(value)


def _module_codes() -> dict[tuple[str, str], set[tuple[str, str]]]:
    """(system, code) -> {(display, file)}"""
    found: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    for path in sorted(modules_dir().rglob("*.json")):
        for system, code, display in _codes_in(json.loads(path.read_text())):
            found[(system, code)].add((display, path.relative_to(modules_dir()).as_posix()))
    return found


def _terminology() -> dict[tuple[str, str], set[tuple[str, str]]]:
    found: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    for path in sorted((terminology_dir() / "codes").glob("*.csv")):
        with open(path, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                found[(row["system"], row["code"])].add((row["display"], path.name))
    return found


def test_no_display_disagrees_across_modules() -> None:
    clashes = {
        f"{s}|{c}": sorted(v)
        for (s, c), v in _module_codes().items()
        if s in CODE_SYSTEMS_CHECKED and len({d for d, _ in v}) > 1
    }
    assert clashes == {}


def test_no_display_disagrees_across_terminology_files() -> None:
    clashes = {f"{s}|{c}": sorted(v) for (s, c), v in _terminology().items() if len({d for d, _ in v}) > 1}
    assert clashes == {}


def test_every_module_code_is_in_terminology_with_the_same_display() -> None:
    terms = _terminology()
    missing, different = [], []
    for (system, code), uses in _module_codes().items():
        if system not in CODE_SYSTEMS_CHECKED:
            continue
        known = {d for d, _ in terms.get((system, code), set())}
        for display, file in uses:
            if not known:
                missing.append(f"{file}: {system} {code} {display!r}")
            elif display not in known:
                different.append(f"{file}: {system} {code} {display!r} vs terminology {sorted(known)}")
    assert missing == [] and different == []


def test_every_condition_has_icd10_and_omop_rows() -> None:
    assert any(modules_dir().glob("*.json")), f"the bundled module library {modules_dir()} is missing or empty"
    icd: set[str] = set()
    for path in (terminology_dir() / "icd10cm").glob("*.csv"):
        with open(path, newline="", encoding="utf-8") as fh:
            icd |= {row["snomed_code"] for row in csv.DictReader(fh)}
    omop: set[tuple[str, str]] = set()
    for path in (terminology_dir() / "omop").glob("*.csv"):
        with open(path, newline="", encoding="utf-8") as fh:
            omop |= {(row["system"], row["code"]) for row in csv.DictReader(fh)}
    onset_codes: set[str] = set()
    for path in modules_dir().rglob("*.json"):
        for state in json.loads(path.read_text()).get("states", {}).values():
            if state.get("type") == "ConditionOnset":
                onset_codes |= {str(c["code"]) for c in state["codes"] if c["system"] == "SNOMED-CT"}
    assert sorted(onset_codes - icd) == []
    assert sorted(c for c in onset_codes if ("SNOMED-CT", c) not in omop) == []
