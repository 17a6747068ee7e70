"""Maintainer tool (not used at run time): rebuild terminology/omop from public OHDSI material.

It takes facts (concept ids, names, domains, classes, "Maps to" and ingredient relationships) from
vocabulary files you point it at, and writes:

* ``terminology/omop/<topic>.csv``: for every code in ``terminology/codes/<topic>.csv`` (and every
  code seen in ``--records``, into ``extra.csv``) its standard concept, source concept, domain and
  the source of the ids; a code no source knows keeps concept 0 and is listed in ``unmapped.csv``
  with the reason;
* ``terminology/omop_conventions/units.csv``: UCUM units;
* ``terminology/omop/vocabulary/*.csv``: the CONCEPT, CONCEPT_RELATIONSHIP, CONCEPT_ANCESTOR,
  VOCABULARY, DOMAIN, CONCEPT_CLASS and RELATIONSHIP rows every exported concept id needs, so that
  ``omop.duckdb`` holds a self-consistent vocabulary (every vocabulary foreign key resolves).

Sources used for the bundled files are listed in ``terminology/omop/SOURCES.md``. Usage::

    python terminology/omop/build_vocabulary.py --source LABEL=FOLDER ... --concept-sets DIR \\
        --meta DIR --records OUT/json/patients.ndjson [--found terminology/omop/lookups/found.csv]
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import re
from pathlib import Path
from typing import Any

import orjson

HERE = Path(__file__).resolve().parent
TERMINOLOGY = HERE.parent
#: map a single-ingredient RxNorm drug without a concept row to its ingredient (``--ingredient-level``)
INGREDIENT_LEVEL = False
VOCAB_OF = {"SNOMED-CT": "SNOMED", "LOINC": "LOINC", "RxNorm": "RxNorm", "CVX": "CVX", "UCUM": "UCUM"}
CONCEPT_FIELDS = [
    "concept_id",
    "concept_name",
    "domain_id",
    "vocabulary_id",
    "concept_class_id",
    "standard_concept",
    "concept_code",
    "valid_start_date",
    "valid_end_date",
    "invalid_reason",
]
NO_VOCABULARY = {
    "DICOM-DCM": "DICOM modality codes have no OMOP vocabulary (imaging studies have no CDM table)",
    "DICOM-SOP": "DICOM SOP classes have no OMOP vocabulary (imaging studies have no CDM table)",
    "NUBC": "NUBC discharge codes are not in the OMOP vocabularies (discharge_to_concept_id uses CMS Place of Service)",
}


class Pool:
    """Every concept row and relationship read from the sources, first source wins."""

    def __init__(self) -> None:
        self.rows: dict[int, dict[str, str]] = {}
        self.by_code: dict[tuple[str, str], list[int]] = collections.defaultdict(list)
        self.rel: dict[tuple[int, str], set[int]] = collections.defaultdict(set)
        self.meta: dict[str, list[dict[str, str]]] = {}

    def add(self, row: dict[str, Any], origin: str) -> None:
        cid = int(row["concept_id"])
        if cid in self.rows:
            return
        clean = {k: str(row.get(k) if row.get(k) is not None else "").strip() for k in CONCEPT_FIELDS}
        # concept-set items spell "non-standard" N and "valid" V; the CDM leaves both fields empty
        clean["standard_concept"] = "" if clean["standard_concept"] in ("N", "NA") else clean["standard_concept"]
        clean["invalid_reason"] = "" if clean["invalid_reason"] in ("V", "NA") else clean["invalid_reason"]
        if not all(
            clean[k] for k in ("concept_name", "domain_id", "vocabulary_id", "concept_class_id", "concept_code")
        ):
            return  # an incomplete item (value-as-concept criteria carry no class) cannot make a CONCEPT row
        if self.meta and not self._known(clean):
            return  # a later vocabulary release's class (e.g. "Disorder") has no metadata row here
        # concept-set sources carry no validity dates: the CDM's "always valid" defaults stand in
        clean["valid_start_date"] = clean["valid_start_date"] or "1970-01-01"
        clean["valid_end_date"] = clean["valid_end_date"] or "2099-12-31"
        clean["origin"] = origin
        self.rows[cid] = clean
        self.by_code[(clean["vocabulary_id"], clean["concept_code"])].append(cid)

    def read_concepts(self, path: Path, label: str) -> None:
        for row in _read(path):
            if row.get("concept_id", "").lstrip("-").isdigit():
                self.add(row, label)

    def read_vocab_map(self, path: Path, label: str) -> None:
        """ETL-Synthea's source_to_standard_vocab_map.csv: a source concept that is its own target takes
        the target's standard flag, one mapped elsewhere is non-standard and gets a "Maps to" row."""
        for r in _read(path):
            source, target = r["source_concept_id"], r["target_concept_id"]
            if not source.isdigit() or source == "0":
                continue
            dates = {k: _iso(r[f"source_{k}"]) for k in ("valid_start_date", "valid_end_date")}
            row = {
                "concept_id": source,
                "concept_name": r["source_code_description"],
                "domain_id": r["source_domain_id"],
                "vocabulary_id": r["source_vocabulary_id"],
                "concept_class_id": r["source_concept_class_id"],
                "standard_concept": r["target_standard_concept"] if source == target else "",
                "concept_code": r["source_code"],
                "invalid_reason": r["source_invalid_reason"],
                **dates,
            }
            self.add(row, label)
            if source != target and target.isdigit() and target != "0":
                self.rel[(int(source), "Maps to")].add(int(target))

    def read_relationships(self, path: Path) -> None:
        for row in _read(path):
            if not (row.get("invalid_reason") or "").strip():
                self.rel[(int(row["concept_id_1"]), row["relationship_id"])].add(int(row["concept_id_2"]))

    def read_concept_sets(self, folder: Path, label: str = "OHDSI/PhenotypeLibrary") -> None:
        """Concept-set items (CONCEPT_ID, CONCEPT_CODE, VOCABULARY_ID ... in any case) anywhere in the JSON
        files under ``folder`` (OHDSI cohort definitions, ATLAS concept-set exports), and CSV files with
        CONCEPT columns (CohortDiagnostics and study-package vocabulary excerpts)."""
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or path.suffix.lower() not in (".json", ".csv", ".tsv"):
                continue
            origin = f"{label} {path.relative_to(folder).as_posix()}"
            if path.suffix.lower() == ".json":
                try:
                    data = json.loads(path.read_text(encoding="utf-8", errors="replace"))
                except ValueError:
                    continue
                for item in _concept_items(data):
                    self.add(item, origin)
            else:
                try:
                    rows = _read(path)
                except (UnicodeDecodeError, csv.Error):
                    continue
                for row in rows:
                    item = {str(k).strip().lower(): v for k, v in row.items() if k}
                    if str(item.get("concept_id", "")).strip().isdigit() and item.get("concept_code"):
                        self.add(item, origin)

    def read_meta(self, folder: Path) -> None:
        for table in ("VOCABULARY", "DOMAIN", "CONCEPT_CLASS", "RELATIONSHIP"):
            for name in (f"{table}.csv", f"{table.lower()}.csv"):
                if (folder / name).is_file():
                    self.meta[table.lower()] = list(_read(folder / name))
                    break

    def _known(self, row: dict[str, str]) -> bool:
        """Whether the row's vocabulary, domain and class have metadata rows (so its foreign keys can hold)."""
        for table, key in (
            ("vocabulary", "vocabulary_id"),
            ("domain", "domain_id"),
            ("concept_class", "concept_class_id"),
        ):
            if row[key] not in {r[key] for r in self.meta.get(table, [])}:
                return False
        return True

    def resolve(self, system: str, code: str) -> tuple[int, int, str, str] | None:
        """(standard id, source id, domain, origin) for a code, or None; standard id 0 for a non-standard
        concept whose "Maps to" target the sources lack."""
        vocab = VOCAB_OF.get(system)
        ids = self.by_code.get((vocab, code)) if vocab else None
        if not ids:
            return None
        source = ids[0]
        row = self.rows[source]
        if row["standard_concept"] == "S":
            return source, source, row["domain_id"], row["origin"]
        # a "Maps to" target without a concept row in the sources cannot be exported (no row to ship)
        targets = sorted(t for t in self.rel.get((source, "Maps to"), ()) if t in self.rows)
        if not targets:  # the code's own (non-standard) concept still fills *_source_concept_id
            return 0, source, row["domain_id"], row["origin"]
        target = targets[0]
        domain = self.rows[target]["domain_id"]
        return target, source, domain, row["origin"] + "; Maps to from CONCEPT_RELATIONSHIP"


