"""Random GMF modules from the grammar (hypothesis strategies), valid ones and single mutations of them.

A valid module is drawn in two passes: first each state's type, then its fields, so references
(``target_encounter``, ``condition_onset``, ``medication_order``...) name states of the right type.
A mutation then changes one thing: a wrong type, a missing field, a dangling reference, a cycle, a
huge or negative number, deep nesting or a submodule that calls itself.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from hypothesis import strategies as st

ATTRIBUTES = ("fuzz_a", "fuzz_b", "fuzz_count", "smoker", "income")
OPERATORS = ("<", "<=", "==", ">=", ">", "!=", "is nil", "is not nil")
TIME_UNITS = ("days", "weeks", "months", "years")
SUBMODULE = "fuzz/sub"  # a small valid submodule written beside every case
TYPES = (
    "Simple",
    "Delay",
    "Guard",
    "SetAttribute",
    "Counter",
    "Encounter",
    "EncounterEnd",
    "ConditionOnset",
    "ConditionEnd",
    "AllergyOnset",
    "AllergyEnd",
    "MedicationOrder",
    "MedicationEnd",
    "CarePlanStart",
    "CarePlanEnd",
    "Procedure",
    "Observation",
    "MultiObservation",
    "DiagnosticReport",
    "VitalSign",
    "Symptom",
    "Device",
    "DeviceEnd",
    "SupplyList",
    "Vaccine",
    "ImagingStudy",
    "CallSubmodule",
    "Death",
)
#: replacement values a "wrong type / huge / negative" mutation puts in place of any value
ODD_VALUES = (
    "soon",
    "",
    -5,
    -1e9,
    0,
    1e300,
    10**30,
    float("inf"),
    float("nan"),
    True,
    None,
    [],
    [1, "x"],
    {},
    {"quantity": "soon", "unit": "fortnights"},
    "Nowhere",
)

codes = st.builds(
    lambda n, s: [{"system": s, "code": f"F{n}", "display": f"fuzz concept {n}"}],
    st.integers(0, 40),
    st.sampled_from(("SNOMED-CT", "LOINC", "RxNorm")),
)
one_code = codes.map(lambda c: c[0])
small = st.integers(0, 100)


@cache
def _leaf_conditions(names: tuple[str, ...]) -> st.SearchStrategy[dict[str, Any]]:
    op = st.sampled_from(OPERATORS)
    return st.one_of(
        st.builds(
            lambda o, q, u: {"condition_type": "Age", "operator": o, "quantity": q, "unit": u},
            op,
            small,
            st.sampled_from(("years", "months")),
        ),
        st.builds(lambda g: {"condition_type": "Gender", "gender": g}, st.sampled_from("MF")),
        st.builds(
            lambda a, o, v: {"condition_type": "Attribute", "attribute": a, "operator": o, "value": v},
            st.sampled_from(ATTRIBUTES),
            op,
            st.one_of(small, st.booleans(), st.just("yes")),
        ),
        st.builds(lambda o, y: {"condition_type": "Date", "operator": o, "year": y}, op, st.integers(1950, 2040)),
        st.builds(lambda o, m: {"condition_type": "Date", "operator": o, "month": m}, op, st.integers(1, 12)),
        st.builds(lambda n: {"condition_type": "PriorState", "name": n}, st.sampled_from(names)),
        st.builds(
            lambda n, q: {"condition_type": "PriorState", "name": n, "within": {"quantity": q, "unit": "years"}},
            st.sampled_from(names),
            st.integers(1, 5),
        ),
        st.builds(
            lambda o, v: {"condition_type": "Symptom", "symptom": "Fuzz Ache", "operator": o, "value": v}, op, small
        ),
        st.builds(
            lambda o, v: {"condition_type": "Vital Sign", "vital_sign": "Body Weight", "operator": o, "value": v},
            op,
            small,
        ),
        st.builds(lambda c: {"condition_type": "Active Condition", "codes": c}, codes),
        st.builds(lambda c: {"condition_type": "Active Medication", "codes": c}, codes),
        st.builds(
            lambda c, o, v: {"condition_type": "Observation", "codes": c, "operator": o, "value": v}, codes, op, small
        ),
        st.builds(
            lambda c: {"condition_type": "Socioeconomic Status", "category": c},
            st.sampled_from(("Low", "Middle", "High")),
        ),
        st.builds(lambda r: {"condition_type": "Race", "race": r}, st.sampled_from(("White", "Black", "Hispanic"))),
        st.sampled_from(({"condition_type": "True"}, {"condition_type": "False"})),
    )


def conditions(names: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Conditions; PriorState names Initial or Terminal, which every drawn module has (one cached strategy)."""
    return _conditions(("Initial", "Terminal"))


