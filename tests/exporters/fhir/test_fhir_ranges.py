"""Reference ranges, interpretation flags and US Core pulse oximetry codings in FHIR Observations."""

from __future__ import annotations

import copy

import orjson

from ehrsim.exporters.fhir.exporter import FhirExporter


def _observations(ctx, record) -> dict[str, dict]:
    (_, data), *_ = FhirExporter(ctx).render(record).files
    bundle = orjson.loads(data)
    return {
        e["resource"]["code"]["coding"][0]["code"]: e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation"
    }


def test_numeric_lab_carries_reference_range_and_interpretation(make_ctx, record) -> None:
    record = copy.deepcopy(record)
    glucose = next(o for o in record["observations"] if o["codes"][0]["code"] == "2339-0")
    glucose.update(reference_range=[70.0, 99.0], interpretation="H")
    pulse = copy.deepcopy(glucose)
    pulse.update(
        id=glucose["id"][:-3] + "fff",
        category="vital-signs",
        codes=[
            {"system": "LOINC", "code": "59408-5", "display": "Oxygen saturation in Arterial blood by Pulse oximetry"}
        ],
        value=97.0,
        unit="%",
    )
    del pulse["reference_range"], pulse["interpretation"]
    record["observations"].append(pulse)
    obs = _observations(make_ctx(), record)
    lab = obs["2339-0"]
    assert lab["referenceRange"] == [
        {
            "low": {"value": 70.0, "unit": "mg/dL", "system": "http://unitsofmeasure.org", "code": "mg/dL"},
            "high": {"value": 99.0, "unit": "mg/dL", "system": "http://unitsofmeasure.org", "code": "mg/dL"},
        }
    ]
    coding = lab["interpretation"][0]["coding"][0]
    assert coding["code"] == "H" and coding["system"].endswith("v3-ObservationInterpretation")
    assert [c["code"] for c in obs["59408-5"]["code"]["coding"]] == ["59408-5", "2708-6"]
    assert "referenceRange" not in obs["59408-5"]


def test_one_sided_range_has_only_that_bound(make_ctx, record) -> None:
    record = copy.deepcopy(record)
    glucose = next(o for o in record["observations"] if o["codes"][0]["code"] == "2339-0")
    glucose.update(reference_range=[None, 99.0], interpretation="N")
    ref = _observations(make_ctx(), record)["2339-0"]["referenceRange"][0]
    assert set(ref) == {"high"}
