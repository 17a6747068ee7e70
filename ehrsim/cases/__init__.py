"""Teaching case sets (``ehrsim cases SPEC -o DIR``): standalone HTML/Markdown cases and a Moodle quiz."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ehrsim.cases.build import build_case, candidates
from ehrsim.cases.figure import timeline_svg
from ehrsim.cases.render import moodle_xml, render_case, render_index, write
from ehrsim.cases.spec import CaseSpec, load_spec
from ehrsim.errors import ConfigError

log = logging.getLogger(__name__)
Record = dict[str, Any]

__all__ = ["CaseSpec", "load_spec", "make_cases", "select"]


def read_records(source: Path) -> Iterator[Record]:
    """Records of an earlier run: OUT (its json/patients.ndjson) or an NDJSON file."""
    path = source / "json" / "patients.ndjson" if source.is_dir() else source
    if not path.is_file():
        raise ConfigError(f"--from {source}: no json/patients.ndjson (generate with -f json)")
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def generated(spec: CaseSpec) -> Iterator[Record]:
    """A new population; with a cohort, every patient matches it (``ehrsim generate --cohort``)."""
    import ehrsim

    yield from ehrsim.generate(
        spec.population, seed=spec.seed, reference_date=spec.reference_date, years_of_history=0, cohort=spec.cohort
    )


def reference_time(spec: CaseSpec, source: Path | None) -> int:
    """The records' reference date as a record time: the earlier run's (its metadata.json), else the spec's."""
    from ehrsim.record.times import from_date

    meta = source / "metadata.json" if source is not None and source.is_dir() else None
    if meta is not None and meta.is_file():
        found = json.loads(meta.read_text(encoding="utf-8")).get("reference_date")
        if found:
            return from_date(dt.date.fromisoformat(found))
    return from_date(spec.reference_date)


def select(records: Iterable[Record], spec: CaseSpec, end_time: int | None = None) -> list[tuple[Record, Record]]:
    """(record, condition) pairs, taking the spec's targets in turn, in record order; one case per patient.

    With a cohort expression only the records it matches at ``end_time`` (the reference date) count.
    """
    from ehrsim.cohort.evaluate import matches

    targets = spec.targets()
    expr = spec.expr()
    end = end_time if end_time is not None else reference_time(spec, None)
    found: list[list[tuple[Record, Record]]] = [[] for _ in targets]
    for record in records:
        if expr is not None and not matches(expr, record, end):
            continue
        for cond in candidates(record, spec):
            code = cond["codes"][0]["code"]
            bucket = found[next(i for i, (_, codes) in enumerate(targets) if code in codes)]
            if len(bucket) < spec.cases:
                bucket.append((record, cond))
                break  # one case per patient
        if all(len(b) >= spec.cases for b in found):
            break
    chosen: list[tuple[Record, Record]] = []
    for i in range(spec.cases):
        for bucket in found:
            if i < len(bucket) and len(chosen) < spec.cases:
                chosen.append(bucket[i])
    missing = [label for (label, _), b in zip(targets, found, strict=True) if not b]
    if not chosen:
        wanted = spec.cohort if spec.cohort is not None else list(spec.conditions)
        raise ConfigError(f"no patient matches {wanted!r} with a diagnosis in the age range; raise population")
    if len(chosen) < spec.cases:
        log.warning("cases: %d of %d cases found (none with %s)", len(chosen), spec.cases, ", ".join(missing) or "-")
    return chosen


def make_cases(
    spec: CaseSpec, out: Path, source: Path | None = None, records: Iterable[Record] | None = None
) -> list[dict[str, Any]]:
    """Select, build and write the case set from ``records``, an earlier run (``source``) or a new population."""
    if records is None:
        records = read_records(source) if source else generated(spec)
    cases = []
    for number, (record, cond) in enumerate(select(records, spec, reference_time(spec, source)), 1):
        case = build_case(record, cond, spec, number)
        hidden = {case["diagnosis"]["display"]} if spec.hide_diagnosis else set()
        student_fig = timeline_svg(record, case, hidden)
        teacher_fig = timeline_svg(record, case, set()) if hidden else student_fig
        html, md = render_case(case, spec, student_fig, instructor=False)
        write(out / f"{case['slug']}.html", html)
        write(out / f"{case['slug']}.md", md)
        html, md = render_case(case, spec, teacher_fig, instructor=True)
        write(out / "instructor" / f"{case['slug']}.html", html)
        write(out / "instructor" / f"{case['slug']}.md", md)
        cases.append(case)
    write(out / "index.html", render_index(cases, spec, instructor=False))
    write(out / "instructor" / "index.html", render_index(cases, spec, instructor=True))
    write(out / "quiz.moodle.xml", moodle_xml(cases, spec))
    summary = [
        {k: c[k] for k in ("number", "slug", "patient_index", "diagnosis", "dx_module", "module_path", "questions")}
        for c in cases
    ]
    write(
        out / "instructor" / "cases.json",
        json.dumps({"spec": spec.model_dump(mode="json"), "cases": summary}, indent=2) + "\n",
    )
    return cases
