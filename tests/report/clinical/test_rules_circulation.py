"""Circulation rules (s11bp): narrow pulse pressures and resting bradycardia off rate-slowing drugs."""

from __future__ import annotations

from tests.report.clinical.helpers import DAY, breaks, med, passes, run
from tests.report.records import RecordBuilder

METOPROLOL = ("866436", "24 HR metoprolol succinate 50 MG Extended Release Oral Tablet")


def _readings(pairs: list[tuple[float, float]], index: int, age: float = 40) -> dict:
    b = RecordBuilder(index)
    for i, (systolic, diastolic) in enumerate(pairs):
        b.blood_pressure(b.at_age(age + i), systolic, diastolic)
    return b.record()


def test_narrow_pulse_pressures_in_adults_break_the_rule_and_children_are_not_counted() -> None:
    narrow = [_readings([(115, 98), (120, 100), (118, 76), (121, 79)], i) for i in range(3)]  # half narrow
    result = breaks("phys.narrow_pulse_pressure", narrow)
    assert "115/98 mmHg" in result.examples[0][1][0]
    normal = [_readings([(115, 72), (120, 78), (131, 84), (108, 70)], i) for i in range(3)]
    passes("phys.narrow_pulse_pressure", normal)
    child = run("phys.narrow_pulse_pressure", [_readings([(100, 80)], 0, age=8)])
    assert child.denominator == 0


def _wellness_rates(rates: list[float], index: int, on_drug: bool = False) -> dict:
    b = RecordBuilder(index)
    if on_drug:
        med(b, METOPROLOL, b.at_age(39))
    for i, rate in enumerate(rates):
        t = b.at_age(40 + i)
        enc = b.encounter(t, cls="wellness")
        b.observation("8867-4", t + 60, rate, unit="/min", enc=enc, category="vital-signs")
        other = b.encounter(t + 30 * DAY, cls="emergency")  # not a resting rate at a wellness visit
        b.observation("8867-4", t + 30 * DAY + 60, 42.0, unit="/min", enc=other, category="vital-signs")
    return b.record()


def test_a_resting_heart_rate_under_45_at_wellness_breaks_the_rule_unless_a_rate_slowing_drug_explains_it() -> None:
    slow = [_wellness_rates([40, 72, 68, 43], i) for i in range(3)]
    result = breaks("phys.resting_bradycardia_off_drugs", slow)
    assert result.denominator == 12  # the emergency-visit rates are not counted
    on_beta_blocker = [_wellness_rates([40, 72, 68, 43], i, on_drug=True) for i in range(3)]
    passes("phys.resting_bradycardia_off_drugs", on_beta_blocker)
    passes("phys.resting_bradycardia_off_drugs", [_wellness_rates([62, 72, 68, 55], i) for i in range(3)])