def _concept_items(node: Any) -> list[dict[str, Any]]:
    """Every dict in a JSON tree that carries a concept id, code and vocabulary, keys lower-cased."""
    found: list[dict[str, Any]] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            low = {str(k).lower(): v for k, v in item.items()}
            if {"concept_id", "concept_code", "vocabulary_id"} <= low.keys() and str(low["concept_id"]).isdigit():
                found.append(low)
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return found


def _iso(day: str) -> str:
    """20020131 -> 2002-01-31 (the vocabulary maps write dates without dashes)."""
    day = (day or "").strip()
    return f"{day[:4]}-{day[4:6]}-{day[6:]}" if len(day) == 8 and day.isdigit() else day


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        first = fh.readline()
        fh.seek(0)
        return list(csv.DictReader(fh, delimiter="\t" if "\t" in first else ","))


def _emitted(records: Path | None) -> tuple[dict[tuple[str, str], str], collections.Counter[str]]:
    codes: dict[tuple[str, str], str] = {}
    units: collections.Counter[str] = collections.Counter()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "system" in node and isinstance(node.get("code"), str | int):
                codes.setdefault((node["system"], str(node["code"])), node.get("display", ""))
            unit = node.get("unit")
            if isinstance(unit, str) and unit:
                units[unit] += 1
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    if records:
        for line in records.read_bytes().splitlines():
            walk(orjson.loads(line))
    return codes, units


