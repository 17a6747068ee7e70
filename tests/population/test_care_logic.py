"""Diagnosis and care logic of the bundled library (issue 10): each check finds its defect on a hand-built
record, passes on a corrected one, and finds nothing on generated patients."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import ehrsim

REFERENCE = dt.date(2025, 6, 1)
DAY = 86400
Record = dict[str, Any]

MDD = {"36923009", "66344007"}
ANTIBIOTICS = {"308460", "308192", "562508", "308189"}


def _codes(entry: dict[str, Any]) -> set[str]:
    return {c["code"] for c in entry["codes"]}


def _values(obs: dict[str, Any]) -> dict[str, Any]:
    """code -> value for an observation and its components."""
    out = {c["code"]: obs.get("value") for c in obs["codes"]}
    for part in obs.get("components") or []:
        out.update({c["code"]: part.get("value") for c in part["codes"]})
    return out


def same_instant_duplicates(record: Record) -> list[str]:
    """The same result twice at one encounter and instant (two modules drawing the same lab)."""
    seen = Counter((o["encounter"], o["time"], tuple(sorted(_codes(o)))) for o in record["observations"])
    return [f"{k[2]} x{n} at {k[1]}" for k, n in seen.items() if n > 1]


def hypertension_on_one_reading(record: Record) -> list[str]:
    """Hypertension diagnosed without elevated office readings (>= 130/80) at two separate encounters."""
    onsets = [c["start"] for c in record["conditions"] if "59621000" in _codes(c)]
    if not onsets:
        return []
    elevated = set()
    for o in record["observations"]:
        v = _values(o)
        sbp, dbp = v.get("8480-6"), v.get("8462-4")
        if o["time"] <= min(onsets) and ((sbp or 0) >= 130 or (dbp or 0) >= 80):
            elevated.add(o["encounter"])
    return [] if len(elevated) >= 2 else [f"hypertension at {min(onsets)} after {len(elevated)} elevated visit(s)"]


def _phq9_published() -> int:
    """The PHQ-9's publication date from the audit's data (rule `rec.instrument_before_published`)."""
    rules = json.loads((Path(__file__).resolve().parents[2] / "terminology" / "clinical" / "rules.json").read_text())
    rules = rules["rules"] if isinstance(rules, dict) else rules
    rule = next(r for r in rules if r["id"] == "rec.instrument_before_published")
    day = dt.date.fromisoformat(rule["params"]["sets_since"]["phq9"])
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())


PHQ9_PUBLISHED = _phq9_published()


def depression_below_threshold(record: Record) -> list[str]:
    """A major depression diagnosis needs PHQ-9 >= 10, item 9 and a suicide risk assessment at the visit.

    Before the PHQ-9 was published (the audit's `rec.instrument_before_published` date) depression is
    diagnosed clinically, without a score; the suicide risk assessment is required throughout.
    """
    problems = []
    for c in record["conditions"]:
        if not _codes(c) & MDD:
            continue
        at_visit = [o for o in record["observations"] if o["encounter"] == c["encounter"]]
        if c["start"] < PHQ9_PUBLISHED:
            if not any("225337009" in _codes(p) and p["encounter"] == c["encounter"] for p in record["procedures"]):
                problems.append(f"MDD at {c['start']} without a suicide risk assessment")
            continue
        totals = [o["value"] for o in at_visit if "44261-6" in _codes(o)]
        if not totals or max(totals) < 10:
            problems.append(f"MDD at {c['start']} with PHQ-9 {totals}")
        if not any("44260-8" in _codes(o) for o in at_visit):
            problems.append(f"MDD at {c['start']} without PHQ-9 item 9")
        if not any("225337009" in _codes(p) and p["encounter"] == c["encounter"] for p in record["procedures"]):
            problems.append(f"MDD at {c['start']} without a suicide risk assessment")
    return problems


def ablation_at_diagnosis(record: Record) -> list[str]:
    """Rhythm control (ablation, cardioversion) is elective: never in the visit that diagnoses atrial fibrillation."""
    dx = {c["encounter"] for c in record["conditions"] if "49436004" in _codes(c)}
    return [
        f"{sorted(_codes(p))} in the diagnosing visit"
        for p in record["procedures"]
        if _codes(p) & {"18286008", "180325003"} and p["encounter"] in dx
    ]


def blood_group_changes(record: Record) -> list[str]:
    groups = {str(o["value"]) for o in record["observations"] if "882-1" in _codes(o)}
    return [f"blood groups {sorted(groups)}"] if len(groups) > 1 else []


def newborn_measurements_copied(record: Record) -> list[str]:
    """The 1-month visit must measure the infant again, not repeat the newborn's length and weight."""
    birth = record["patient"]["birth_time"]
    problems = []
    for code in ("8302-2", "29463-7"):
        early = sorted(
            (o["time"], o["value"])
            for o in record["observations"]
            if code in _codes(o) and o["time"] - birth < 60 * DAY
        )
        # the first visit from 2 weeks (the 1-month well visit) against the measurement before it (the birth stay's
        # or the 3-5-day visit's)
        later = next((i for i, (t, _) in enumerate(early) if t - birth >= 14 * DAY), None)
        if later is not None and later >= 1 and early[later - 1][1] == early[later][1]:
            problems.append(f"{code} {early[later][1]} repeated at {early[later][0] - birth} s")
        # the weight at 2-5 days against the birth weight: newborns lose about 5-7 % by days 2-4 (Flaherman 2015)
        at_birth = [v for t, v in early if t - birth < DAY]
        if code == "29463-7" and at_birth:
            for t, v in early:
                if 2 * DAY <= t - birth <= 5 * DAY and v >= at_birth[0]:
                    problems.append(f"{code} {v} at {t - birth} s, not below the birth weight {at_birth[0]}")
    return problems


def antibiotics_for_bronchitis(record: Record) -> list[str]:
    return [
        f"{sorted(_codes(m))} for acute bronchitis"
        for m in record["medications"]
        if _codes(m) & ANTIBIOTICS and any(r["code"] == "10509002" for r in m.get("reason") or [])
    ]


CHECKS = (
    same_instant_duplicates,
    hypertension_on_one_reading,
    depression_below_threshold,
    ablation_at_diagnosis,
    blood_group_changes,
    newborn_measurements_copied,
    antibiotics_for_bronchitis,
)


# --- hand-built records -------------------------------------------------------------------------


def _record() -> Record:
    return {
        "patient": {"birth_time": 0},
        "conditions": [],
        "observations": [],
        "procedures": [],
        "medications": [],
    }


def _obs(enc: str, t: int, code: str, value: Any, components: list[tuple[str, float]] | None = None) -> dict[str, Any]:
    return {
        "encounter": enc,
        "time": t,
        "codes": [{"code": code}],
        "value": value,
        "components": [{"codes": [{"code": c}], "value": v} for c, v in components or []],
    }


def _bp(enc: str, t: int, sbp: float, dbp: float) -> dict[str, Any]:
    return _obs(enc, t, "85354-9", None, [("8480-6", sbp), ("8462-4", dbp)])


def _item(enc: str, t: int, code: str, reason: str | None = None) -> dict[str, Any]:
    return {"encounter": enc, "start": t, "codes": [{"code": code}], "reason": [{"code": reason}] if reason else []}


def test_duplicate_results_are_found() -> None:
    r = _record()
    r["observations"] = [_obs("e1", 5, "2345-7", 99), _obs("e1", 5, "2345-7", 99), _obs("e2", 5, "2345-7", 99)]
    assert len(same_instant_duplicates(r)) == 1
    r["observations"].pop(0)
    assert same_instant_duplicates(r) == []


def test_hypertension_needs_two_elevated_visits() -> None:
    r = _record()
    r["observations"] = [_bp("e1", 10, 142, 88)]
    r["conditions"] = [_item("e1", 10, "59621000")]
    assert hypertension_on_one_reading(r)
    r["observations"].append(_bp("e2", 20, 138, 84))
    r["conditions"] = [_item("e2", 20, "59621000")]
    assert hypertension_on_one_reading(r) == []


def test_depression_needs_threshold_item9_and_suicide_screen() -> None:
    t = PHQ9_PUBLISHED + 10
    r = _record()
    r["conditions"] = [_item("e1", t, "36923009")]
    r["observations"] = [_obs("e1", t, "44261-6", 7)]
    assert len(depression_below_threshold(r)) == 3
    r["observations"] = [_obs("e1", t, "44261-6", 14), _obs("e1", t, "44260-8", 0)]
    r["procedures"] = [_item("e1", t, "225337009")]
    assert depression_below_threshold(r) == []
    # before the PHQ-9 existed: a clinical diagnosis without a score, but still with a suicide risk assessment
    r = _record()
    r["conditions"] = [_item("e1", 10, "36923009")]
    assert depression_below_threshold(r) == ["MDD at 10 without a suicide risk assessment"]
    r["procedures"] = [_item("e1", 10, "225337009")]
    assert depression_below_threshold(r) == []


def test_ablation_not_in_the_diagnosing_visit() -> None:
    r = _record()
    r["conditions"] = [_item("e1", 10, "49436004")]
    r["procedures"] = [_item("e1", 10, "18286008")]
    assert ablation_at_diagnosis(r)
    r["procedures"] = [_item("e9", 10 + 120 * DAY, "18286008")]
    assert ablation_at_diagnosis(r) == []


def test_blood_group_and_growth_and_bronchitis_checks() -> None:
    r = _record()
    r["observations"] = [_obs("p1", 10, "882-1", "A Rh(D) positive"), _obs("p2", 20, "882-1", "O Rh(D) positive")]
    assert blood_group_changes(r)
    r["observations"] = [_obs("w0", 1, "8302-2", 50.1), _obs("w1", 30 * DAY, "8302-2", 50.1)]
    assert newborn_measurements_copied(r)
    r["observations"][1]["value"] = 54.0
    assert newborn_measurements_copied(r) == []
    r["observations"] = [_obs("w0", 1, "8302-2", 50.1), _obs("w3", 3 * DAY, "8302-2", 51.0)]
    r["observations"].append(_obs("w1", 30 * DAY, "8302-2", 51.0))  # the 1-month visit repeats the 3-day value
    assert newborn_measurements_copied(r)
    r["observations"][2]["value"] = 54.0
    assert newborn_measurements_copied(r) == []
    r["observations"] = [_obs("w0", 1, "29463-7", 3.4), _obs("w3", 3 * DAY, "29463-7", 3.4)]  # no weight loss
    assert newborn_measurements_copied(r)
    r["observations"][1]["value"] = 3.2
    assert newborn_measurements_copied(r) == []
    r["medications"] = [_item("u1", 5, "308460", reason="10509002")]
    assert antibiotics_for_bronchitis(r)


# --- generated patients -------------------------------------------------------------------------


@pytest.mark.slow
def test_generated_lives_follow_the_care_logic() -> None:
    records = list(ehrsim.generate(120, seed=2024, reference_date=REFERENCE, years_of_history=0))
    problems = {check.__name__: [f"{r['index']}: {p}" for r in records for p in check(r)] for check in CHECKS}
    assert {name: found[:5] for name, found in problems.items() if found} == {}
