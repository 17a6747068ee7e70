"""The one table of the record's entry kinds: what each list holds and how the engine treats it.

The recorder, the history cut, the JSON Schema of the record (``record.schema``), the exporters and
the reports read this table; adding a kind or a field starts here (and in docs/record.md).
Field types are JSON Schema fragments, so the schema is generated from this table, not kept beside it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, get_args

from ehrsim.gmf.states.encounter import EncounterClass

CODE: Mapping[str, Any] = {"$ref": "#/$defs/code"}
CODES: Mapping[str, Any] = {"$ref": "#/$defs/codes"}
CODE_LIST: Mapping[str, Any] = {"type": "array", "items": {"$ref": "#/$defs/code"}}
OPTIONAL_CODE: Mapping[str, Any] = {"anyOf": [{"$ref": "#/$defs/code"}, {"type": "null"}]}
TIME: Mapping[str, Any] = {"type": "integer"}
OPTIONAL_TIME: Mapping[str, Any] = {"type": ["integer", "null"]}
TEXT: Mapping[str, Any] = {"type": "string"}
FLAG: Mapping[str, Any] = {"type": "boolean"}


#: a dose; the prescribing layer adds the unit of ``amount`` and, for a child's liquid, its weight basis
DOSAGE: Mapping[str, Any] = {
    "type": "object",
    "properties": {
        "amount": {"type": "number"},
        "frequency": {"type": "integer"},
        "period": {"type": "number"},
        "unit": TEXT,
        "dose_unit": TEXT,
        "mg_of": TEXT,
        "mg_per_kg": {"type": "number"},
        "weight_kg": {"type": "number"},
        "volume_ml": {"type": "number"},
        "mg_per_m2": {"type": "number"},
        "bsa_m2": {"type": "number"},
        "height_cm": {"type": "number"},
        "auc": {"type": "number"},
        "gfr_ml_min": {"type": "number"},
        "creatinine_mg_dl": {"type": "number"},
        "units_per_dose": {"type": "number"},
        "units_per_kg": {"type": "number"},
        "peak_units_per_kg": {"type": "number"},
    },
    "required": ["amount", "frequency", "period", "unit"],
    "additionalProperties": False,
}
#: what the prescribing layer wrote on a medication entry (docs/record.md)
PRESCRIBING_NOTE: Mapping[str, Any] = {
    "type": "object",
    "properties": {
        "action": TEXT,
        "rule": TEXT,
        "reason": TEXT,
        "ordered": CODE,
        "form": TEXT,
        "caution": TEXT,
        "strength": TEXT,
        "stopped": TEXT,
        "stop_rule": TEXT,
        "regimen": TEXT,
        "ordered_dosage": DOSAGE,
    },
    "additionalProperties": False,
}
#: one event of the record's top-level ``prescribing`` list (docs/record.md)
PRESCRIBING_EVENT: Mapping[str, Any] = {
    "type": "object",
    "properties": {
        "time": TIME,
        "action": {
            "enum": [
                "substituted",
                "withheld",
                "stopped",
                "replaced",
                "ended",
                "paediatric_form",
                "caution",
                "renewal_changed",
                "strength",
                "resumed",
                "reason_passed",
                "titration",
                "continued",
                "added",
            ]
        },
        "rule": TEXT,
        "reason": TEXT,
        "ordered": CODE,
        "given": OPTIONAL_CODE,
        "entry": {"type": ["string", "null"]},
    },
    "required": ["time", "action", "rule", "reason", "ordered", "given", "entry"],
    "additionalProperties": False,
}

#: one change of a symptom level a module set (GMF ``Symptom`` state) in the record's top-level ``symptoms`` list;
#: ``severity`` is the module's 0-100 level (0: gone), ``encounter`` the sick visit that addressed it (level 0 then)
SYMPTOM_EVENT: Mapping[str, Any] = {
    "type": "object",
    "properties": {
        "time": TIME,
        "symptom": TEXT,
        "cause": TEXT,
        "severity": {"type": "number", "minimum": 0},
        "encounter": {"type": ["string", "null"]},
    },
    "required": ["time", "symptom", "cause", "severity", "encounter"],
    "additionalProperties": False,
}

#: one clinical note of the record's top-level ``notes`` list (``--notes``; docs/record.md)
NOTE: Mapping[str, Any] = {
    "type": "object",
    "properties": {
        "id": TEXT,
        "encounter": TEXT,
        "time": TIME,
        "codes": CODES,
        "title": TEXT,
        "text": TEXT,
    },
    "required": ["id", "encounter", "time", "codes", "title", "text"],
    "additionalProperties": False,
}


def _enum(*values: str) -> Mapping[str, Any]:
    return {"enum": list(values)}


def _object(required: dict[str, Any], optional: dict[str, Any] | None = None) -> dict[str, Any]:
    """A closed object: every ``required`` field present, ``optional`` ones allowed."""
    properties = {**required, **(optional or {})}
    return {"type": "object", "properties": properties, "required": list(required), "additionalProperties": False}


@dataclass(frozen=True, slots=True)
class EntryKind:
    """One list of the record.

    ``span``: the entry has ``start``/``stop`` (else one ``time``). ``lasting``: the entry can be
    active (the recorder indexes the active ones by code, modules end them, and the history cut keeps
    them while still active at the cut-off). ``fields``: JSON Schema of each field besides ``id``,
    ``n`` and ``encounter``; ``optional`` names fields some entries lack.
    """

    name: str
    span: bool
    lasting: bool
    fields: Mapping[str, Any]
    optional: frozenset[str] = field(default_factory=frozenset)
    doc: str = ""

    @property
    def time_field(self) -> str:
        """The field that says when the entry happened (or began)."""
        return "start" if self.span else "time"


_VALUE = {
    "anyOf": [{"type": "number"}, {"type": "string"}, {"type": "boolean"}, {"$ref": "#/$defs/code"}, {"type": "null"}]
}
_VALUE_TYPE = _enum("numeric", "code", "text", "boolean", "none")
_OBSERVATION_CATEGORY = _enum(
    "vital-signs", "laboratory", "survey", "exam", "procedure", "social-history", "imaging", "therapy"
)

#: a numeric result's reference interval [low, high] (either may be open) and HL7 v3 interpretation flag
_REFERENCE_RANGE = {"type": "array", "items": {"type": ["number", "null"]}, "minItems": 2, "maxItems": 2}
_INTERPRETATION = _enum("N", "H", "L", "HH", "LL")

#: the record's lists, in the order of the record (and of its documentation)
ENTRY_KINDS: tuple[EntryKind, ...] = (
    EntryKind(
        "encounters",
        span=True,
        lasting=False,
        fields={
            "start": TIME,
            "stop": TIME,
            "class": _enum(*get_args(EncounterClass)),  # the GMF's classes: the engine records no others
            "codes": CODES,
            "reason": CODE_LIST,
            "organization": TEXT,
            "practitioner": TEXT,
            "discharge": OPTIONAL_CODE,
            "module": TEXT,
            "in_progress": {"type": "boolean"},
        },
        optional=frozenset({"in_progress"}),
        doc="visits; every other entry's ``encounter`` points at one (or is None)",
    ),
    EntryKind(
        "conditions",
        span=True,
        lasting=True,
        fields={"start": TIME, "stop": OPTIONAL_TIME, "onset": TIME, "codes": CODES},
        optional=frozenset({"onset"}),
    ),
    EntryKind(
        "allergies",
        span=True,
        lasting=True,
        fields={
            "start": TIME,
            "stop": OPTIONAL_TIME,
            "onset": TIME,
            "codes": CODES,
            "type": _enum("allergy", "intolerance"),
            "category": _enum("food", "medication", "environment", "biologic"),
            "reactions": {
                "type": "array",
                "items": _object(
                    {"code": {"$ref": "#/$defs/code"}, "severity": {"enum": ["mild", "moderate", "severe"]}}
                ),
            },
        },
        optional=frozenset({"onset"}),
    ),
    EntryKind(
        "medications",
        span=True,
        lasting=True,
        fields={
            "start": TIME,
            "stop": OPTIONAL_TIME,
            "codes": CODES,
            "reason": CODE_LIST,
            "chronic": FLAG,
            "administered": FLAG,
            "requested": FLAG,
            "dosage": {"anyOf": [DOSAGE, {"type": "null"}]},
            "as_needed": FLAG,
            "duration_days": {"type": ["number", "null"]},
            "refills": {"type": "integer"},
            "instructions": CODE_LIST,
            "stop_reason": OPTIONAL_CODE,
            "ordered": CODE,
            "prescribing": PRESCRIBING_NOTE,
        },
        optional=frozenset({"ordered", "prescribing"}),
    ),
    EntryKind(
        "observations",
        span=False,
        lasting=False,
        fields={
            "time": TIME,
            "category": _OBSERVATION_CATEGORY,
            "codes": CODES,
            "value": _VALUE,
            "value_type": _VALUE_TYPE,
            "unit": TEXT,
            "components": {
                "type": "array",
                "items": _object(
                    {"codes": {"$ref": "#/$defs/codes"}, "value": _VALUE, "value_type": _VALUE_TYPE, "unit": TEXT},
                    {"reference_range": _REFERENCE_RANGE, "interpretation": _INTERPRETATION},
                ),
            },
            "report": {"type": ["string", "null"]},
            "reference_range": _REFERENCE_RANGE,
            "interpretation": _INTERPRETATION,
        },
        optional=frozenset({"reference_range", "interpretation"}),
    ),
    EntryKind(
        "reports",
        span=False,
        lasting=False,
        fields={
            "time": TIME,
            "codes": CODES,
            "observations": {"type": "array", "items": {"type": "string"}},
            "category": _enum("LAB", "RAD", "CUS", "EC", "SP"),
            "conclusion": TEXT,
            "conclusion_codes": CODE_LIST,
        },
        optional=frozenset({"category", "conclusion", "conclusion_codes"}),
        doc="diagnostic reports grouping observations (by id); imaging, ECG, echo and pathology ones carry "
        "report text (record/findings.py)",
    ),
    EntryKind(
        "procedures",
        span=True,
        lasting=False,
        fields={"start": TIME, "stop": TIME, "codes": CODES, "reason": CODE_LIST},
    ),
    EntryKind(
        "immunizations",
        span=False,
        lasting=False,
        fields={"time": TIME, "codes": CODES, "series": {"type": ["integer", "null"]}},
    ),
    EntryKind(
        "careplans",
        span=True,
        lasting=True,
        fields={
            "start": TIME,
            "stop": OPTIONAL_TIME,
            "codes": CODES,
            "activities": CODE_LIST,
            "goals": {
                "type": "array",
                "items": _object(
                    {
                        "text": TEXT,
                        "addresses": CODE_LIST,
                        "observation": {  # a measurable goal (GMF: the latest result of codes compared with value)
                            "anyOf": [
                                _object({"codes": CODES, "operator": TEXT, "value": {"type": "number"}}),
                                {"type": "null"},
                            ]
                        },
                    }
                ),
            },
            "reason": CODE_LIST,
        },
    ),
    EntryKind(
        "devices",
        span=True,
        lasting=True,
        fields={
            "start": TIME,
            "stop": OPTIONAL_TIME,
            "codes": CODES,
            "udi": TEXT,
            "manufacturer": TEXT,
            "model": TEXT,
        },
    ),
    EntryKind(
        "supplies", span=False, lasting=False, fields={"time": TIME, "codes": CODES, "quantity": {"type": "integer"}}
    ),
    EntryKind(
        "imaging_studies",
        span=False,
        lasting=False,
        fields={
            "time": TIME,
            "procedure_code": CODE,
            "uid": TEXT,
            "series": {
                "type": "array",
                "items": _object(
                    {
                        "uid": TEXT,
                        "body_site": CODE,
                        "modality": CODE,
                        "instances": {
                            "type": "array",
                            "items": _object({"uid": TEXT, "title": TEXT, "sop_class": CODE}),
                        },
                    }
                ),
            },
        },
    ),
)

BY_NAME: Mapping[str, EntryKind] = MappingProxyType({k.name: k for k in ENTRY_KINDS})
#: every entry list of the record, in record order
KINDS: tuple[str, ...] = tuple(k.name for k in ENTRY_KINDS)
#: kinds whose entries can be active (indexed by code while the life runs; kept by the history cut while active)
ACTIVE_KINDS: tuple[str, ...] = tuple(k.name for k in ENTRY_KINDS if k.lasting)
#: fields of an entry that hold times (made ``int`` when the record is built)
TIME_FIELDS = ("start", "stop", "time", "onset")
