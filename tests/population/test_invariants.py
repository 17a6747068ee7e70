"""Invariants over many generated patients (the bundled library and, when present, Synthea's)."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ehrsim
from ehrsim.record.kinds import KINDS
from ehrsim.record.times import from_date
from tests.conftest import SHARED, needs_shared

REFERENCE = dt.date(2025, 1, 1)
END = from_date(REFERENCE)


def _times(entry: dict[str, Any]) -> list[int]:
    return [entry[k] for k in ("start", "stop", "time") if entry.get(k) is not None]


def check_record(record: dict[str, Any]) -> list[str]:
    """Every structural promise of docs/record.md, as a list of broken ones."""
    problems = []
    birth = record["patient"]["birth_time"]
    last = record["death"]["time"] if record["death"] else END
    ids = set()
    encounters = {e["id"]: e for e in record["encounters"]}
    for kind in KINDS:
        for e in record[kind]:
            if e["id"] in ids:
                problems.append(f"duplicate id {e['id']}")
            ids.add(e["id"])
            for t in _times(e):
                if not birth <= t <= last:
                    problems.append(f"{kind} {e['id']} at {t} outside life [{birth}, {last}]")
            codes = e.get("codes") or [e.get("procedure_code")]
            for c in codes:
                if not (c and c.get("system") and c.get("code")):
                    problems.append(f"{kind} {e['id']} has a code without system or code: {c}")
            if kind != "encounters" and e["encounter"] is not None and e["encounter"] not in encounters:
                problems.append(f"{kind} {e['id']} points to a missing encounter")
    spans = sorted((e["start"], e["stop"]) for e in record["encounters"])
    for (_s1, e1), (s2, _) in itertools.pairwise(spans):
        if s2 < e1:
            problems.append(f"encounters overlap: one ends {e1}, the next starts {s2}")
    p = record["patient"]
    age = (last - birth) / (365.25 * 86400)
    # demographics fit the age at death (a girl dead of pneumonia at 5 was a widowed "Ms." on Medicare)
    if age < 15 and p["marital"]:
        problems.append(f"marital status {p['marital']} at {age:.1f}")
    if age < 18 and p["prefix"]:
        problems.append(f"prefix {p['prefix']} at {age:.1f}")
    if age < 16 and p["drivers"]:
        problems.append(f"a driver's licence at {age:.1f}")
    if age < 19 and p["insurance"] in ("medicare", "dual_eligible"):
        problems.append(f"{p['insurance']} at {age:.1f}")
    if not re.fullmatch(r"999-\d{2}-\d{4}", p["ssn"]):
        problems.append(f"SSN {p['ssn']} is not in 999-xx-xxxx")
    if not p["email"].endswith("@example.org"):
        problems.append(f"e-mail {p['email']} is not at example.org")
    if not re.fullmatch(r"555-01\d\d", p["phone"]):
        problems.append(f"phone {p['phone']} is not 555-01xx")
    return problems


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), index=st.integers(0, 10**6))
def test_any_patient_keeps_the_record_promises(seed: int, index: int) -> None:
    record = next(ehrsim.generate(1, seed=seed, start=index, reference_date=REFERENCE, years_of_history=0))
    assert check_record(record) == []


def test_two_hundred_default_patients() -> None:
    records = list(ehrsim.generate(200, seed=3, reference_date=REFERENCE, years_of_history=0))
    problems = [f"{r['index']}: {p}" for r in records for p in check_record(r)]
    assert problems == []
    month = 30 * 86400.0  # a newborn dying in its first days (38 % of infant deaths are on day 1) has no well visit
    lived = [r for r in records if (r["death"]["time"] if r["death"] else END) - r["patient"]["birth_time"] > month]
    assert all(any(e["class"] == "wellness" for e in r["encounters"]) for r in lived)
    children = [r for r in records if END - r["patient"]["birth_time"] < 18 * 365.25 * 86400]
    assert children and all(r["immunizations"] for r in children)


def test_years_of_history_cuts_but_keeps_references() -> None:
    whole = next(
        ehrsim.generate(1, seed=5, start=7, reference_date=REFERENCE, years_of_history=0, age_min=60, age_max=70)
    )
    cut = next(
        ehrsim.generate(1, seed=5, start=7, reference_date=REFERENCE, years_of_history=5, age_min=60, age_max=70)
    )
    assert len(cut["encounters"]) < len(whole["encounters"])
    assert check_record(cut) == []


def test_same_seed_same_record_and_start_is_independent() -> None:
    a = list(ehrsim.generate(3, seed=11, reference_date=REFERENCE))
    b = list(ehrsim.generate(3, seed=11, reference_date=REFERENCE))
    c = list(ehrsim.generate(1, seed=11, start=2, reference_date=REFERENCE))
    assert a == b
    assert a[2] == c[0]


@needs_shared
@pytest.mark.slow
def test_two_hundred_patients_with_the_whole_synthea_library() -> None:
    records = list(
        ehrsim.generate(
            200,
            seed=2,
            reference_date=REFERENCE,
            years_of_history=0,
            modules=SHARED / "synthea" / "modules",
            lenient=True,
        )
    )
    problems = [f"{r['index']}: {p}" for r in records for p in check_record(r)]
    assert problems == []
    month = 30 * 86400.0  # a newborn dying in its first days (38 % of infant deaths are on day 1) has no well visit
    lived = [r for r in records if (r["death"]["time"] if r["death"] else END) - r["patient"]["birth_time"] > month]
    assert all(any(e["class"] == "wellness" for e in r["encounters"]) for r in lived)
    children = [r for r in records if END - r["patient"]["birth_time"] < 18 * 365.25 * 86400]
    assert children and all(r["immunizations"] for r in children)
    conditions = sum(len(r["conditions"]) for r in records)
    assert conditions > 200 * 5  # Synthea's library gives dozens of conditions per life
