"""Vital-sign rules (s13review): a fever raises the heart rate above the person's resting one."""

from __future__ import annotations

import datetime as dt

from tests.report.clinical.helpers import DAY, breaks, passes, run
from tests.report.records import RecordBuilder, code

RULE = "phys.heart_rate_rises_with_fever"


def _febrile_visits(febrile: list[tuple[float, float]], index: int, age: float = 40, resting: float = 70) -> dict:
    """Yearly wellness visits at a resting rate, then emergency visits with (temperature, heart rate)."""
    b = RecordBuilder(index)
    for i in range(3):
        t = b.at_age(age + i)
        enc = b.encounter(t, cls="wellness")
        b.observation("8867-4", t + 60, resting + i, unit="/min", enc=enc, category="vital-signs")
    for i, (temperature, rate) in enumerate(febrile):
        t = b.at_age(age + 3) + i * 30 * DAY
        enc = b.encounter(t, cls="emergency")
        b.observation("8310-5", t, temperature, unit="Cel", enc=enc, category="vital-signs")
        b.observation("8867-4", t + 60, rate, unit="/min", enc=enc, category="vital-signs")
    return b.record()


def test_a_febrile_heart_rate_at_or_below_the_resting_median_breaks_the_rule() -> None:
    flat = [_febrile_visits([(39.5, 64), (38.9, 71), (39.2, 98)], i) for i in range(3)]  # resting median 71
    result = breaks(RULE, flat)
    assert result.denominator == 9
    assert "39.5 °C, heart rate 64 (resting median 71)" in result.examples[0][1][0]
    risen = [_febrile_visits([(39.5, 92), (38.9, 85), (39.2, 98)], i) for i in range(3)]
    passes(RULE, risen)


def test_low_grade_temperatures_children_and_people_never_seen_at_rest_are_not_judged() -> None:
    low_grade = run(RULE, [_febrile_visits([(38.2, 60)], 0)])
    assert low_grade.denominator == 0
    child = run(RULE, [_febrile_visits([(39.5, 90)], 0, age=8, resting=100)])
    assert child.denominator == 0
    b = RecordBuilder(0)
    t = b.at_age(40)
    enc = b.encounter(t, cls="emergency")
    b.observation("8310-5", t, 39.5, unit="Cel", enc=enc, category="vital-signs")
    b.observation("8867-4", t + 60, 60, unit="/min", enc=enc, category="vital-signs")
    assert run(RULE, [b.record()]).denominator == 0


HYPOXAEMIA = "care.hypoxaemic_pneumonia_admitted"


def _pneumonia_visit(saturation: float, admitted: bool, index: int, cls: str = "emergency") -> dict:
    b = RecordBuilder(index)
    t = b.at_age(2)
    visit = b.encounter(t, cls=cls)
    visit["reason"] = [code("385093006", display="Community acquired pneumonia (disorder)")]
    b.observation("59408-5", t, saturation, unit="%", enc=visit, category="vital-signs")
    if admitted:
        b.encounter(visit["stop"], hours=72, cls="inpatient")
    return b.record()


def test_hypoxaemic_pneumonia_sent_home_breaks_the_rule() -> None:
    # 18 of the s13review chart review: 2 years old, SpO2 89 %, home from the ED after an hour
    result = breaks(HYPOXAEMIA, [_pneumonia_visit(89, False, 0), _pneumonia_visit(86, True, 1)])
    assert result.denominator == 2 and "89 (emergency visit), not admitted" in result.examples[0][1][0]
    passes(HYPOXAEMIA, [_pneumonia_visit(88, True, 0, cls="ambulatory"), _pneumonia_visit(85, True, 1)])
    well_saturated = run(HYPOXAEMIA, [_pneumonia_visit(95, False, 0)])
    assert well_saturated.denominator == 0


ACUTE_VITALS = "rec.acute_infection_visit_vitals"


