"""FHIR dateTimes are written in the patient's local time with its UTC offset."""

from __future__ import annotations

import datetime as dt
import re

from ehrsim.exporters.fhir.datatypes import iso
from ehrsim.exporters.fhir.refs import References
from ehrsim.exporters.fhir.resources import patient_resources
from tests.exporters.fhir.fhir_records import WorldStub, make_record

OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


def test_encounter_periods_carry_the_state_offset_and_the_same_instant():
    record = make_record()
    record["patient"]["address"]["state_abbr"] = "CA"
    refs = References("bundled", WorldStub())
    encounters = [r for r in patient_resources(record, refs, 1_700_000_000) if r["resourceType"] == "Encounter"]
    assert encounters
    for res, enc in zip(encounters, record["encounters"], strict=True):
        start = res["period"]["start"]
        assert OFFSET.match(start), start
        assert start.endswith(("-08:00", "-07:00"))  # Pacific time, standard or daylight
        assert dt.datetime.fromisoformat(start).timestamp() == int(enc["start"])


def test_outside_an_export_times_stay_utc():
    assert iso(0) == "1970-01-01T00:00:00Z"
