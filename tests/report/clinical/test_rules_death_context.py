"""Deaths read against the chart (s19death): the recorded heart disease certified instead of an unknown cause, a
fall certified with its injury, a nursing-facility resident's hospital stay discharged back to the facility."""

from __future__ import annotations

import datetime as dt

from tests.report.clinical.helpers import DAY, breaks, passes, run
from tests.report.records import RecordBuilder, code

UNKNOWN_HEART = "death.unknown_cause_with_heart_disease"
FALL_INJURY = "death.fall_with_injury"
RESIDENT = "rec.resident_hospital_discharge"
CAD = "53741008"
HIP = code("359817006", display="Closed fracture of hip (disorder)")
HOME = {"system": "NUBC", "code": "01", "display": "Discharged to home or self care (routine discharge)"}
TO_SNF = {"system": "NUBC", "code": "03", "display": "Discharged/transferred to skilled nursing facility (SNF)"}


def _death(cause: str, heart: bool, index: int = 0) -> dict:
    b = RecordBuilder(index, birth=dt.date(1940, 1, 1), death=dt.date(2014, 3, 1), death_code=cause)
    if heart:
        b.condition(CAD, b.at_age(60), display="Coronary arteriosclerosis (disorder)")
    return b.record()


def test_an_unknown_cause_with_recorded_coronary_disease_breaks_the_rule() -> None:
    breaks(UNKNOWN_HEART, [_death("9855000", heart=True)])
    passes(UNKNOWN_HEART, [_death(CAD, heart=True)])  # certified as the coronary disease
    assert run(UNKNOWN_HEART, [_death("9855000", heart=False)]).denominator == 0  # nothing known: not judged


def _fall(certified: bool, recorded: bool, age_at_death: float = 84.0) -> dict:
    born = dt.date(1930, 1, 1)
    b = RecordBuilder(0, birth=born, death=dt.date(1930 + int(age_at_death), 6, 1), death_code="1912002")
    if recorded:
        b.condition(HIP["code"], b.death, display=HIP["display"])
    record = b.record()
    record["death"]["codes"] = [code("1912002", display="Fall (event)")] + ([HIP] if certified else [])
    return record


def test_a_fall_death_without_its_injury_on_the_certificate_or_in_the_chart_breaks_the_rule() -> None:
    assert "no injury on the certificate" in breaks(FALL_INJURY, [_fall(False, False)]).examples[0][1][0]
    assert "not in the chart" in breaks(FALL_INJURY, [_fall(True, False)]).examples[0][1][0]
    passes(FALL_INJURY, [_fall(True, True)])
    assert run(FALL_INJURY, [_fall(False, False, age_at_death=40)]).denominator == 0  # under 65: not judged


def _resident(discharge: dict[str, str], back: bool = True) -> dict:
    b = RecordBuilder(0, birth=dt.date(1930, 1, 1))
    t = b.at_age(88)
    b.encounter(t, hours=60 * 24, cls="snf")
    stay = b.encounter(t + 60 * DAY, hours=96, cls="inpatient", discharge=discharge)
    if back:
        b.encounter(stay["stop"], hours=30 * 24, cls="snf")
    return b.record()


def test_a_residents_hospital_stay_discharged_home_breaks_the_rule() -> None:
    breaks(RESIDENT, [_resident(HOME)])
    passes(RESIDENT, [_resident(TO_SNF)])
    assert run(RESIDENT, [_resident(HOME, back=False)]).denominator == 0  # went home from hospital: not a resident