def _ingredients(pool: Pool, drug: int, name: str) -> list[int]:
    """Ingredient concept ids of a drug: RxNorm relationships when known, else its normalized name."""
    found: set[int] = set()
    for comp in pool.rel.get((drug, "Consists of"), ()):
        found |= pool.rel.get((comp, "RxNorm has ing"), set())
    found |= pool.rel.get((drug, "RxNorm has ing"), set())
    if found:
        return sorted(found)
    by_name = {
        r["concept_name"].lower(): cid
        for cid, r in pool.rows.items()
        if r["vocabulary_id"] == "RxNorm" and r["concept_class_id"] == "Ingredient" and r["standard_concept"] == "S"
    }
    text = re.sub(r"^\{?\d+ \(|\).*$", "", name)  # packs: "{20 (nirmatrelvir 150 MG Oral Tablet) / ..."
    out = []
    for part in re.split(r" / ", text):
        words = re.sub(r"^[\d.]+ (ML|HR|ACTUAT) ", "", part.strip()).split(" ")
        for n in range(len(words), 0, -1):
            if " ".join(words[:n]).lower() in by_name:
                out.append(by_name[" ".join(words[:n]).lower()])
                break
    return sorted(set(out))


def build(args: argparse.Namespace) -> None:
    pool = Pool()
    if args.meta:
        pool.read_meta(args.meta)
    for spec in args.source:
        label, _, folder = spec.partition("=")
        for path in sorted(Path(folder).rglob("*.csv")):
            name = path.name.upper()
            if name == "CONCEPT.CSV":
                pool.read_concepts(path, label)
            elif name == "CONCEPT_RELATIONSHIP.CSV":
                pool.read_relationships(path)
            elif name == "SOURCE_TO_STANDARD_VOCAB_MAP.CSV":
                pool.read_vocab_map(path, label)
    found = {}  # ids found one by one win over concept-set items
    if args.found.is_file():
        for row in _read(args.found):
            pool.add({**row, "standard_concept": row.get("standard_concept", "")}, row.get("source", "found.csv"))
            if row.get("maps_to"):
                pool.rel[(int(row["concept_id"]), "Maps to")].add(int(row["maps_to"]))
            found[(row["system"], row["code"])] = row
    for spec in args.concept_sets or []:
        label, sep, folder = spec.rpartition("=")
        pool.read_concept_sets(Path(folder), label if sep else "OHDSI/PhenotypeLibrary")
    emitted, units = _emitted(args.records)
    write_mappings(pool, emitted)
    write_units(pool, units)
    write_vocabulary(pool)


