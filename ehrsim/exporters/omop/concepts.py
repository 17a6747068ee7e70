"""Concept ids: record codes to OMOP standard concepts, and OHDSI conventions for demographics,
visits, types and units.

Two sources of code mappings:
  * default: every CSV in ``terminology/omop/`` (system, code, concept_id, domain_id[, source_concept_id]);
  * ``--vocab DIR``: an OHDSI Athena download (CONCEPT.csv + CONCEPT_RELATIONSHIP.csv, tab- or
    comma-separated): the source concept is the code in its vocabulary, the standard concept is
    its "Maps to" target (or itself when it is standard), the domain is the standard concept's.
Loaded once per process and cached; only the vocabularies of ``terminology/systems.csv`` are read.

Drug ingredients (for drug_era) come from CONCEPT_ANCESTOR: the bundled rows in
``terminology/omop/vocabulary/`` by default, the Athena folder's with ``--vocab``.
"""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ehrsim.errors import ConfigError
from ehrsim.paths import terminology_dir
from ehrsim.record.systems import omop_vocabulary

log = logging.getLogger(__name__)
#: vocabularies whose codes are standard concepts themselves (source concept = standard concept)
SELF_STANDARD = {"SNOMED", "LOINC", "RxNorm", "CVX"}


@dataclass(frozen=True)
class Mapping:
    concept_id: int
    source_concept_id: int
    domain: str | None  # the standard concept's domain_id; None when unknown


UNMAPPED = Mapping(0, 0, None)


class Concepts:
    """Look up codes (``{"system", "code"}``) and conventions; one instance per vocabulary choice."""

    def __init__(
        self,
        table: dict[tuple[str, str], Mapping],
        units: dict[str, int],
        ingredients: dict[int, tuple[int, ...]] | None = None,
    ) -> None:
        self._table = table
        self._units = units
        self._unit_cache: dict[str, int] = {}
        self._ingredients = ingredients or {}

    def ingredients(self, drug_concept_id: int) -> tuple[int, ...]:
        """The RxNorm ingredient concept ids of a drug (itself when it is an ingredient); () when unknown."""
        return self._ingredients.get(drug_concept_id, ())

    def map(self, code: dict[str, str] | None) -> Mapping:
        if not code:
            return UNMAPPED
        return self._table.get((code["system"], str(code["code"])), UNMAPPED)

    def unit(self, ucum: str) -> int:
        """The UCUM unit's concept id, or 0."""
        if not ucum:
            return 0
        cached = self._unit_cache.get(ucum)
        if cached is None:
            found = self._table.get(("UCUM", ucum))
            cached = self._unit_cache[ucum] = found.concept_id if found else self._units.get(ucum, 0)
        return cached

    def __len__(self) -> int:
        return len(self._table)


@cache
def conventions() -> dict[str, dict[str, int]]:
    """``demographics`` (field:value -> id), ``visits`` (class -> id), ``types`` (use -> id)."""
    base = terminology_dir() / "omop_conventions"
    out: dict[str, dict[str, int]] = {}
    with open(base / "demographics.csv", newline="", encoding="utf-8") as fh:
        out["demographics"] = {f"{r['field']}:{r['value']}": int(r["concept_id"]) for r in csv.DictReader(fh)}
    with open(base / "visits.csv", newline="", encoding="utf-8") as fh:
        out["visits"] = {r["encounter_class"]: int(r["concept_id"]) for r in csv.DictReader(fh)}
    with open(base / "types.csv", newline="", encoding="utf-8") as fh:
        out["types"] = {r["use"]: int(r["concept_id"]) for r in csv.DictReader(fh)}
    with open(base / "care_sites.csv", newline="", encoding="utf-8") as fh:
        out["care_sites"] = {r["organization_type"]: int(r["concept_id"]) for r in csv.DictReader(fh)}
    with open(base / "units.csv", newline="", encoding="utf-8") as fh:
        out["units"] = {r["ucum"]: int(r["concept_id"]) for r in csv.DictReader(fh)}
    with open(base / "specialties.csv", newline="", encoding="utf-8") as fh:
        out["specialties"] = {r["specialty"]: int(r["concept_id"] or 0) for r in csv.DictReader(fh)}
    return out


@cache
def routes() -> tuple[tuple[str, int], ...]:
    """(RxNorm dose-form words, route concept id), longest first: the route of a clinical drug is read
    from the dose form its RxNorm name ends with ("... Oral Tablet" -> oral)."""
    with open(terminology_dir() / "omop_conventions" / "routes.csv", newline="", encoding="utf-8") as fh:
        rows = [(r["dose_form"], int(r["concept_id"] or 0)) for r in csv.DictReader(fh)]
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


def route_of(display: str) -> tuple[int, str | None]:
    """(route concept id, the dose form found) for a drug's RxNorm display; (0, None) when unknown."""
    for form, concept in routes():
        if form in display:
            return concept, form
    return 0, None


@cache
def load(vocab: Path | None = None) -> Concepts:
    """The concept table for a run: ``terminology/omop`` by default, or an Athena folder."""
    table = _from_athena(vocab) if vocab else _from_terminology()
    ingredients = _athena_ingredients(vocab) if vocab else _bundled_ingredients()
    log.info("omop: %d code mappings from %s", len(table), vocab or "terminology/omop")
    return Concepts(table, conventions()["units"], ingredients)


def bundled_vocabulary() -> Path:
    """The folder of vocabulary rows shipped with ehrsim (CONCEPT, CONCEPT_ANCESTOR, ... as CSV)."""
    return terminology_dir() / "omop" / "vocabulary"


