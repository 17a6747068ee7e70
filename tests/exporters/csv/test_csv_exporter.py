"""The CSV exporter on hand-made records: headers, keys, formats, append, split, Parquet."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from handmade_records import records, write_run

from ehrsim.exporters.csv.columns import PATIENT_TABLES, SHARED_TABLES, columns
from ehrsim.exporters.csv.exporter import CsvExporter
from ehrsim.exporters.registry import exporter_class

ALL = (*PATIENT_TABLES, *SHARED_TABLES)


def read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def test_registry_finds_the_exporter():
    assert exporter_class("csv") is CsvExporter


def _synthea_headers() -> dict[str, list[str]]:
    """Synthea's own header lines (tests/fixtures/synthea_csv_headers.txt, from its CSVConstants.java)."""
    lines = (Path(__file__).resolve().parents[2] / "fixtures" / "synthea_csv_headers.txt").read_text().splitlines()
    return {t: h.split(",") for t, h in (ln.split(": ") for ln in lines if ln and not ln.startswith("#"))}


def test_nineteen_files_with_synthea_headers(csv_ctx):
    exp = CsvExporter(csv_ctx())
    write_run(exp, records(3))
    synthea = _synthea_headers()
    assert len(ALL) == 19 and set(ALL) == set(synthea)
    for table in ALL:
        header, _ = read(exp.out / f"{table}.csv")
        assert header == synthea[table], table


def test_rows_and_value_formats_synthea_style(csv_ctx):
    """The default writes what Synthea writes: commas in text become spaces (no quoting), values
    with one decimal, costs 0.00, and an entry recorded outside a visit on the visit under way."""
    exp = CsvExporter(csv_ctx())
    recs = records(3)
    write_run(exp, recs)
    _, patients = read(exp.out / "patients.csv")
    assert [p["Id"] for p in patients] == [r["id"] for r in recs]
    assert patients[1]["DEATHDATE"] and not patients[0]["DEATHDATE"]
    assert patients[0]["LAST"] == "Doe  Jr" and patients[0]["BIRTHPLACE"] == "Worcester  Massachusetts  US"
    assert patients[0]["HEALTHCARE_EXPENSES"] == "0.00"
    _, conds = read(exp.out / "conditions.csv")
    assert len(conds[0]["START"]) == 10 and conds[0]["SYSTEM"] == "SNOMED-CT"
    _, encs = read(exp.out / "encounters.csv")
    # recorded outside any encounter: attributed to the last visit started before it
    before = [e for e in encs if e["PATIENT"] == conds[1]["PATIENT"] and e["START"][:10] <= conds[1]["START"]]
    assert conds[1]["ENCOUNTER"] == max(before, key=lambda e: e["START"])["Id"]
    assert encs[0]["START"].endswith("Z") and encs[1]["REASONCODE"] == "44054006"
    assert encs[0]["BASE_ENCOUNTER_COST"] == "0.00" and encs[0]["PAYER_COVERAGE"] == "0.00"
    _, obs = read(exp.out / "observations.csv")
    # per patient: HbA1c, 2 blood-pressure components, smoking status, narrative
    assert len(obs) == 3 * 5
    assert [o["CODE"] for o in obs[:5]] == ["4548-4", "8480-6", "8462-4", "72166-2", "29554-3"]
    assert obs[1]["VALUE"] == "128.0" and obs[1]["UNITS"] == "mm[Hg]" and obs[1]["TYPE"] == "numeric"
    assert obs[3]["VALUE"] == "Never smoked tobacco (finding)" and obs[3]["TYPE"] == "text"
    assert obs[4]["VALUE"] == 'Note  with "quotes" and a line break'
    _, allergies = read(exp.out / "allergies.csv")
    assert allergies[0]["SEVERITY1"] == "MILD" and allergies[0]["REACTION2"] == ""
    _, imaging = read(exp.out / "imaging_studies.csv")
    assert len(imaging) == 6
    _, orgs = read(exp.out / "organizations.csv")
    assert len(orgs) == 2 and orgs[0]["NAME"] == "Clinic  No. 0"
    _, provs = read(exp.out / "providers.csv")
    assert {p["ORGANIZATION"] for p in provs} <= {o["Id"] for o in orgs}
    for table in ALL:  # nothing is quoted: every line splits on commas into exactly its columns
        lines = (exp.out / f"{table}.csv").read_text(encoding="utf-8").splitlines()
        assert all(len(line.split(",")) == len(columns(table)) for line in lines), table


def test_rows_and_value_formats_strict_style(csv_ctx):
    exp = CsvExporter(csv_ctx(csv_style="strict"))
    write_run(exp, records(3))
    _, patients = read(exp.out / "patients.csv")
    assert patients[0]["LAST"] == "Doe, Jr" and patients[0]["HEALTHCARE_EXPENSES"] == ""
    _, conds = read(exp.out / "conditions.csv")
    assert conds[1]["ENCOUNTER"] == ""  # recorded outside any encounter
    _, obs = read(exp.out / "observations.csv")
    assert obs[4]["VALUE"] == 'Note, with "quotes" and a line break'
    _, orgs = read(exp.out / "organizations.csv")
    assert orgs[0]["NAME"] == "Clinic, No. 0"