def write_mappings(pool: Pool, emitted: dict[tuple[str, str], str]) -> None:
    listed: set[tuple[str, str]] = set()
    unmapped: list[dict[str, str]] = []
    topics = sorted((TERMINOLOGY / "codes").glob("*.csv"))
    for path in topics:
        old = {(r["system"], r["code"]): r for r in _read(HERE / path.name)} if (HERE / path.name).is_file() else {}
        rows = []
        for r in _read(path):
            key = (r["system"], r["code"])
            listed.add(key)
            rows.append(_mapping_row(pool, key, old.get(key), r.get("display", ""), unmapped))
        _write(HERE / path.name, rows)
    # codes of earlier samples stay in extra.csv: a rebuild from a smaller sample must not drop them
    old_extra = (
        {(r["system"], r["code"]): r for r in _read(HERE / "extra.csv")} if (HERE / "extra.csv").is_file() else {}
    )
    # an earlier sample's code keeps the display its unmapped.csv row recorded (the ingredient-level rule needs it)
    old_unmapped = HERE / "lookups" / "unmapped.csv"
    known = {(r["system"], r["code"]): r["display"] for r in _read(old_unmapped)} if old_unmapped.is_file() else {}
    displays = {**{k: known.get(k, "") for k in old_extra}, **emitted}
    extra = [
        _mapping_row(pool, key, old_extra.get(key), display, unmapped)
        for key, display in sorted(displays.items())
        if key not in listed and key[0] in {*VOCAB_OF, *NO_VOCABULARY}
    ]
    _write(HERE / "extra.csv", extra)
    _write(HERE / "lookups" / "unmapped.csv", sorted(unmapped, key=lambda r: (r["system"], r["code"])))


def _mapping_row(
    pool: Pool, key: tuple[str, str], old: dict[str, str] | None, display: str, unmapped: list[dict[str, str]]
) -> dict[str, str]:
    system, code = key
    hit = pool.resolve(system, code)
    if hit and not hit[0]:
        source, origin = hit[1], hit[3]
        reason = (
            f"non-standard concept {source} ({pool.rows[source]['concept_name']}) has no 'Maps to' target "
            "with a concept row in the public OHDSI material searched"
        )
        unmapped.append({"system": system, "code": code, "display": display, "reason": reason})
        return {
            "system": system,
            "code": code,
            "concept_id": "0",
            "domain_id": (old or {}).get("domain_id") or hit[2],
            "source_concept_id": str(source),
            "source": f"{origin}; unmapped: no standard concept",
        }
    if hit:
        standard, source, domain, origin = hit
        return {
            "system": system,
            "code": code,
            "concept_id": str(standard),
            "domain_id": domain,
            "source_concept_id": str(source),
            "source": origin,
        }
    reason = NO_VOCABULARY.get(system, "no standard concept found in the public OHDSI material searched")
    ingredient = _ingredient_level(pool, system, display)
    if ingredient:
        ing, origin = ingredient
        reason = (
            f"clinical drug concept not found in the public OHDSI material searched; exported at ingredient level "
            f"{ing} ({pool.rows[ing]['concept_name']})"
        )
        unmapped.append({"system": system, "code": code, "display": display, "reason": reason})
        return {
            "system": system,
            "code": code,
            "concept_id": str(ing),
            "domain_id": "Drug",
            "source_concept_id": "0",
            "source": f"ingredient-level: {origin} (the drug's own RxNorm concept was not found)",
        }
    unmapped.append({"system": system, "code": code, "display": display, "reason": reason})
    return {
        "system": system,
        "code": code,
        "concept_id": "0",
        "domain_id": (old or {}).get("domain_id", ""),
        "source_concept_id": "0",
        "source": f"unmapped: {reason}",
    }


