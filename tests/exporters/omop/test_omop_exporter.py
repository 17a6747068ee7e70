"""The OMOP exporter on hand-made records: headers, ids, routing by domain, eras, loading."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import duckdb
import pytest
from handmade_records import T2D, FakeWorld, records, write_run

from ehrsim.errors import ExportError
from ehrsim.exporters.omop.concepts import Concepts, Mapping
from ehrsim.exporters.omop.eras import _merge
from ehrsim.exporters.omop.events import EventWriter
from ehrsim.exporters.omop.exporter import PERSON_TABLES, OmopExporter
from ehrsim.exporters.omop.rows import PatientRows, encode
from ehrsim.exporters.registry import exporter_class

ID_COLUMNS = {t: f"{t}_id" for t in PERSON_TABLES if t not in ("death", "visit_detail")} | {
    "visit_detail": "visit_detail_id"
}


def read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


@pytest.fixture
def exported(omop_ctx) -> OmopExporter:
    world = FakeWorld()
    exp = OmopExporter(omop_ctx(world=world))
    write_run(exp, records(4, world))
    return exp


def test_registry_finds_the_exporter():
    assert exporter_class("omop") is OmopExporter


def test_a_key_that_is_not_a_column_is_refused():
    out = PatientRows(1)
    out.add("observation_period", {"observation_period_start_date": "2020-01-01", "observation_perod_end": "x"})
    with pytest.raises(ExportError, match="observation_perod_end is not a column"):
        list(out.encoded())
    assert encode("care_site", {"care_site_id": 1, "care_site_name": "A"}).startswith(b"1,A,")
    with pytest.raises(ExportError, match="person_id"):
        encode("care_site", {"care_site_id": 1, "person_id": 1})


def test_ids_unique_and_deterministic(exported, omop_ctx, tmp_path):
    for table, col in ID_COLUMNS.items():
        _, rows = read(exported.out / f"{table}.csv")
        ids = [int(r[col]) for r in rows]
        assert len(ids) == len(set(ids)), table
    _, persons = read(exported.out / "person.csv")
    assert [int(p["person_id"]) for p in persons] == [1, 2, 3, 4]
    world = FakeWorld()
    again = OmopExporter(omop_ctx(out=tmp_path / "again", world=world))
    write_run(again, records(4, world))
    for table in PERSON_TABLES:
        assert (again.out / f"{table}.csv").read_bytes() == (exported.out / f"{table}.csv").read_bytes()


def test_person_conventions_and_death(exported):
    _, persons = read(exported.out / "person.csv")
    assert persons[0]["gender_concept_id"] == "8507" and persons[1]["gender_concept_id"] == "8532"  # M, F
    assert persons[0]["race_concept_id"] == "8527" and persons[0]["ethnicity_concept_id"] == "38003563"
    _, deaths = read(exported.out / "death.csv")
    assert [d["person_id"] for d in deaths] == ["2"] and deaths[0]["cause_source_value"] == "22298006"


def test_events_inside_observation_period(exported):
    _, periods = read(exported.out / "observation_period.csv")
    span = {p["person_id"]: (p["observation_period_start_date"], p["observation_period_end_date"]) for p in periods}
    for table, field in (
        ("condition_occurrence", "condition_start_date"),
        ("measurement", "measurement_date"),
        ("drug_exposure", "drug_exposure_start_date"),
        ("visit_occurrence", "visit_start_date"),
    ):
        for row in read(exported.out / f"{table}.csv")[1]:
            lo, hi = span[row["person_id"]]
            assert lo <= row[field] <= hi, table
    assert span["2"][1] <= read(exported.out / "death.csv")[1][0]["death_date"]


def test_source_values_always_set(exported):
    for table, prefix in (
        ("condition_occurrence", "condition"),
        ("drug_exposure", "drug"),
        ("measurement", "measurement"),
        ("observation", "observation"),
        ("device_exposure", "device"),
    ):
        for row in read(exported.out / f"{table}.csv")[1]:
            assert row[f"{prefix}_source_value"], table
            assert row[f"{prefix}_source_concept_id"] != "", table


def test_components_and_values(exported):
    _, meas = read(exported.out / "measurement.csv")
    first = [m for m in meas if m["person_id"] == "1"]
    assert [m["measurement_source_value"] for m in first] == ["4548-4", "8480-6", "8462-4"]
    assert first[1]["value_as_number"] == "128.0" and first[1]["unit_concept_id"] == "8876"
    _, obs = read(exported.out / "observation.csv")
    narrative = next(o for o in obs if o["observation_source_value"] == "29554-3")
    assert narrative["value_as_string"].startswith("Note, with")


def test_routing_follows_the_standard_concept_domain(tmp_path):
    """A code whose standard concept is an Observation goes to observation even when recorded as a condition."""
    concepts = Concepts(
        {
            ("SNOMED-CT", "160903007"): Mapping(4001, 4001, "Observation"),
            ("SNOMED-CT", "44054006"): Mapping(201826, 201826, "Condition"),
        },
        {},
    )
    out = PatientRows(7)
    writer = EventWriter(out, concepts, {}, end_cap=10**9)
    rec = records(1)[0]
    for cond in rec["conditions"]:
        writer.emit(writer.event(cond, cond["codes"][0], cond["start"], cond.get("stop")), "Condition")
    assert [r["condition_concept_id"] for r in out.rows["condition_occurrence"]] == [201826]
    assert [r["observation_concept_id"] for r in out.rows["observation"]] == [4001]
    assert out.rows["observation"][0]["observation_id"] == 7_000_001


def test_unmapped_code_keeps_source_and_guessed_table():
    out = PatientRows(1)
    writer = EventWriter(out, Concepts({}, {}), {}, end_cap=10**9)
    code = {"system": "SNOMED-CT", "code": "999999", "display": "x"}
    writer.emit(writer.event({}, code, 0, None), "Procedure")
    row = out.rows["procedure_occurrence"][0]
    assert row["procedure_concept_id"] == 0 and row["procedure_source_value"] == "999999"


def test_era_rules():
    d = dt.date
    spans = [(d(2020, 1, 1), d(2020, 1, 10)), (d(2020, 2, 5), d(2020, 2, 6)), (d(2020, 4, 1), d(2020, 4, 2))]
    # 26 days after the first ends: same era (gap 26); 55 days later: a new one
    assert _merge(spans) == [(d(2020, 1, 1), d(2020, 2, 6), 2, 26), (d(2020, 4, 1), d(2020, 4, 2), 1, 0)]


def test_duckdb_cohort_query_matches_the_records(exported):
    """Persons with type 2 diabetes and an HbA1c above 9, from omop.duckdb and from the records."""
    expected = sum(
        1
        for r in records(4)
        if any(c["codes"][0]["code"] == T2D["code"] for c in r["conditions"])
        and any(o["codes"][0]["code"] == "4548-4" and (o["value"] or 0) > 9 for o in r["observations"])
    )
    assert expected == 1
    con = duckdb.connect(str(exported.out / "omop.duckdb"), read_only=True)
    found = con.execute("""
        select count(distinct c.person_id) from condition_occurrence c join measurement m using (person_id)
        where c.condition_concept_id = 201826 and m.measurement_concept_id = 3004410 and m.value_as_number > 9
    """).fetchone()
    assert found == (expected,)
    assert con.execute("select cdm_version, cdm_version_concept_id from cdm_source").fetchone() == ("v5.4", 756265)


def test_parquet_tables(omop_ctx):
    exp = OmopExporter(omop_ctx(table_format="parquet", omop_db="none"))
    write_run(exp, records(2))
    assert not list(exp.out.glob("*.csv")) and not (exp.out / "omop.duckdb").exists()
    con = duckdb.connect()
    kinds = dict(
        con.execute(
            f"select column_name, column_type from (describe select * from '{exp.out / 'person.parquet'}')"
        ).fetchall()
    )
    assert kinds["birth_datetime"] == "TIMESTAMP" and kinds["person_id"] == "BIGINT"


def test_load_error_is_an_export_error(omop_ctx, tmp_path):
    from ehrsim.errors import ExportError

    exp = OmopExporter(omop_ctx(omop_db=str(tmp_path / "no" / "such" / "dir" / "x.duckdb")))
    with pytest.raises(ExportError):
        write_run(exp, records(1))


def test_a_death_certified_in_the_stay_belongs_to_that_visit():
    """The certification encounter at a hospital death is no admission of its own; at home it is a visit."""
    from ehrsim.exporters.omop.visits import visit_rows

    def enc(i, start, stop, cls, code, org="org-1"):
        return {
            "id": f"e{i}",
            "start": start,
            "stop": stop,
            "class": cls,
            "organization": org,
            "practitioner": None,
            "codes": [{"system": "SNOMED-CT", "code": code, "display": ""}],
            "discharge": None,
        }

    death = 1_600_000_000
    stay = enc(1, death - 86400, death, "inpatient", "32485007")
    cert = enc(2, death, death, "inpatient", "308646001")
    out = PatientRows(1)
    visits = visit_rows(out, {"encounters": [stay, cert]}, None, Concepts({}, {}), end_cap=10**10)
    assert len(out.rows["visit_occurrence"]) == 1 and visits["e2"] == visits["e1"]
    home = enc(3, death, death, "home", "308646001")
    out = PatientRows(1)
    visits = visit_rows(out, {"encounters": [stay, home]}, None, Concepts({}, {}), end_cap=10**10)
    assert len(out.rows["visit_occurrence"]) == 2 and visits["e3"] != visits["e1"]
