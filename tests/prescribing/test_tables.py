"""The prescribing tables cover every drug and drug allergy the module libraries emit, with sources."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ehrsim.paths import terminology_dir
from ehrsim.prescribing.tables import tables
from tests.conftest import ROOT, SHARED, needs_shared

DATA = terminology_dir() / "prescribing"


def _codes(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if "system" in node and "code" in node:
            yield node
        for value in node.values():
            yield from _codes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _codes(value)


def _allergy_codes(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if node.get("type") == "AllergyOnset" and node.get("category") == "medication":
            yield from (str(c["code"]) for c in node["codes"])
        for value in node.values():
            yield from _allergy_codes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _allergy_codes(value)


def _library(folder: Path) -> tuple[set[str], set[str]]:
    drugs: set[str] = set()
    allergies: set[str] = set()
    for path in folder.rglob("*.json"):
        module = json.loads(path.read_text(encoding="utf-8"))
        drugs |= {str(c["code"]) for c in _codes(module) if c["system"] == "RxNorm"}
        allergies |= set(_allergy_codes(module))
    return drugs, allergies


LIBRARIES = [ROOT / "modules", pytest.param(SHARED / "synthea" / "modules", marks=needs_shared)]


@pytest.mark.parametrize("folder", LIBRARIES, ids=["ours", "synthea"])
def test_every_emitted_drug_and_drug_allergy_is_known(folder: Path) -> None:
    drugs, allergies = _library(folder)
    rx = tables()
    assert drugs and sorted(drugs - set(rx.products)) == []
    assert sorted(allergies - set(rx.allergens)) == []


def test_every_row_has_a_source_and_every_product_a_class_or_a_reason_not_to() -> None:
    for name in ("products", "ingredients", "classes", "allergens", "rules", "interactions", "alternatives"):
        with open(DATA / f"{name}.csv", newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        assert rows, name
        assert all(r["source"].strip() for r in rows), name
    rx = tables()
    assert all(p.ingredients for p in rx.products.values())
    assert all(p.classes for p in rx.products.values() if p.form != "ingredient" and p.route != "other")


def test_alternatives_are_themselves_products_of_the_group_class_kind() -> None:
    rx = tables()
    for group, alternatives in rx.alternatives.items():
        if group.startswith("allergy:"):
            avoided = group.split(":", 1)[1]
            assert all(avoided not in rx.products[a.code].classes for a in alternatives), group