def _ingredient_level(pool: Pool, system: str, display: str) -> tuple[int, str] | None:
    """The RxNorm ingredient of a single-ingredient drug whose own concept no source has, when
    ``--ingredient-level`` is on: the CDM's last level of drug_concept_id precedence ("only if no other
    information is available Ingredient"); multi-ingredient drugs stay 0 (one concept per code)."""
    if not INGREDIENT_LEVEL or system != "RxNorm" or not display or " / " in display or display.startswith("{"):
        return None
    found = _ingredients(pool, 0, display)
    if len(found) != 1:
        return None
    return found[0], pool.rows[found[0]]["origin"]


def write_units(pool: Pool, units: collections.Counter[str]) -> None:
    path = TERMINOLOGY / "omop_conventions" / "units.csv"
    rows = {r["ucum"]: r for r in _read(path)}
    for unit in sorted(units):
        hit = pool.resolve("UCUM", unit)
        if hit and hit[0] and unit not in rows:
            rows[unit] = {"ucum": unit, "concept_id": str(hit[0]), "concept_name": pool.rows[hit[0]]["concept_name"]}
            rows[unit]["source"] = hit[3]
    # rows written by hand (spelling aliases of a UCUM concept) keep their own source note
    _write(path, [{**rows[k], "source": rows[k].get("source", "")} for k in sorted(rows)])


def write_vocabulary(pool: Pool) -> None:
    """CONCEPT rows for every id the mappings and conventions use, closed over the vocabulary's own
    foreign keys (vocabulary, domain and concept class ids and their metadata concepts)."""
    used: set[int] = {0}
    drugs: list[int] = []
    for path in sorted(HERE.glob("*.csv")):
        for r in _read(path):
            for field in ("concept_id", "source_concept_id"):
                if r.get(field, "0") not in ("", "0"):
                    used.add(int(r[field]))
            if r.get("domain_id") == "Drug" and r["concept_id"] != "0":
                drugs.append(int(r["concept_id"]))
    for path in sorted((TERMINOLOGY / "omop_conventions").glob("*.csv")):
        for r in _read(path):
            if r.get("concept_id", "0").isdigit() and r["concept_id"] != "0":
                used.add(int(r["concept_id"]))
    ancestors: list[dict[str, str]] = []
    for drug in sorted(set(drugs)):
        if pool.rows.get(drug, {}).get("concept_class_id") == "Ingredient":
            continue
        for ing in _ingredients(pool, drug, pool.rows.get(drug, {}).get("concept_name", "")):
            used.add(ing)
            ancestors.append(
                {
                    "ancestor_concept_id": str(ing),
                    "descendant_concept_id": str(drug),
                    "min_levels_of_separation": "1",
                    "max_levels_of_separation": "1",
                }
            )
    missing = sorted(c for c in used if c not in pool.rows)
    _write(HERE / "lookups" / "missing_concepts.csv", [{"concept_id": str(c)} for c in missing])
    if missing:
        print(f"warning: no concept row in the sources for {len(missing)} ids (lookups/missing_concepts.csv)")
    concepts = {c: pool.rows[c] for c in used if c in pool.rows}
    for c in sorted(concepts):  # every concept is its own ancestor (OMOP convention), standard ones only
        if concepts[c]["standard_concept"] == "S" and c:
            ancestors.append(
                {
                    "ancestor_concept_id": str(c),
                    "descendant_concept_id": str(c),
                    "min_levels_of_separation": "0",
                    "max_levels_of_separation": "0",
                }
            )
    relationships = [
        {
            "concept_id_1": str(a),
            "concept_id_2": str(b),
            "relationship_id": rel,
            "valid_start_date": "1970-01-01",
            "valid_end_date": "2099-12-31",
            "invalid_reason": "",
        }
        for (a, rel), bs in sorted(pool.rel.items())
        if rel in ("Maps to", "Mapped from") and a in concepts
        for b in sorted(bs)
        if b in concepts
    ]
    meta = _metadata(pool, concepts, relationships)
    out = HERE / "vocabulary"
    out.mkdir(exist_ok=True)
    _write(out / "concept.csv", [{k: concepts[c][k] for k in CONCEPT_FIELDS} for c in sorted(concepts)])
    _write(out / "concept_relationship.csv", relationships)
    _write(
        out / "concept_ancestor.csv",
        sorted(ancestors, key=lambda r: (int(r["ancestor_concept_id"]), int(r["descendant_concept_id"]))),
    )
    for table, rows in meta.items():
        _write(out / f"{table}.csv", rows)