def _bundled_ingredients() -> dict[int, tuple[int, ...]]:
    folder = bundled_vocabulary()
    with open(folder / "concept.csv", newline="", encoding="utf-8") as fh:
        is_ingredient = {int(r["concept_id"]) for r in csv.DictReader(fh) if r["concept_class_id"] == "Ingredient"}
    found: dict[int, set[int]] = {}
    with open(folder / "concept_ancestor.csv", newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            ancestor = int(r["ancestor_concept_id"])
            if ancestor in is_ingredient:
                found.setdefault(int(r["descendant_concept_id"]), set()).add(ancestor)
    return {drug: tuple(sorted(ings)) for drug, ings in found.items()}


def _athena_ingredients(folder: Path) -> dict[int, tuple[int, ...]]:
    """Ingredient ancestors of every RxNorm and CVX concept, from the Athena folder's CONCEPT_ANCESTOR
    (empty when the download has none: drug_era is then left empty)."""
    import duckdb

    try:
        ancestor, a_delim = _athena_file(folder, "CONCEPT_ANCESTOR.csv")
    except ConfigError:
        log.warning("omop: --vocab %s has no CONCEPT_ANCESTOR.csv; drug_era needs it and stays empty", folder)
        return {}
    concept, c_delim = _athena_file(folder, "CONCEPT.csv")
    query = f"""
        with c as (select * from {_reader(concept, c_delim)})
        select cast(a.descendant_concept_id as integer), cast(a.ancestor_concept_id as integer)
        from {_reader(ancestor, a_delim)} a
        join c i on i.concept_id = a.ancestor_concept_id and i.concept_class_id = 'Ingredient'
             and i.vocabulary_id in ('RxNorm', 'RxNorm Extension')
        order by 1, 2
    """
    try:
        rows = duckdb.connect().execute(query).fetchall()
    except duckdb.Error as exc:
        raise ConfigError(f"--vocab {folder}: cannot read CONCEPT_ANCESTOR: {exc}") from exc
    found: dict[int, list[int]] = {}
    for drug, ingredient in rows:
        found.setdefault(drug, []).append(ingredient)
    return {drug: tuple(ings) for drug, ings in found.items()}


def _reader(path: Path, delim: str) -> str:
    quote = "" if delim == "\t" else '"'
    return (
        f"read_csv('{str(path).replace(chr(39), chr(39) * 2)}', delim='{delim}', quote='{quote}', "
        "header=true, all_varchar=true)"
    )


def _from_terminology() -> dict[tuple[str, str], Mapping]:
    table: dict[tuple[str, str], Mapping] = {}
    folder = terminology_dir() / "omop"
    for path in sorted(folder.glob("*.csv")) if folder.is_dir() else []:
        with open(path, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                concept = int(row["concept_id"] or 0)
                source = row.get("source_concept_id")
                self_standard = omop_vocabulary(row["system"]) in SELF_STANDARD
                source_id = int(source) if source else (concept if self_standard else 0)
                table.setdefault((row["system"], row["code"]), Mapping(concept, source_id, row["domain_id"] or None))
    return table


def _athena_file(folder: Path, name: str) -> tuple[Path, str]:
    for candidate in (name, name.lower()):
        path = folder / candidate
        if path.is_file():
            with open(path, encoding="utf-8") as fh:
                first = fh.readline()
            return path, "\t" if "\t" in first else ","
    raise ConfigError(f"--vocab {folder}: {name} not found (expected an OHDSI Athena vocabulary folder)")


def _from_athena(folder: Path) -> dict[tuple[str, str], Mapping]:
    import duckdb

    concept, c_delim = _athena_file(folder, "CONCEPT.csv")
    rel, r_delim = _athena_file(folder, "CONCEPT_RELATIONSHIP.csv")
    systems = _systems_by_vocabulary()

    reader = _reader
    vocabularies = ", ".join(f"'{v}'" for v in systems)
    query = f"""
        with c as (select * from {reader(concept, c_delim)}),
             src as (select * from c where vocabulary_id in ({vocabularies})),
             maps as (select concept_id_1, min(cast(concept_id_2 as integer)) as target
                      from {reader(rel, r_delim)}
                      where relationship_id = 'Maps to' and coalesce(invalid_reason, '') = ''
                      group by concept_id_1)
        select src.vocabulary_id, src.concept_code, cast(src.concept_id as integer),
               coalesce(maps.target, case when src.standard_concept = 'S' then cast(src.concept_id as integer) end),
               t.domain_id, src.domain_id
        from src left join maps on maps.concept_id_1 = src.concept_id
        left join c t on cast(t.concept_id as integer) =
             coalesce(maps.target, case when src.standard_concept = 'S' then cast(src.concept_id as integer) end)
    """
    try:
        rows = duckdb.connect().execute(query).fetchall()
    except duckdb.Error as exc:
        raise ConfigError(f"--vocab {folder}: cannot read the Athena files: {exc}") from exc
    table: dict[tuple[str, str], Mapping] = {}
    for vocabulary, code, source_id, standard_id, domain, source_domain in rows:
        mapping = Mapping(standard_id or 0, source_id, domain or source_domain)
        for system in systems[vocabulary]:
            table[(system, code)] = mapping
    return table


def _systems_by_vocabulary() -> dict[str, list[str]]:
    with open(terminology_dir() / "systems.csv", newline="", encoding="utf-8") as fh:
        out: dict[str, list[str]] = {}
        for row in csv.DictReader(fh):
            if row["omop_vocabulary"]:
                out.setdefault(row["omop_vocabulary"], []).append(row["gmf_system"])
    return out
