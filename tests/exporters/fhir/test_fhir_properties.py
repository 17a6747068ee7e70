"""Invariants over perturbed records: whatever the record holds, the output stays valid."""

from __future__ import annotations

from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ehrsim.exporters.fhir.exporter import FhirExporter
from ehrsim.record.kinds import KINDS
from ehrsim.validate import validate_documents
from tests.exporters.fhir.fhir_checks import dangling
from tests.exporters.fhir.fhir_records import make_record

LISTS = KINDS  # every entry list of the native record


@st.composite
def perturbed_records(draw: Any) -> dict[str, Any]:
    """Entries dropped (so links dangle), providers missing, values of odd types, alive or dead."""
    record = make_record(draw(st.integers(0, 5)), alive=draw(st.booleans()))
    for name in LISTS:
        items = record[name]
        keep = draw(st.lists(st.booleans(), min_size=len(items), max_size=len(items)))
        record[name] = [item for item, k in zip(items, keep, strict=True) if k]
    if draw(st.booleans()):
        record["patient"]["organization"] = None
    if draw(st.booleans()):
        for enc in record["encounters"]:
            enc["practitioner"] = None
    for obs in record["observations"]:
        kind = draw(st.sampled_from(["keep", "none", "nan", "text", "bool"]))
        if kind == "none":
            obs.update(value=None, value_type="none")
        elif kind == "nan":
            obs.update(value=float("nan"), value_type="numeric")
        elif kind == "text":
            obs.update(value="<b>&odd</b>", value_type="text")
        elif kind == "bool":
            obs.update(value=True, value_type="boolean")
    for med in record["medications"]:
        med["administered"], med["requested"] = draw(st.booleans()), draw(st.booleans())
    return record


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(record=perturbed_records(), mode=st.sampled_from(["literal", "bundled", "conditional"]))
def test_output_stays_valid(make_ctx, record, mode) -> None:
    ctx = make_ctx(fhir_references=mode)
    exporter = FhirExporter(ctx)
    bundle = orjson.loads(exporter.render(record).files[0][1])
    shared = orjson.loads(exporter.shared_bundle())
    if mode != "conditional":
        assert dangling([bundle, shared]) == []
    report = validate_documents([("shared", shared), ("patient", bundle)])
    assert report.ok, report.text()
    ids = [e["fullUrl"] for e in bundle["entry"]]
    assert len(ids) == len(set(ids))
