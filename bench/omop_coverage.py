"""Share of OMOP rows whose main concept fields are 0 (unmapped), per table and field.

Usage: python bench/omop_coverage.py OUT/omop [--max-zero 0.05]
Reads the exported CSVs with DuckDB; exits 1 when any field's zero share exceeds --max-zero.
The most frequent unmapped source values are listed so gaps in terminology/omop/ are easy to fill.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

FIELDS = {
    "condition_occurrence": [("condition_concept_id", "condition_source_value")],
    "drug_exposure": [("drug_concept_id", "drug_source_value")],
    "procedure_occurrence": [("procedure_concept_id", "procedure_source_value")],
    "measurement": [
        ("measurement_concept_id", "measurement_source_value"),
        ("unit_concept_id", "unit_source_value"),
        ("value_as_concept_id", "value_source_value"),
    ],
    "observation": [
        ("observation_concept_id", "observation_source_value"),
        ("unit_concept_id", "unit_source_value"),
        ("value_as_concept_id", "value_source_value"),
    ],
    "device_exposure": [("device_concept_id", "device_source_value")],
    "visit_occurrence": [("visit_concept_id", "visit_source_value"), ("visit_source_concept_id", "visit_source_value")],
    "death": [("cause_concept_id", "cause_source_value")],
    "drug_era": [("drug_concept_id", None)],
    "condition_era": [("condition_concept_id", None)],
}
#: fields that only apply when the row has a source value of that kind
CONDITIONAL = {"unit_concept_id", "value_as_concept_id"}


def coverage(folder: Path) -> list[tuple[str, str, int, int, list[tuple[str, int]]]]:
    con = duckdb.connect()
    out = []
    for table, fields in FIELDS.items():
        path = folder / f"{table}.csv"
        if not path.is_file():
            continue
        rel = f"read_csv('{path}', header=true, all_varchar=true)"
        for concept, source in fields:
            where = ""
            if concept in CONDITIONAL:
                if concept == "value_as_concept_id":
                    # coded results only (SNOMED ids, LOINC answers LA…); free text has no concept to map
                    text = " and value_as_string is null" if table == "observation" else ""
                    coded = "regexp_matches(value_source_value, '^([0-9]+|LA[0-9]+-[0-9])$')"
                    where = f"where value_as_number is null{text} and {coded}"
                else:
                    where = f"where {source} is not null"
            total = con.execute(f"select count(*) from {rel} {where}").fetchone()[0]
            zero_where = f"{where} {'and' if where else 'where'} coalesce({concept}, '0') = '0'"
            zero = con.execute(f"select count(*) from {rel} {zero_where}").fetchone()[0]
            top = (
                con.execute(
                    f"select {source}, count(*) n from {rel} {zero_where} group by 1 order by n desc, 1 limit 8"
                ).fetchall()
                if source and zero
                else []
            )
            out.append((table, concept, zero, total, top))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--max-zero", type=float, default=0.05)
    args = ap.parse_args(argv)
    worst = 0.0
    print("| table | field | rows | concept 0 | share | most frequent unmapped |\n|---|---|---|---|---|---|")
    for table, field, zero, total, top in coverage(args.folder):
        share = zero / total if total else 0.0
        worst = max(worst, share)
        tops = ", ".join(f"{v} ×{n}" for v, n in top[:5])
        print(f"| {table} | {field} | {total} | {zero} | {share:.1%} | {tops} |")
    return 1 if worst > args.max_zero else 0


if __name__ == "__main__":
    sys.exit(main())
