from __future__ import annotations

import gzip
from collections import Counter
from typing import Any

import orjson
import pytest

from ehrsim.exporters.fhir.exporter import PATIENT_TYPES, FhirExporter
from ehrsim.exporters.registry import exporter_class
from tests.exporters.fhir.fhir_checks import dangling, references
from tests.exporters.fhir.fhir_records import make_record


def render(ctx: Any, record: dict[str, Any]) -> tuple[str, bytes]:
    (name, data), *rest = FhirExporter(ctx).render(record).files
    assert not rest
    return name, data


def test_registry_finds_both_exporters() -> None:
    assert exporter_class("fhir").folder == "fhir"
    assert exporter_class("fhir-ndjson").folder == "fhir-ndjson"


def test_transaction_bundle_puts_every_resource_by_id(make_ctx, record) -> None:
    name, data = render(make_ctx(), record)
    assert name == f"Joan_OBrien-Smith_{record['id']}.json"
    bundle = orjson.loads(data)
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "transaction"
    urls = [e["fullUrl"] for e in bundle["entry"]]
    assert len(urls) == len(set(urls))
    for e in bundle["entry"]:
        res = e["resource"]
        assert e["request"] == {"method": "PUT", "url": f"{res['resourceType']}/{res['id']}"}
        assert res["meta"]["profile"], res["resourceType"]
    types = Counter(e["resource"]["resourceType"] for e in bundle["entry"])
    assert set(types) == set(PATIENT_TYPES)
    assert types["Observation"] == 7 and types["Provenance"] == 1


def test_same_record_gives_same_bytes(make_ctx, record) -> None:
    assert render(make_ctx(), record) == render(make_ctx(), make_record(0))
    assert render(make_ctx(), make_record(1))[1] != render(make_ctx(), record)[1]


def test_literal_references_resolve_with_the_shared_bundle(make_ctx, record) -> None:
    ctx = make_ctx()
    bundle = orjson.loads(render(ctx, record)[1])
    shared = orjson.loads(FhirExporter(ctx).shared_bundle())
    assert {e["resource"]["resourceType"] for e in shared["entry"]} == {
        "Organization",
        "Location",
        "Practitioner",
        "PractitionerRole",
    }
    assert all(e["request"]["method"] == "PUT" for e in shared["entry"])
    role = next(e["resource"] for e in shared["entry"] if e["resource"]["resourceType"] == "PractitionerRole")
    assert role["specialty"][0]["coding"][0]["code"] == "208D00000X"
    refs = list(references(bundle))
    assert refs and all(not r.startswith("urn:") and "?" not in r for r in refs)
    assert dangling([bundle, shared]) == []
    assert dangling([bundle]) != []  # the organizations live in the shared bundle only


def test_bundled_mode_is_self_contained(make_ctx, record) -> None:
    bundle = orjson.loads(render(make_ctx(fhir_references="bundled"), record)[1])
    assert dangling([bundle]) == []
    types = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert types[:2] == ["Organization", "Organization"] and "PractitionerRole" in types
    assert all(r.startswith("urn:uuid:") for r in references(bundle))


def test_conditional_mode_searches_identifiers_the_shared_bundle_carries(make_ctx, record) -> None:
    ctx = make_ctx(fhir_references="conditional")
    bundle = orjson.loads(render(ctx, record)[1])
    shared = orjson.loads(FhirExporter(ctx).shared_bundle())
    identifiers = {
        f"{e['resource']['resourceType']}?identifier={i['system']}|{i['value']}"
        for e in shared["entry"]
        for i in e["resource"].get("identifier", [])
    }
    searches = {r for r in references(bundle) if "?" in r}
    assert searches and searches <= identifiers
    assert not [r for r in references(bundle) if "?" not in r and not r.startswith("urn:uuid:")]


def test_collection_bundle_has_no_requests(make_ctx, record) -> None:
    bundle = orjson.loads(render(make_ctx(fhir_bundle="collection"), record)[1])
    assert bundle["type"] == "collection"
    assert all("request" not in e for e in bundle["entry"])


def test_gzip_holds_the_same_bytes(make_ctx, record) -> None:
    plain = render(make_ctx(), record)
    name, data = render(make_ctx(fhir_gzip=True), record)
    assert name == plain[0] + ".gz"
    assert gzip.decompress(data) == plain[1]
    assert render(make_ctx(fhir_gzip=True), record)[1] == data  # no timestamp in the gzip header