@cache
def _conditions(names: tuple[str, ...]) -> st.SearchStrategy[dict[str, Any]]:
    return st.recursive(
        _leaf_conditions(names),
        lambda inner: st.one_of(
            st.builds(lambda cs: {"condition_type": "And", "conditions": cs}, st.lists(inner, min_size=1, max_size=3)),
            st.builds(lambda cs: {"condition_type": "Or", "conditions": cs}, st.lists(inner, min_size=1, max_size=3)),
            st.builds(lambda c: {"condition_type": "Not", "condition": c}, inner),
            st.builds(
                lambda cs, n: {"condition_type": "At Least", "minimum": n, "conditions": cs},
                st.lists(inner, min_size=1, max_size=3),
                st.integers(0, 3),
            ),
        ),
        max_leaves=4,
    )


def delay_fields() -> st.SearchStrategy[dict[str, Any]]:
    unit = st.sampled_from(TIME_UNITS)
    return st.one_of(
        st.builds(lambda q, u: {"exact": {"quantity": q, "unit": u}}, st.integers(1, 12), unit),
        st.builds(
            lambda lo, d, u: {"range": {"low": lo, "high": lo + d, "unit": u}},
            st.integers(1, 6),
            st.integers(0, 6),
            unit,
        ),
        st.builds(
            lambda lo, d, u: {
                "distribution": {"kind": "UNIFORM", "parameters": {"low": lo, "high": lo + d}},
                "unit": u,
            },
            st.integers(1, 6),
            st.integers(0, 6),
            unit,
        ),
        st.builds(
            lambda m, u: {
                "distribution": {"kind": "GAUSSIAN", "parameters": {"mean": m, "standardDeviation": 1}},
                "unit": u,
            },
            st.integers(2, 9),
            unit,
        ),
        st.builds(
            lambda m, u: {"distribution": {"kind": "EXPONENTIAL", "parameters": {"mean": m}}, "unit": u},
            st.integers(1, 9),
            unit,
        ),
    )


def _child_observation() -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        lambda c, lo, d: {"category": "laboratory", "codes": c, "unit": "mg/dL", "range": {"low": lo, "high": lo + d}},
        codes,
        small,
        small,
    )


