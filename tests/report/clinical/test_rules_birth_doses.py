"""Nirsevimab in the birth stay (s15preg; s14review finding 14)."""

from __future__ import annotations

import datetime as dt

from tests.report.clinical.helpers import breaks, passes, run
from tests.report.records import RecordBuilder

NIRSEVIMAB = "306"
RULE = "vax.nirsevimab_in_birth_stay"


def _baby(index: int, born: dt.date, after_hours: float, stay_hours: float | None = 48) -> dict:
    b = RecordBuilder(index, birth=born)
    stay = b.encounter(b.birth, hours=stay_hours, cls="inpatient") if stay_hours is not None else None
    dose = b.immunization(NIRSEVIMAB, int(b.birth + after_hours * 3600))
    if stay is not None and dose["time"] <= stay["stop"]:
        dose["encounter"] = stay["id"]
    return b.record()


def test_nirsevimab_after_the_birth_stay_breaks() -> None:
    result = breaks(RULE, [_baby(0, dt.date(2024, 11, 20), 53)])  # 5 hours after a 48-hour stay
    assert "after the birth stay ended" in result.examples[0][1][0]
    breaks(RULE, [_baby(1, dt.date(2024, 1, 5), 20 * 24, stay_hours=None)])  # born at home, given at 20 days


def test_nirsevimab_in_the_stay_passes_and_other_births_are_not_judged() -> None:
    judged = passes(RULE, [_baby(0, dt.date(2024, 11, 20), 12), _baby(1, dt.date(2024, 1, 5), 3 * 24, None)])
    assert judged.events == 2
    summer = _baby(2, dt.date(2024, 6, 1), 130 * 24)  # born before the season: at its start, not judged
    early = _baby(3, dt.date(2022, 11, 1), 60)  # before nirsevimab
    assert run(RULE, [summer, early]).denominator == 0