def test_finish_writes_the_shared_bundle(make_ctx) -> None:
    ctx = make_ctx()
    FhirExporter(ctx).finish({})
    shared = orjson.loads((ctx.out_dir / "fhir" / "shared.json").read_bytes())
    assert len(shared["entry"]) == 8


def resources_of(data: bytes) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for e in orjson.loads(data)["entry"]:
        out.setdefault(e["resource"]["resourceType"], []).append(e["resource"])
    return out


def test_patient_carries_us_core_extensions_and_identifiers(make_ctx, record) -> None:
    (patient,) = resources_of(render(make_ctx(), record)[1])["Patient"]
    urls = [x["url"].rsplit("/", 1)[1] for x in patient["extension"]]
    assert urls[:3] == ["us-core-race", "us-core-ethnicity", "us-core-birthsex"]
    race = patient["extension"][0]["extension"]
    assert race[0]["valueCoding"]["code"] == "2054-5" and race[1] == {
        "url": "text",
        "valueString": "Black or African American",
    }
    systems = {i["system"] for i in patient["identifier"]}
    assert "http://hl7.org/fhir/sid/us-ssn" in systems
    # born at midnight UTC on 1964-05-06: 20:00 the evening before in Massachusetts (FHIR dates are local)
    assert patient["gender"] == "female" and patient["birthDate"] == "1964-05-05"
    assert "deceasedDateTime" not in patient
    assert [n["use"] for n in patient["name"]] == ["official", "maiden"]
    assert patient["communication"][0]["language"]["coding"][0]["code"] == "en"


def test_death_and_statuses(make_ctx) -> None:
    res = resources_of(render(make_ctx(), make_record(3, alive=False))[1])
    assert res["Patient"][0]["deceasedDateTime"].startswith("2020-04-13")
    statuses = {c["code"]["coding"][0]["code"]: c["clinicalStatus"]["coding"][0]["code"] for c in res["Condition"]}
    assert statuses == {"444814009": "resolved", "44054006": "active"}
    old = next(c for c in res["Condition"] if c["code"]["coding"][0]["code"] == "444814009")
    assert old["category"][0]["coding"][0]["code"] == "problem-list-item" and "abatementDateTime" in old


def test_observation_shapes(make_ctx, record) -> None:
    obs = {o["code"]["coding"][0]["code"]: o for o in resources_of(render(make_ctx(), record)[1])["Observation"]}
    bp = obs["85354-9"]
    assert "valueQuantity" not in bp and "dataAbsentReason" not in bp
    assert [c["valueQuantity"]["value"] for c in bp["component"]] == [128.0, 81.0]
    assert bp["meta"]["profile"][0].endswith("us-core-blood-pressure")
    assert obs["8302-2"]["valueQuantity"] == {
        "value": 172.5,
        "unit": "cm",
        "system": "http://unitsofmeasure.org",
        "code": "cm",
    }
    assert obs["72166-2"]["meta"]["profile"] == [
        "http://hl7.org/fhir/us/core/StructureDefinition/us-core-smokingstatus"
    ]
    assert obs["72166-2"]["valueCodeableConcept"]["coding"][0]["code"] == "266919005"
    assert obs["29554-3"]["valueString"] == "normal" and "encounter" not in obs["29554-3"]
    assert obs["2339-0"]["meta"]["profile"][0].endswith("us-core-observation-lab")


