"""The JSON Schema (draft 2020-12) of the native record, generated from the table in ``record.kinds``.

``python -m ehrsim.record.schema`` prints it; ``docs/record.schema.json`` is this output (a test keeps
the two equal, and another validates generated records against it).
"""

from __future__ import annotations

import copy
import json
from typing import Any

from ehrsim.record.kinds import CODE_LIST, ENTRY_KINDS, NOTE, PRESCRIBING_EVENT, SYMPTOM_EVENT, TEXT, TIME

SCHEMA_ID = "https://ehrsim.example.org/schema/record-1.json"
_STR = {"type": "string"}
#: patient fields that are plain strings
_PATIENT_TEXT: tuple[str, ...] = (
    *("prefix", "first", "middle", "last", "suffix", "maiden", "ssn", "drivers", "passport", "mrn"),
    *("phone", "email", "language", "education", "insurance", "organization", "practitioner"),
)


def _object(properties: dict[str, Any], optional: frozenset[str] = frozenset()) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": [p for p in properties if p not in optional],
        "additionalProperties": False,
    }


def _patient() -> dict[str, Any]:
    address = {
        "line": _STR,
        "city": _STR,
        "state": _STR,
        "state_abbr": _STR,
        "county": _STR,
        "fips": _STR,
        "zip": _STR,
        "lat": {"type": "number"},
        "lon": {"type": "number"},
    }
    properties: dict[str, Any] = {
        "birth_time": TIME,
        "gender": {"enum": ["M", "F"]},
        "race": {"enum": ["white", "black", "asian", "native", "hawaiian", "other"]},
        "ethnicity": {"enum": ["hispanic", "nonhispanic"]},
        "marital": {"enum": ["S", "M", "D", "W", ""]},
        "income": {"type": "integer"},
        "address": _object(address),
        "birthplace": _object({"city": _STR, "state": _STR, "country": _STR}),
    }
    properties.update(dict.fromkeys(_PATIENT_TEXT, _STR))
    return _object(properties)


def record_schema() -> dict[str, Any]:
    """The schema of one record as an exporter receives it (after the history cut)."""
    entry_base = {"id": TEXT, "n": {"type": "integer", "minimum": 1}, "encounter": {"type": ["string", "null"]}}
    defs: dict[str, Any] = {
        "code": _object({"system": _STR, "code": _STR, "display": _STR}),
        "codes": {"type": "array", "items": {"$ref": "#/$defs/code"}, "minItems": 1},
        "patient": _patient(),
    }
    properties: dict[str, Any] = {
        "format": {"const": 1},
        "index": {"type": "integer", "minimum": 0},
        "id": TEXT,
        "patient": {"$ref": "#/$defs/patient"},
        "alive": {"type": "boolean"},
        "death": {
            "anyOf": [
                _object({"time": TIME, "codes": CODE_LIST, "encounter": {"type": ["string", "null"]}}),
                {"type": "null"},
            ]
        },
    }
    for kind in ENTRY_KINDS:
        fields = {**entry_base, **copy.deepcopy(dict(kind.fields))}
        defs[kind.name] = _object(fields, kind.optional)
        properties[kind.name] = {"type": "array", "items": {"$ref": f"#/$defs/{kind.name}"}}
    properties["prescribing"] = {"type": "array", "items": PRESCRIBING_EVENT}
    properties["symptoms"] = {"type": "array", "items": SYMPTOM_EVENT}
    # the simulator's truth: condition code -> time a latent (possibly undiagnosed) disease began
    # and "exam": the survey examination of the living at the end of the run (core/exam.py)
    exam = _object({"time": TIME, "values": {"type": "object", "additionalProperties": {"type": "number"}}})
    properties["latent"] = {"type": "object", "properties": {"exam": exam}, "additionalProperties": TIME}
    properties["weight"] = {"type": "number", "exclusiveMinimum": 0}  # steered cohorts only (docs/cohorts.md)
    properties["notes"] = {"type": "array", "items": NOTE}  # only with --notes
    return copy.deepcopy(
        {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": SCHEMA_ID,
            "title": "ehrsim native patient record, format 1",
            "description": "See docs/record.md. Times are int seconds since 1970-01-01T00:00:00Z.",
            **_object(properties, frozenset({"weight", "notes", "latent"})),
            "$defs": defs,
        }
    )


def schema_json() -> str:
    return json.dumps(record_schema(), indent=2, sort_keys=False) + "\n"


if __name__ == "__main__":
    print(schema_json(), end="")