def test_one_record_is_one_physical_line(csv_ctx):
    exp = CsvExporter(csv_ctx())
    write_run(exp, records(3))
    for table in ALL:
        path = exp.out / f"{table}.csv"
        _, rows = read(path)
        assert path.read_bytes().count(b"\n") == len(rows) + 1, table


def test_keys_unique_and_references_resolve(csv_ctx):
    exp = CsvExporter(csv_ctx())
    write_run(exp, records(5))
    for table in ("patients", "encounters", "careplans", "organizations", "providers"):
        _, rows = read(exp.out / f"{table}.csv")
        ids = [r["Id"] for r in rows]
        assert len(ids) == len(set(ids)), table
    _, imaging = read(exp.out / "imaging_studies.csv")
    keys = [(r["Id"], r["SERIES_UID"], r["INSTANCE_UID"]) for r in imaging]
    assert len(keys) == len(set(keys))
    patient_ids = {r["Id"] for r in read(exp.out / "patients.csv")[1]}
    encounter_ids = {r["Id"] for r in read(exp.out / "encounters.csv")[1]}
    for table in ("conditions", "observations", "medications", "procedures", "devices"):
        for row in read(exp.out / f"{table}.csv")[1]:
            assert row["PATIENT"] in patient_ids
            assert row["ENCOUNTER"] in encounter_ids | {""}


def test_render_is_pure_and_order_independent(csv_ctx, tmp_path):
    """Rendering in any order (as workers do) and assembling in patient order gives the same bytes."""
    recs = records(4)
    a = CsvExporter(csv_ctx(tmp_path / "a"))
    write_run(a, recs)
    b = CsvExporter(csv_ctx(tmp_path / "b"))
    rendered = {r["index"]: b.render(r) for r in reversed(recs)}
    assert [b.render(r) for r in recs] == [rendered[i] for i in range(4)]
    write_run(b, recs)
    for table in ALL:
        assert (a.out / f"{table}.csv").read_bytes() == (b.out / f"{table}.csv").read_bytes(), table


def test_append_extends_an_earlier_run(csv_ctx, tmp_path):
    out = tmp_path / "run"
    first, second = records(5)[:2], records(5)[2:]
    write_run(CsvExporter(csv_ctx(out)), first)
    exp = CsvExporter(csv_ctx(out, csv_append=True))
    write_run(exp, second)
    _, patients = read(out / "csv" / "patients.csv")
    assert [p["Id"] for p in patients] == [r["id"] for r in first + second]
    _, orgs = read(out / "csv" / "organizations.csv")
    assert len(orgs) == 2  # shared rows are not duplicated
    assert not (out / "csv" / ".append").exists()
    whole = CsvExporter(csv_ctx(tmp_path / "whole"))
    write_run(whole, records(5))
    for table in PATIENT_TABLES:
        assert (out / "csv" / f"{table}.csv").read_bytes() == (whole.out / f"{table}.csv").read_bytes()


def test_append_refuses_other_columns(csv_ctx, tmp_path):
    out = tmp_path / "run"
    write_run(CsvExporter(csv_ctx(out)), records(1))
    (out / "csv" / "patients.csv").write_bytes(b"Id,OTHER\n")
    from ehrsim.errors import ExportError

    with pytest.raises(ExportError, match="other columns"):
        write_run(CsvExporter(csv_ctx(out, csv_append=True)), records(2)[1:])


def test_max_rows_splits_with_headers(csv_ctx):
    exp = CsvExporter(csv_ctx(csv_max_rows=4))
    write_run(exp, records(3))
    obs_parts = sorted(exp.out.glob("observations-*.csv"))
    assert [p.name for p in obs_parts] == [f"observations-{k}.csv" for k in (1, 2, 3, 4)]
    total = []
    for part in obs_parts:
        header, rows = read(part)
        assert header == columns("observations") and 1 <= len(rows) <= 4
        total += rows
    assert len(total) == 15
    assert (exp.out / "patients.csv").exists()  # 3 rows fit: not split


def test_parquet_has_typed_columns(csv_ctx):
    import duckdb

    exp = CsvExporter(csv_ctx(table_format="parquet"))
    write_run(exp, records(3))
    assert not list(exp.out.glob("*.csv"))
    con = duckdb.connect()
    path = exp.out / "encounters.parquet"
    types = dict(con.execute(f"describe select * from '{path}'").fetchall()[i][:2] for i in range(15))
    assert types["START"] == "TIMESTAMP" and types["Id"] == "VARCHAR"
    n = con.execute(f"select count(*) from '{exp.out / 'observations.parquet'}' where VALUE is not null").fetchone()
    assert n == (15,)
    zips = con.execute(f"select distinct ZIP from '{exp.out / 'patients.parquet'}'").fetchall()
    assert zips == [("02110",)]


def test_icd10_columns_on_request(csv_ctx):
    exp = CsvExporter(csv_ctx(csv_icd10=True))
    write_run(exp, records(2))
    header, conds = read(exp.out / "conditions.csv")
    assert header == [*columns("conditions"), "ICD10_CODE", "ICD10_DESCRIPTION"]
    t2d = next(c for c in conds if c["CODE"] == "44054006")
    assert t2d["ICD10_CODE"].startswith("E11")
