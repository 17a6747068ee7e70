"""The bundled OMOP vocabulary rows (terminology/omop/vocabulary) are self-consistent and cover
every concept id the mappings and conventions use, each mapping with its source."""

from __future__ import annotations

import csv
from pathlib import Path

from ehrsim.exporters.omop.concepts import bundled_vocabulary
from ehrsim.paths import terminology_dir


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _table(name: str) -> list[dict[str, str]]:
    return _rows(bundled_vocabulary() / f"{name}.csv")


def test_vocabulary_foreign_keys_close() -> None:
    concepts = {r["concept_id"]: r for r in _table("concept")}
    vocabularies = {r["vocabulary_id"]: r for r in _table("vocabulary")}
    domains = {r["domain_id"]: r for r in _table("domain")}
    classes = {r["concept_class_id"]: r for r in _table("concept_class")}
    relationships = {r["relationship_id"]: r for r in _table("relationship")}
    problems = []
    for c in concepts.values():
        for field, known in (("vocabulary_id", vocabularies), ("domain_id", domains), ("concept_class_id", classes)):
            if c[field] not in known:
                problems.append(f"concept {c['concept_id']}: {field} {c[field]!r}")
    for table, field in (
        (vocabularies, "vocabulary_concept_id"),
        (domains, "domain_concept_id"),
        (classes, "concept_class_concept_id"),
        (relationships, "relationship_concept_id"),
    ):
        problems += [f"{field} {r[field]}" for r in table.values() if r[field] not in concepts]
    for r in _table("concept_relationship"):
        if r["concept_id_1"] not in concepts or r["concept_id_2"] not in concepts:
            problems.append(f"concept_relationship {r['concept_id_1']} -> {r['concept_id_2']}")
        if r["relationship_id"] not in relationships:
            problems.append(f"relationship {r['relationship_id']}")
    for r in _table("concept_ancestor"):
        if r["ancestor_concept_id"] not in concepts or r["descendant_concept_id"] not in concepts:
            problems.append(f"concept_ancestor {r['ancestor_concept_id']} -> {r['descendant_concept_id']}")
    assert problems == []
    assert concepts["0"]["concept_name"] == "No matching concept"


def test_every_mapped_and_convention_id_has_a_concept_row_and_a_source() -> None:
    concepts = {r["concept_id"]: r for r in _table("concept")}
    missing, unsourced = [], []
    for path in sorted((terminology_dir() / "omop").glob("*.csv")):
        for r in _rows(path):
            for field in ("concept_id", "source_concept_id"):
                if r[field] not in ("", "0") and r[field] not in concepts:
                    missing.append(f"{path.name}: {r['system']} {r['code']} {field} {r[field]}")
            if not r.get("source"):
                unsourced.append(f"{path.name}: {r['system']} {r['code']}")
            elif r["concept_id"] != "0" and concepts.get(r["concept_id"], {}).get("standard_concept") != "S":
                missing.append(f"{path.name}: {r['system']} {r['code']} maps to non-standard {r['concept_id']}")
    for path in sorted((terminology_dir() / "omop_conventions").glob("*.csv")):
        for r in _rows(path):
            if r.get("concept_id") not in (None, "", "0") and r["concept_id"] not in concepts:
                missing.append(f"{path.name}: {r['concept_id']}")
    assert missing == [] and unsourced == []


def test_drug_ingredients_are_ingredients() -> None:
    concepts = {r["concept_id"]: r for r in _table("concept")}
    ancestors = [r for r in _table("concept_ancestor") if r["min_levels_of_separation"] != "0"]
    assert ancestors, "drug_era needs drug -> ingredient rows"
    assert {concepts[r["ancestor_concept_id"]]["concept_class_id"] for r in ancestors} == {"Ingredient"}
    assert {concepts[r["descendant_concept_id"]]["domain_id"] for r in ancestors} == {"Drug"}


def test_codes_recorded_since_the_last_build_map_through_the_shared_shard() -> None:
    """s16kids: MDRD eGFR (1,180 rows of 300 lives), canagliflozin, fexofenadine and cefdinir had concept 0; the OHDSI
    test shard holds their concepts (33914-3 is non-standard there and 'Maps to' the MDRD concept 77147-7)."""
    from ehrsim.exporters.omop.concepts import load

    concepts = load()
    expected = {
        ("LOINC", "33914-3"): (46236952, 3030354, "Measurement"),
        ("RxNorm", "1373463"): (43526467, 43526467, "Drug"),
        ("RxNorm", "997488"): (40223821, 40223821, "Drug"),
        ("RxNorm", "200346"): (19023564, 19023564, "Drug"),
    }
    for (system, code), (standard, source, domain) in expected.items():
        mapping = concepts.map({"system": system, "code": code})
        assert (mapping.concept_id, mapping.source_concept_id, mapping.domain) == (standard, source, domain)
    assert concepts.ingredients(43526467) == (43526465,)  # canagliflozin, for drug_era
    assert concepts.ingredients(19023564) == (1796458,)
    assert concepts.map({"system": "LOINC", "code": "73700-7"}).concept_id == 0  # not found: listed as unmapped