def _infection_visit(index: int, age: float, lacking: tuple[str, ...] = (), cls: str = "urgentcare") -> dict:
    """A visit diagnosing pneumonia (in 2020) with the full set of vital signs except those ``lacking``."""
    b = RecordBuilder(index, birth=dt.date(2020 - int(age), 1, 1))
    t = b.at_age(age)
    enc = b.encounter(t, cls=cls)
    b.condition("385093006", t, enc=enc, display="Community acquired pneumonia (disorder)")
    signs = {"T": ("8310-5", 38.9, "Cel"), "HR": ("8867-4", 118, "/min"), "RR": ("9279-1", 28, "/min")}
    signs |= {"SpO2": ("59408-5", 93, "%"), "W": ("29463-7", 21.0, "kg")}
    for name, (loinc, value, unit) in signs.items():
        if name not in lacking:
            b.observation(loinc, t, value, unit=unit, enc=enc, category="vital-signs")
    if "BP" not in lacking:
        bp = b.blood_pressure(t, 104, 62)
        bp["encounter"] = enc["id"]
    return b.record()


def test_an_infection_visit_without_a_temperature_or_rates_breaks_the_rule() -> None:
    result = breaks(ACUTE_VITALS, [_infection_visit(0, 7, lacking=("T", "HR", "RR")), _infection_visit(1, 40)])
    assert result.denominator == 2
    assert "no temperature, heart rate, respiratory rate" in result.examples[0][1][0]
    assert "no blood pressure" in breaks(ACUTE_VITALS, [_infection_visit(0, 7, lacking=("BP",))]).examples[0][1][0]
    assert "no weight" in breaks(ACUTE_VITALS, [_infection_visit(0, 7, lacking=("W",))]).examples[0][1][0]


def test_a_full_set_passes_and_age_limits_hold() -> None:
    passes(ACUTE_VITALS, [_infection_visit(i, 7) for i in range(3)])
    passes(ACUTE_VITALS, [_infection_visit(0, 2, lacking=("BP",))])  # no blood pressure under 3
    passes(ACUTE_VITALS, [_infection_visit(0, 40, lacking=("W",), cls="ambulatory")])  # an adult is not weighed
    wellness = run(ACUTE_VITALS, [_infection_visit(0, 7, lacking=("T", "HR"), cls="wellness")])
    assert wellness.denominator == 0  # a wellness visit is not an acute visit


def test_a_death_certification_naming_the_infection_is_not_an_acute_visit() -> None:
    b = RecordBuilder(0, birth=dt.date(1930, 1, 1))
    t = b.at_age(90)
    enc = b.encounter(t, cls="inpatient")
    enc["codes"] = [code("308646001", display="Death certification (procedure)")]
    enc["reason"] = [code("91302008", display="Sepsis (disorder)")]
    assert run(ACUTE_VITALS, [b.record()]).denominator == 0
    enc["codes"] = [code("32485007", display="Hospital admission (procedure)")]  # an admission for it is judged
    breaks(ACUTE_VITALS, [b.record()])


YOUNG_INFANT = "care.young_infant_pneumonia_admitted"


def _infant_pneumonia_visit(months: float, admitted: bool, index: int) -> dict:
    b = RecordBuilder(index)
    t = b.at_age(months / 12)
    visit = b.encounter(t, cls="urgentcare")
    visit["reason"] = [code("385093006", display="Community acquired pneumonia (disorder)")]
    if admitted:
        b.encounter(visit["stop"], hours=72, cls="inpatient")
    return b.record()


def test_a_young_infant_with_pneumonia_sent_home_breaks_the_rule() -> None:
    # the lead's session-12 chart read: a 3-month-old sent home from urgent care on oral amoxicillin
    result = breaks(YOUNG_INFANT, [_infant_pneumonia_visit(3.2, False, 0), _infant_pneumonia_visit(2, True, 1)])
    assert result.denominator == 2 and "urgentcare visit at 3.2 months, not admitted" in result.examples[0][1][0]
    passes(YOUNG_INFANT, [_infant_pneumonia_visit(1, True, 0), _infant_pneumonia_visit(5.5, True, 1)])
    older = run(YOUNG_INFANT, [_infant_pneumonia_visit(8, False, 0)])
    assert older.denominator == 0
