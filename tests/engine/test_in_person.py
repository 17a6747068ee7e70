"""A virtual visit holding an examination, a test, a vaccine or an administration becomes an office visit
(engine/in_person.csv; s14review chart review: a diabetic foot and retinal examination at a video visit)."""

from __future__ import annotations

from ehrsim.engine.in_person import office_visits


def _lists(**extra: list) -> dict[str, list]:
    lists: dict[str, list] = {
        "encounters": [
            {"id": "v1", "class": "virtual"},
            {"id": "v2", "class": "virtual"},
            {"id": "a1", "class": "ambulatory"},
        ],
        "procedures": [],
        "observations": [],
        "immunizations": [],
        "medications": [],
    }
    lists.update(extra)
    return lists


def _classes(lists: dict[str, list]) -> list[str]:
    return [e["class"] for e in lists["encounters"]]


def test_foot_examination_makes_the_visit_an_office_visit() -> None:
    lists = _lists(
        procedures=[
            {"encounter": "v1", "codes": [{"code": "401191002"}]},  # diabetic foot examination
            {"encounter": "v2", "codes": [{"code": "228557008"}]},  # cognitive behavioural therapy: remote is fine
        ]
    )
    assert office_visits(lists) == 1
    assert _classes(lists) == ["ambulatory", "virtual", "ambulatory"]


def test_laboratory_results_vaccines_and_administrations_need_the_patient() -> None:
    lists = _lists(
        observations=[
            {"encounter": "v1", "category": "laboratory"},
            {"encounter": "v2", "category": "survey"},  # a PHQ-9 asked by video
            {"encounter": "v2", "category": "vital-signs"},  # a home blood pressure
        ]
    )
    assert office_visits(lists) == 1 and _classes(lists)[:2] == ["ambulatory", "virtual"]
    lists = _lists(immunizations=[{"encounter": "v2"}], medications=[{"encounter": "v1", "administered": True}])
    assert office_visits(lists) == 2 and _classes(lists)[:2] == ["ambulatory", "ambulatory"]


def test_a_prescription_at_a_video_visit_stays_virtual() -> None:
    lists = _lists(medications=[{"encounter": "v1", "administered": False}])
    assert office_visits(lists) == 0 and _classes(lists)[:2] == ["virtual", "virtual"]
