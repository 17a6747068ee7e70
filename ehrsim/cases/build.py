"""One teaching case from one native record: staged encounters, labs, questions with their answers.

Everything a case shows comes from the record up to the end of its last stage (``case["until"]``):
the notes come from ``ehrsim.notes`` (time-consistent), and the answers are the record's ground truth
(the condition recorded, the next test ordered, the class of the drug started).
"""

from __future__ import annotations

import csv
from functools import cache
from typing import Any

from ehrsim.cases.spec import CaseSpec
from ehrsim.notes.build import flag_word, render_note
from ehrsim.notes.snapshot import age_at, by_encounter, fmt_range, fmt_value, snapshot
from ehrsim.notes.symptoms import duration_words
from ehrsim.paths import modules_dir, terminology_dir
from ehrsim.record.times import day

Record = dict[str, Any]
YEAR = 365.2425 * 86400
HIDDEN = "[diagnosis hidden: see the questions]"


@cache
def drug_classes() -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    """RxNorm code -> its classes, and class -> description (terminology/prescribing)."""
    from ehrsim.prescribing.tables import tables

    with open(terminology_dir() / "prescribing" / "classes.csv", newline="", encoding="utf-8") as fh:
        described = {r["class"]: r["description"] for r in csv.DictReader(fh)}
    by_code = {code: tuple(sorted(p.classes)) for code, p in tables().products.items()}
    return by_code, described


def candidates(record: Record, spec: CaseSpec, codes: frozenset[str] | None = None) -> list[Record]:
    """Conditions (``codes``, default the spec's) this record has, diagnosed in an encounter, at an age in range."""
    wanted = codes if codes is not None else frozenset(c for _, group in spec.targets() for c in group)
    encounters = {e["id"]: e for e in record["encounters"]}
    out = []
    seen: set[str] = set()
    for cond in record["conditions"]:
        code = cond["codes"][0]["code"]
        if code not in wanted or code in seen or cond.get("encounter") not in encounters:
            continue
        seen.add(code)
        if spec.age[0] <= age_at(record, cond["start"]) <= spec.age[1]:
            out.append(cond)
    return out


def _stages(record: Record, cond: Record, spec: CaseSpec) -> list[Record]:
    encounters = record["encounters"]
    dx = next(i for i, e in enumerate(encounters) if e["id"] == cond["encounter"])
    first = dx - 1 if spec.start == "before_diagnosis" and dx > 0 else dx
    code = cond["codes"][0]["code"]
    related = [
        e
        for e in encounters[dx + 1 :]
        if e["stop"] is not None
        and (any(r["code"] == code for r in e["reason"]) or e.get("module") == encounters[dx].get("module"))
    ]
    return [*encounters[first : dx + 1], *related][: spec.stages]


def _module_path(name: str | None) -> str:
    if not name:
        return "(not recorded)"
    for candidate in (modules_dir() / f"{name}.json", modules_dir() / name):
        if candidate.exists():
            return f"modules/{candidate.relative_to(modules_dir()).as_posix()}"
    return f"module '{name}'"


def _lab_row(obs: Record, stage: int) -> dict[str, Any]:
    return {
        "stage": stage,
        "date": day(obs["time"]),
        "test": obs["codes"][0]["display"],
        "code": obs["codes"][0]["code"],
        "value": fmt_value(obs),
        "range": fmt_range(obs),
        "flag": flag_word(obs) if obs.get("interpretation") not in (None, "N") else "",
        "flag_code": obs.get("interpretation") or "",
    }