def _metadata(
    pool: Pool, concepts: dict[int, dict[str, str]], relationships: list[dict[str, str]]
) -> dict[str, list[dict[str, str]]]:
    """VOCABULARY, DOMAIN, CONCEPT_CLASS and RELATIONSHIP rows used by ``concepts``, and the
    metadata concepts they point to (Athena's convention: 'OMOP generated' concepts in the
    Vocabulary, Domain, Concept Class and Relationship vocabularies of the Metadata domain)."""
    tables = {
        "vocabulary": ("vocabulary_id", "vocabulary_concept_id", "vocabulary_name", "Vocabulary"),
        "domain": ("domain_id", "domain_concept_id", "domain_name", "Domain"),
        "concept_class": ("concept_class_id", "concept_class_concept_id", "concept_class_name", "Concept Class"),
        "relationship": ("relationship_id", "relationship_concept_id", "relationship_name", "Relationship"),
    }
    out: dict[str, list[dict[str, str]]] = {}
    for _ in range(3):  # metadata concepts bring their own vocabulary, domain and class: close the loop
        needed = {
            "vocabulary": {c["vocabulary_id"] for c in concepts.values()},
            "domain": {c["domain_id"] for c in concepts.values()},
            "concept_class": {c["concept_class_id"] for c in concepts.values()},
            "relationship": {r["relationship_id"] for r in relationships},
        }
        for table, (key, concept_field, name_field, meta_vocab) in tables.items():
            rows = [r for r in pool.meta.get(table, []) if r[key] in needed[table]]
            lacking = needed[table] - {r[key] for r in rows}
            if lacking:
                raise SystemExit(f"{table}: no metadata row for {sorted(lacking)}")
            out[table] = sorted(rows, key=lambda r: r[key])
            for r in rows:
                cid = int(r[concept_field])
                if cid not in concepts:
                    concepts[cid] = {
                        "concept_id": str(cid),
                        "concept_name": r[name_field],
                        "domain_id": "Metadata",
                        "vocabulary_id": meta_vocab,
                        "concept_class_id": meta_vocab,
                        "standard_concept": "",
                        "concept_code": "OMOP generated",
                        "valid_start_date": "1970-01-01",
                        "valid_end_date": "2099-12-31",
                        "invalid_reason": "",
                    }
    return out


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    if not rows:
        path.write_text("", encoding="utf-8") if path.name in {
            "extra.csv",
            "unmapped.csv",
            "missing_concepts.csv",
        } else None
        return
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--source",
        nargs="+",
        required=True,
        help="LABEL=FOLDER holding CONCEPT.csv / CONCEPT_RELATIONSHIP.csv or source_to_standard_vocab_map.csv",
    )
    ap.add_argument(
        "--concept-sets",
        nargs="*",
        help="[LABEL=]FOLDER of OHDSI cohort / concept-set JSON or concept CSV files (LABEL names the source)",
    )
    ap.add_argument("--meta", type=Path, help="folder with VOCABULARY, DOMAIN, CONCEPT_CLASS and RELATIONSHIP.csv")
    ap.add_argument("--records", type=Path, help="native records (NDJSON) whose codes and units to cover")
    ap.add_argument(
        "--found", type=Path, default=HERE / "lookups" / "found.csv", help="ids found one by one, with their source"
    )
    ap.add_argument(
        "--ingredient-level",
        action="store_true",
        help="map a single-ingredient RxNorm drug whose own concept no source has to its RxNorm ingredient",
    )
    args = ap.parse_args()
    global INGREDIENT_LEVEL
    INGREDIENT_LEVEL = args.ingredient_level
    build(args)


if __name__ == "__main__":
    main()
