"""Symptoms in the native record and what a note may say about them at one encounter."""

from __future__ import annotations

from typing import Any

from ehrsim.notes.symptoms import duration_words, felt_at, severity_word
from ehrsim.record.build import cut_history
from ehrsim.record.kinds import KINDS
from tests.engine.harness import simulate

DAY = 86400


def test_the_record_keeps_every_level_a_module_set_and_the_visit_that_addressed_one() -> None:
    sim, record = simulate("symptom_visit")
    born = int(sim.birth_time)
    set_by_module = [e for e in record["symptoms"] if e["encounter"] is None]
    assert [(e["symptom"], e["severity"], e["time"] - born) for e in set_by_module] == [
        (name, 95.0, 3 * DAY) for name in ("Fever", "Cough", "Fatigue", "Chills")
    ]
    assert {e["cause"] for e in set_by_module} == {"symptom_visit"}  # no cause given: the module's name
    visit = next(e for e in record["encounters"] if e["module"] == "symptoms")
    addressed = [e for e in record["symptoms"] if e["encounter"] is not None]
    assert len(addressed) == 1 and addressed[0]["encounter"] == visit["id"] and addressed[0]["severity"] == 0
    # the sick visit's note sees all four (its own addressing does not hide what the patient came with)
    assert {f.name for f in felt_at(record["symptoms"], visit)} == {"Fever", "Cough", "Fatigue", "Chills"}
    # a later visit no longer sees the addressed one
    later = {**visit, "id": "later", "start": visit["stop"] + DAY, "stop": visit["stop"] + DAY + 600}
    assert len(felt_at(record["symptoms"], later)) == 3


def _event(t: int, name: str, level: float, cause: str = "m", enc: str | None = None) -> dict[str, Any]:
    return {"time": t, "symptom": name, "cause": cause, "severity": level, "encounter": enc}


def test_felt_at_uses_only_changes_up_to_the_visit_and_merges_causes() -> None:
    events = [
        _event(0, "Cough", 30, "cold"),
        _event(5 * DAY, "Cough", 60, "flu"),
        _event(6 * DAY, "Rash", 20),
        _event(7 * DAY, "Rash", 0),  # gone before the visit
        _event(10 * DAY + 60, "Fever", 80),  # during the visit
        _event(20 * DAY, "Headache", 50),  # after the visit: never stated
    ]
    visit = {"id": "v", "start": 10 * DAY, "stop": 10 * DAY + 3600}
    felt = felt_at(events, visit)
    assert [(f.name, f.severity, f.onset) for f in felt] == [("Fever", 80, 10 * DAY + 60), ("Cough", 60, 0)]
    assert [f.word for f in felt] == ["severe", "moderate"]


def test_plain_words() -> None:
    assert [severity_word(v) for v in (1, 49.9, 50, 69.9, 70, 100)] == [
        "mild", "mild", "moderate", "moderate", "severe", "severe"
    ]  # fmt: skip
    assert duration_words(3600) == "less than a day"
    assert duration_words(3 * DAY) == "3 days"
    assert duration_words(20 * DAY) == "2 weeks"
    assert duration_words(100 * DAY) == "3 months"
    assert duration_words(800 * DAY) == "2 years"


def test_the_history_cut_keeps_symptoms_still_felt_at_the_cut() -> None:
    year = int(365.25 * DAY)
    record: dict[str, Any] = {k: [] for k in KINDS}
    record["symptoms"] = [
        _event(0, "Joint Pain", 40),  # still felt at the cut: kept
        _event(DAY, "Cough", 30),
        _event(2 * DAY, "Cough", 0),  # gone before the cut: dropped with its onset
        _event(9 * year, "Fever", 50),
    ]
    cut = cut_history(record, 10 * year, 5)
    assert [(e["symptom"], e["severity"]) for e in cut["symptoms"]] == [("Joint Pain", 40), ("Fever", 50)]