def build_case(record: Record, cond: Record, spec: CaseSpec, number: int) -> dict[str, Any]:
    stages_enc = _stages(record, cond, spec)
    until = stages_enc[-1]["stop"]
    start_enc = stages_enc[0]
    index = by_encounter(record)
    first = snapshot(record, start_enc, index)
    diagnosis = cond["codes"][0]
    patient = record["patient"]
    stages = []
    labs: list[dict[str, Any]] = []
    for i, enc in enumerate(stages_enc, 1):
        snap = snapshot(record, enc, index)
        labs += [_lab_row(o, i) for o in snap.results if o["category"] == "laboratory" and o["value"] is not None]
        stages.append(
            {
                "number": i,
                "date": day(enc["start"]),
                "class": enc["class"],
                "encounter": enc["codes"][0]["display"],
                "reason": [r["display"] for r in enc["reason"]],
                "vitals": [(o["codes"][0]["display"], fmt_value(o)) for o in snap.vitals],
                "new_conditions": [c["codes"][0]["display"] for c in snap.new_conditions],
                "orders": [m["codes"][0]["display"] for m in snap.orders],
                "procedures": [p["codes"][0]["display"] for p in snap.procedures],
                "note": render_note(record, snap),
            }
        )
    questions = [
        {
            "kind": "diagnosis",
            "text": "From the presentation, what condition was diagnosed at this visit?"
            if spec.start == "diagnosis"
            else "From the presentation, what condition will be diagnosed at the next visit?",
            "answer": diagnosis["display"],
            "detail": f"SNOMED CT {diagnosis['code']}, recorded {day(cond['start'])}",
        }
    ]
    dx_time = cond["start"]
    # the first test at a later stage (an encounter for this condition), not any later test
    later_stages = {e["id"] for e in stages_enc if e["start"] > dx_time and e["id"] != cond["encounter"]}
    later_tests = [
        o
        for o in record["observations"]
        if o["category"] == "laboratory" and o["time"] <= until and o.get("encounter") in later_stages
    ]
    if later_tests:
        test = later_tests[0]
        questions.append(
            {
                "kind": "next_test",
                "text": "Which laboratory test was done at the next visit after the diagnosis?",
                "answer": test["codes"][0]["display"],
                "detail": f"LOINC {test['codes'][0]['code']}, {day(test['time'])}: {fmt_value(test)}",
            }
        )
    by_code, described = drug_classes()
    code = diagnosis["code"]
    drugs = [
        m
        for m in record["medications"]
        if dx_time <= m["start"] <= until and any(r["code"] == code for r in m["reason"])
    ]
    for med in drugs:
        classes = [c for c in by_code.get(med["codes"][0]["code"], ()) if c in described]
        if classes:
            questions.append(
                {
                    "kind": "drug_class",
                    "text": "Which drug class was started for the condition diagnosed in this case?",
                    "answer": described[classes[0]],
                    "detail": f"{med['codes'][0]['display']} (RxNorm {med['codes'][0]['code']}), "
                    f"started {day(med['start'])}",
                }
            )
            break
    # results of the year before the case, for context (stage "before")
    stage_ids = {e["id"] for e in stages_enc}
    before = [
        _lab_row(o, 0)
        for o in record["observations"]
        if o["category"] == "laboratory"
        and o["value"] is not None
        and start_enc["start"] - YEAR <= o["time"] < start_enc["start"]
        and o.get("encounter") not in stage_ids
    ]
    labs = before + labs
    lo = start_enc["start"] - spec.lookback_years * YEAR
    return {
        "number": number,
        "slug": f"case-{number:02d}",
        "patient_index": record["index"],
        "diagnosis": diagnosis,
        "module": start_enc.get("module") or "",
        "dx_module": next(e for e in record["encounters"] if e["id"] == cond["encounter"]).get("module") or "",
        "module_path": _module_path(
            next(e for e in record["encounters"] if e["id"] == cond["encounter"]).get("module")
        ),
        "age": first.age,
        "sex": {"M": "male", "F": "female"}[patient["gender"]],
        "social": [(o["codes"][0]["display"], fmt_value(o)) for o in first.social],
        "marital": {"S": "single", "M": "married", "D": "divorced", "W": "widowed"}.get(patient["marital"], ""),
        "education": patient.get("education", "").replace("_", " "),
        "start_date": day(start_enc["start"]),
        "until": until,
        "symptoms": [
            f"{f.name.lower()} ({f.word}, for {duration_words(max(start_enc['start'] - f.onset, 0))})"
            for f in first.symptoms
        ],
        "problems": [c["codes"][0]["display"] for c in first.problems],
        "medications": [m["codes"][0]["display"] for m in first.medications],
        "allergies": [a["codes"][0]["display"] for a in first.allergies],
        "stages": stages,
        "labs": labs,
        "questions": questions,
        "window": (max(lo, record["patient"]["birth_time"]), until),
    }