def test_medications_care_plans_and_derived_ids(make_ctx, record) -> None:
    res = resources_of(render(make_ctx(), record)[1])
    assert len(res["MedicationRequest"]) == 2 and len(res["MedicationAdministration"]) == 1
    admin = res["MedicationAdministration"][0]
    assert admin["request"]["reference"] == f"MedicationRequest/{record['medications'][1]['id']}"
    assert admin["id"] != record["medications"][1]["id"]
    stopped = next(m for m in res["MedicationRequest"] if m["status"] == "stopped")
    assert stopped["statusReason"]["coding"][0]["code"] == "182840001"
    active = next(m for m in res["MedicationRequest"] if m["status"] == "active")
    assert active["dosageInstruction"][0]["timing"]["repeat"] == {"frequency": 1, "period": 1.0, "periodUnit": "d"}
    plan = res["CarePlan"][0]
    assert plan["text"]["div"].startswith('<div xmlns="http://www.w3.org/1999/xhtml">')
    cond_id = record["conditions"][1]["id"]
    assert plan["addresses"] == [{"reference": f"Condition/{cond_id}"}]
    assert res["Goal"][0]["addresses"] == [{"reference": f"Condition/{cond_id}"}]
    (target,) = res["Goal"][0]["target"]  # a measurable goal: HbA1c < 7
    assert target["measure"]["coding"][0]["code"] == "4548-4"
    assert target["detailQuantity"] == {"value": 7.0, "comparator": "<"}
    assert plan["careTeam"] == [{"reference": f"CareTeam/{res['CareTeam'][0]['id']}"}]
    report = res["DiagnosticReport"][0]
    assert [r["reference"] for r in report["result"]] == [
        f"Observation/{i}" for i in record["reports"][0]["observations"]
    ]
    prov = res["Provenance"][0]
    assert len(prov["target"]) == sum(len(v) for k, v in res.items() if k != "Provenance")


@pytest.mark.parametrize("mode", ["literal", "bundled", "conditional"])
def test_every_resource_round_trips_through_r4_models(make_ctx, record, mode) -> None:
    from fhir.resources.R4B import get_fhir_model_class

    bundle = orjson.loads(render(make_ctx(fhir_references=mode), record)[1])
    get_fhir_model_class("Bundle").model_validate(bundle)
    for e in bundle["entry"]:
        get_fhir_model_class(e["resource"]["resourceType"]).model_validate(e["resource"])


def test_ndjson_rows_per_type_and_manifest(make_ctx, record) -> None:
    from ehrsim.exporters.fhir.exporter import FhirNdjsonExporter

    ctx = make_ctx()
    exporter = FhirNdjsonExporter(ctx)
    rows = dict(exporter.render(record).rows)
    assert list(rows) == [t for t in PATIENT_TYPES if t in rows] and set(rows) == set(PATIENT_TYPES)
    assert all(t in exporter.table_files for t in rows)
    observations = [orjson.loads(line) for line in rows["Observation"].splitlines()]
    assert len(observations) == 7 and all(o["resourceType"] == "Observation" for o in observations)
    assert all(r.startswith(("Patient/", "Encounter/")) for o in observations for r in references(o))
    folder = ctx.out_dir / "fhir-ndjson"
    for table, data in rows.items():
        folder.mkdir(exist_ok=True)
        (folder / exporter.table_files[table]).write_bytes(data)
    exporter.finish({})
    assert len((folder / "Practitioner.ndjson").read_bytes().splitlines()) == 2
    manifest = orjson.loads((folder / "import.json").read_bytes())
    inputs = [p["part"][0]["valueString"] for p in manifest["parameter"] if p["name"] == "input"]
    assert inputs[:4] == ["Organization", "Location", "Practitioner", "PractitionerRole"]
    assert set(inputs) == set(PATIENT_TYPES) | {"Organization", "Location", "Practitioner", "PractitionerRole"}


def test_a_stay_in_progress_at_the_reference_date_has_no_end(make_ctx, record) -> None:
    enc = record["encounters"][-1]
    enc["in_progress"] = True  # the core sets stop = the reference time for a stay still under way
    encounters = {e["id"]: e for e in resources_of(render(make_ctx(), record)[1])["Encounter"]}
    ongoing = encounters[enc["id"]]
    assert ongoing["status"] == "in-progress" and "end" not in ongoing["period"]
    assert all(e["status"] == "finished" and "end" in e["period"] for k, e in encounters.items() if k != enc["id"])


def test_a_dose_carries_its_ucum_unit(make_ctx, record) -> None:
    med = record["medications"][1]
    med["dosage"] = {"amount": 109.0, "frequency": 1, "period": 21.0, "unit": "days", "dose_unit": "mg"}
    res = resources_of(render(make_ctx(), record)[1])
    dose = res["MedicationAdministration"][0]["dosage"]["dose"]
    assert dose == {"value": 109.0, "unit": "mg", "system": "http://unitsofmeasure.org", "code": "mg"}
    request = next(m for m in res["MedicationRequest"] if m["id"] == med["id"])
    assert request["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"]["code"] == "mg"
