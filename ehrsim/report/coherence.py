"""Clinical coherence checks: each returns problems as ``patient id: message``.

``check_record(record)`` runs them all. They read whole records (docs/record.md). When the run
kept only part of each life (``years_of_history``), pass ``history_start``: rules whose evidence
may have been cut away (a lab before the cut-off, a resolved reason) are skipped before it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

from ehrsim.record.kinds import KINDS
from ehrsim.record.times import DAY, iso
from ehrsim.report.coherence_data import CoherenceData, default_data
from ehrsim.report.source import YEAR

Record = dict[str, Any]
TIME_KEYS = ("start", "time", "stop")


def _codes(entry: dict[str, Any]) -> list[str]:
    return [c["code"] for c in entry.get("codes") or ()]


def _entries(record: Record) -> Iterator[tuple[str, dict[str, Any]]]:
    for kind in KINDS:
        for entry in record.get(kind) or ():
            yield kind, entry


def check_lifespan(record: Record, end_time: int | None = None) -> list[str]:
    """Nothing before birth, nothing after death (or after the reference date); no stop before start."""
    pid = record["id"]
    birth = record["patient"]["birth_time"]
    death = (record.get("death") or {}).get("time")
    out = []
    if death is not None and death < birth:
        out.append(f"{pid}: death {iso(death)} before birth {iso(birth)}")
    for kind, entry in _entries(record):
        label = f"{kind[:-1]} {entry.get('n')} {(_codes(entry) or [''])[0]}".rstrip()
        for key in TIME_KEYS:
            t = entry.get(key)
            if t is None:
                continue
            if t < birth:
                out.append(f"{pid}: {label} {key} {iso(t)} before birth {iso(birth)}")
            elif death is not None and t > death:
                out.append(f"{pid}: {label} {key} {iso(t)} after death {iso(death)}")
            elif end_time is not None and key != "stop" and t > end_time:
                out.append(f"{pid}: {label} {key} {iso(t)} after the reference date {iso(end_time)}")
            else:
                continue
            break  # one problem per entry is enough
        start, stop = entry.get("start"), entry.get("stop")
        if start is not None and stop is not None and stop < start:
            out.append(f"{pid}: {label} stops {iso(stop)} before it starts {iso(start)}")
    return out


def check_encounter_overlap(record: Record) -> list[str]:
    """A patient is in one encounter at a time: no encounter starts before the previous one stopped."""
    pid = record["id"]
    out = []
    previous: dict[str, Any] | None = None
    for enc in sorted(record.get("encounters") or (), key=lambda e: (e["start"], e["stop"], e["n"])):
        if previous is not None and enc["start"] < previous["stop"]:
            out.append(
                f"{pid}: encounter {enc['n']} ({enc['class']}, {iso(enc['start'])}) starts before encounter "
                f"{previous['n']} ({previous['class']}) stops at {iso(previous['stop'])}"
            )
        if previous is None or enc["stop"] > previous["stop"]:
            previous = enc
    return out


def check_references(record: Record) -> list[str]:
    """Entries point at encounters, and reports at observations, that exist in the record."""
    pid = record["id"]
    encounters = {e["id"] for e in record.get("encounters") or ()}
    observations = {o["id"] for o in record.get("observations") or ()}
    out = []
    for kind, entry in _entries(record):
        enc = entry.get("encounter")
        if kind != "encounters" and enc is not None and enc not in encounters:
            out.append(f"{pid}: {kind[:-1]} {entry.get('n')} points at a missing encounter {enc}")
    for report in record.get("reports") or ():
        missing = [i for i in report.get("observations") or () if i not in observations]
        if missing:
            out.append(f"{pid}: report {report['n']} lists {len(missing)} missing observation(s)")
    death_enc = (record.get("death") or {}).get("encounter")
    if death_enc is not None and death_enc not in encounters:
        out.append(f"{pid}: death points at a missing encounter {death_enc}")
    return out


def check_medication_reasons(
    record: Record, data: CoherenceData | None = None, history_start: float | None = None
) -> list[str]:
    """Every medication has a reason, and the reason is a condition (or allergy) diagnosed by its start.

    The condition may have resolved since: maintenance treatment after remission is normal care.
    """
    data = data or default_data()
    pid = record["id"]
    conditions = (*(record.get("conditions") or ()), *(record.get("allergies") or ()))
    out = []
    for med in record.get("medications") or ():
        codes = _codes(med)
        if any(c in data.meds_without_reason for c in codes):
            continue
        reasons = {r["code"] for r in med.get("reason") or ()}
        name = f"medication {med['n']} {codes[0] if codes else ''} ({iso(med['start'])})"
        if not reasons:
            out.append(f"{pid}: {name} has no reason")
            continue
        if history_start is not None and med["start"] < history_start:
            continue
        held = any(reasons.intersection(_codes(c)) and c["start"] <= med["start"] + DAY for c in conditions)
        if not held:
            out.append(f"{pid}: {name} reason {', '.join(sorted(reasons))} was not diagnosed by then")
    return out


def _numeric_values(record: Record, codes: frozenset[str]) -> list[tuple[int, float]]:
    values = []
    for obs in record.get("observations") or ():
        if (
            isinstance(obs.get("value"), int | float)
            and not isinstance(obs["value"], bool)
            and codes.intersection(_codes(obs))
        ):
            values.append((obs["time"], float(obs["value"])))
        for comp in obs.get("components") or ():
            if isinstance(comp.get("value"), int | float) and codes.intersection(_codes(comp)):
                values.append((obs["time"], float(comp["value"])))
    return values


def check_labs_agree(
    record: Record, data: CoherenceData | None = None, history_start: float | None = None
) -> list[str]:
    """A diagnosis that rests on a lab (HbA1c for type 2 diabetes, eGFR for a CKD stage) has that lab in range."""
    data = data or default_data()
    pid = record["id"]
    out = []
    for rule in data.lab_rules:
        onsets = sorted(  # a stage restaged by its era's name keeps the disease's onset: judged at that onset
            min(c["start"], c.get("onset") or c["start"])
            for c in record.get("conditions") or ()
            if rule.condition_codes.intersection(_codes(c))
        )
        if not onsets:
            continue
        onset = onsets[0]  # first diagnosis; later episodes may rest on the first one's labs
        if onset < rule.since:
            continue  # diagnosed before the lab was reported (CKD staged on creatinine before eGFR, 1999)
        window_start = onset - rule.days_before * DAY
        if history_start is not None and window_start < history_start:
            continue
        values = [
            v for t, v in _numeric_values(record, rule.lab_codes) if window_start <= t <= onset + rule.days_after * DAY
        ]
        if not any(rule.low <= v < rule.high for v in values):
            seen = ", ".join(f"{v:g}" for v in values[-3:]) or "none"
            band = f"[{rule.low:g}, {rule.high:g})" if not math.isinf(rule.high) else f">= {rule.low:g}"
            out.append(
                f"{pid}: {rule.condition_set} diagnosed {iso(onset)} without {rule.lab} {band} "
                f"before or with it (values seen: {seen})"
            )
    return out


def check_sex_age_limits(record: Record, data: CoherenceData | None = None) -> list[str]:
    """Conditions limited to one sex and an age range (pregnancy: females of 12-55)."""
    data = data or default_data()
    pid = record["id"]
    patient = record["patient"]
    out = []
    for limit in data.limits:
        for cond in record.get("conditions") or ():
            if not limit.codes.intersection(_codes(cond)):
                continue
            age = (cond["start"] - patient["birth_time"]) / YEAR
            if limit.sex not in ("", "all") and patient["gender"] != limit.sex:
                out.append(f"{pid}: {limit.condition_set} condition {cond['n']} for sex {patient['gender']}")
            if not limit.age_min <= age < limit.age_max + 1:
                out.append(
                    f"{pid}: {limit.condition_set} condition {cond['n']} at age {age:.1f} "
                    f"(allowed {limit.age_min:g}-{limit.age_max:g})"
                )
    return out


def check_chronic_endings(record: Record, data: CoherenceData | None = None) -> list[str]:
    """A chronic condition ends only with death, a successor in its group (CKD stage 3 -> 4), or a cure code."""
    data = data or default_data()
    pid = record["id"]
    death = (record.get("death") or {}).get("time")
    conditions = record.get("conditions") or ()
    procedures = record.get("procedures") or ()
    out = []
    for cond in conditions:
        stop = cond.get("stop")
        chronic = next((data.chronic[c] for c in _codes(cond) if c in data.chronic), None)
        if stop is None or chronic is None or (death is not None and abs(stop - death) <= DAY):
            continue
        successors = data.group_codes.get(chronic.group, frozenset()) | chronic.ended_by
        near = [
            e
            for e in (*conditions, *procedures)
            if e is not cond and abs(e["start"] - stop) <= DAY and successors.intersection(_codes(e))
        ]
        if not near:
            out.append(f"{pid}: chronic condition {chronic.code} {chronic.display} ends {iso(stop)} without cause")
    return out


def all_checks(
    history_start: float | None = None, end_time: int | None = None, data: CoherenceData | None = None
) -> list[Callable[[Record], list[str]]]:
    return [
        lambda r: check_lifespan(r, end_time),
        check_encounter_overlap,
        check_references,
        lambda r: check_medication_reasons(r, data, history_start),
        lambda r: check_labs_agree(r, data, history_start),
        lambda r: check_sex_age_limits(r, data),
        lambda r: check_chronic_endings(r, data),
    ]


def check_record(
    record: Record,
    *,
    history_start: float | None = None,
    end_time: int | None = None,
    data: CoherenceData | None = None,
) -> list[str]:
    """Every coherence problem in one record (an empty list when it is coherent)."""
    problems: list[str] = []
    for check in all_checks(history_start, end_time, data):
        problems += check(record)
    return problems