def _by_name_or_codes(field: str, names: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    if names:
        return st.one_of(st.sampled_from(names).map(lambda n: {field: n}), codes.map(lambda c: {"codes": c}))
    return codes.map(lambda c: {"codes": c})


@st.composite
def state_body(draw: st.DrawFn, kind: str, by_type: dict[str, list[str]], names: list[str]) -> dict[str, Any]:
    """The fields of one state of type ``kind`` (its transition is added by ``module``)."""
    body: dict[str, Any] = {"type": kind}
    onsets = by_type.get("ConditionOnset", [])
    reason = st.one_of(st.none(), st.sampled_from(onsets)) if onsets else st.none()
    if kind == "Delay":
        body.update(draw(delay_fields()))
    elif kind == "Guard":
        body["allow"] = draw(conditions(names))
    elif kind == "SetAttribute":
        body["attribute"] = draw(st.sampled_from(ATTRIBUTES[:3]))
        body.update(
            draw(
                st.one_of(
                    st.builds(lambda v: {"value": v}, st.one_of(small, st.booleans(), st.just("text"))),
                    st.just({"expression": "#{age} * 2 + 1"}),
                    st.builds(lambda lo: {"range": {"low": lo, "high": lo + 5}}, small),
                )
            )
        )
    elif kind == "Counter":
        body.update(
            attribute="fuzz_count",
            action=draw(st.sampled_from(("increment", "decrement"))),
            amount=draw(st.integers(1, 3)),
        )
    elif kind == "Encounter":
        if draw(st.booleans()):
            body["wellness"] = True
        else:
            body.update(
                encounter_class=draw(st.sampled_from(("ambulatory", "emergency", "inpatient"))), codes=draw(codes)
            )
            if (r := draw(reason)) is not None:
                body["reason"] = r
    elif kind in ("ConditionOnset", "AllergyOnset"):
        body["codes"] = draw(codes)
        encounters = by_type.get("Encounter", [])
        if encounters and draw(st.booleans()):
            body["target_encounter"] = draw(st.sampled_from(encounters))
        if draw(st.booleans()):
            body["assign_to_attribute"] = "fuzz_b"
        if kind == "AllergyOnset":
            body.update(
                allergy_type="allergy",
                category="food",
                reactions=[
                    {
                        "reaction": draw(one_code),
                        "possible_severities": [{"level": "mild", "value": 0.5}, {"level": "severe", "value": 0.5}],
                    }
                ],
            )
    elif kind in ("ConditionEnd", "AllergyEnd", "MedicationEnd", "CarePlanEnd", "DeviceEnd"):
        field, made_by = {
            "ConditionEnd": ("condition_onset", "ConditionOnset"),
            "AllergyEnd": ("allergy_onset", "AllergyOnset"),
            "MedicationEnd": ("medication_order", "MedicationOrder"),
            "CarePlanEnd": ("careplan", "CarePlanStart"),
            "DeviceEnd": ("device", "Device"),
        }[kind]
        body.update(draw(_by_name_or_codes(field, by_type.get(made_by, []))))
    elif kind == "MedicationOrder":
        body["codes"] = draw(codes)
        if (r := draw(reason)) is not None:
            body["reason"] = r
        body["chronic"] = draw(st.booleans())
        if draw(st.booleans()):
            body["prescription"] = {
                "refills": draw(st.integers(0, 3)),
                "dosage": {"amount": 1, "frequency": 2, "period": 1, "unit": "days"},
                "duration": {"quantity": draw(st.integers(1, 30)), "unit": "days"},
            }
    elif kind == "CarePlanStart":
        body.update(codes=draw(codes), activities=draw(codes))
        if (r := draw(reason)) is not None:
            body["reason"] = r
    elif kind == "Procedure":
        body["codes"] = draw(codes)
        if draw(st.booleans()):
            body["duration"] = {"low": 10, "high": 10 + draw(small), "unit": "minutes"}
        if (r := draw(reason)) is not None:
            body["reason"] = r
    elif kind == "Observation":
        body.update(category="vital-signs", codes=draw(codes), unit="kg")
        body.update(
            draw(
                st.one_of(
                    st.builds(lambda q: {"exact": {"quantity": q}}, small),
                    st.builds(lambda lo: {"range": {"low": lo, "high": lo + 3}}, small),
                    st.just({"attribute": "fuzz_a"}),
                    st.just({"vital_sign": "Body Weight"}),
                    one_code.map(lambda c: {"value_code": c, "unit": None}),
                )
            )
        )
        if body.get("unit") is None:
            body.pop("unit")
    elif kind in ("MultiObservation", "DiagnosticReport"):
        body.update(codes=draw(codes), observations=draw(st.lists(_child_observation(), min_size=1, max_size=3)))
        if kind == "MultiObservation":
            body["category"] = "laboratory"
    elif kind == "VitalSign":
        body.update(vital_sign="Body Weight", unit="kg")
        body.update(
            draw(
                st.one_of(
                    st.builds(lambda q: {"exact": {"quantity": q}}, small),
                    st.builds(lambda lo: {"range": {"low": lo, "high": lo + 3}}, small),
                )
            )
        )
    elif kind == "Symptom":
        body.update(
            symptom="Fuzz Ache",
            cause="fuzz",
            probability=draw(st.sampled_from((0.5, 1))),
            range={"low": 1, "high": 1 + draw(small)},
        )
    elif kind == "Device":
        body["code"] = draw(one_code)
    elif kind == "SupplyList":
        body["supplies"] = [{"quantity": draw(st.integers(1, 5)), "code": draw(one_code)}]
    elif kind == "Vaccine":
        body.update(codes=draw(codes), series=draw(st.integers(1, 3)))
    elif kind == "ImagingStudy":
        sop = {"system": "DICOM-SOP", "code": "1.2.840.10008.5.1.4.1.1.1", "display": "CR Image Storage"}
        body.update(
            procedure_code=draw(one_code),
            series=[
                {
                    "body_site": draw(one_code),
                    "modality": {"system": "DICOM-DCM", "code": "CR", "display": "Computed Radiography"},
                    "instances": [{"title": "fuzz image", "sop_class": sop}],
                }
            ],
        )
    elif kind == "CallSubmodule":
        body["submodule"] = SUBMODULE
    elif kind == "Death" and draw(st.booleans()):
        body["range"] = {"low": 1, "high": 5, "unit": "years"}
    return body


def transition(draw: st.DrawFn, names: list[str]) -> dict[str, Any]:
    target = st.sampled_from(names)
    conditions_on = [n for n in names if n != "Terminal"] or names
    form = draw(st.sampled_from(("direct", "distributed", "conditional", "complex")))
    if form == "direct":
        return {"direct_transition": draw(target)}
    if form == "distributed":
        targets = draw(st.lists(target, min_size=1, max_size=3))
        weights = draw(st.lists(st.integers(1, 9), min_size=len(targets), max_size=len(targets)))
        total = sum(weights)
        options = [{"transition": t, "distribution": w / total} for t, w in zip(targets, weights, strict=True)]
        options[-1]["distribution"] = 1.0 - sum(o["distribution"] for o in options[:-1])
        return {"distributed_transition": options}
    first = {"condition": draw(conditions(conditions_on)), "transition": draw(target)}
    last = {"transition": draw(target)}
    if form == "complex" and draw(st.booleans()):
        first = {
            "condition": first["condition"],
            "distributions": [
                {"transition": draw(target), "distribution": 0.5},
                {"transition": draw(target), "distribution": 0.5},
            ],
        }
    return {f"{form}_transition": [first, last]}


@st.composite
def module(draw: st.DrawFn) -> dict[str, Any]:
    """A valid module: Initial, up to 7 states of any type, a Terminal; every state reachable or not."""
    count = draw(st.integers(1, 7))
    kinds = draw(st.lists(st.sampled_from(TYPES), min_size=count, max_size=count))
    names = [f"S{i}_{k}" for i, k in enumerate(kinds)]
    by_type: dict[str, list[str]] = {}
    for name, kind in zip(names, kinds, strict=True):
        by_type.setdefault(kind, []).append(name)
    # a Delay before Terminal keeps instant loops rare; they are the mutations' job
    everything = [*names, "Terminal"]
    states: dict[str, Any] = {"Initial": {"type": "Initial", "direct_transition": names[0]}}
    for i, (name, kind) in enumerate(zip(names, kinds, strict=True)):
        body = draw(state_body(kind, by_type, everything))
        # forward only, except from a Delay (its loop lets time pass): instant loops are a mutation
        body.update(transition(draw, everything if kind == "Delay" else everything[i + 1 :]))
        states[name] = body
    states["Terminal"] = {"type": "Terminal"}
    return {"name": "fuzz", "states": states}


SUBMODULE_BODY = {
    "name": "fuzz submodule",
    "states": {
        "Initial": {"type": "Initial", "direct_transition": "Wait"},
        "Wait": {"type": "Delay", "exact": {"quantity": 1, "unit": "days"}, "direct_transition": "Terminal"},
        "Terminal": {"type": "Terminal"},
    },
}
