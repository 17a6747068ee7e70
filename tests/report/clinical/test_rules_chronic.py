"""Hospital and chronic care rules (s14care): dialysis sessions a week, pneumonia's tachypnoea, hypertension first
found in pregnancy (its work-up, its drugs after the birth) and the secondary work-up of hypertension before 30."""

from __future__ import annotations

import datetime as dt

from tests.report.clinical.helpers import DAY, breaks, med, passes, run
from tests.report.records import RecordBuilder, code

HAEMODIALYSIS = "302497006"
PNEUMONIA = "385093006"
PREGNANCY = "72892002"
GESTATIONAL_HTN = "48194001"
ESSENTIAL_HTN = "59621000"
LABETALOL = ("896771", "labetalol hydrochloride 100 MG Oral Tablet")
PROPRANOLOL = ("856448", "propranolol hydrochloride 40 MG Oral Tablet")
MIGRAINE = "230462002"


def _dialysis(index: int, gaps_days: list[float], sessions: int = 40) -> dict:
    """Sessions from 2020 repeating the pattern of gaps (days between starts)."""
    b = RecordBuilder(index, birth=dt.date(1960, 1, 1))
    t = b.at_age(60)
    for i in range(sessions):
        enc = b.encounter(t, hours=4, cls="outpatient")
        b.procedure(HAEMODIALYSIS, t, enc=enc)
        t += int(gaps_days[i % len(gaps_days)] * DAY)
    return b.record()


def test_twice_weekly_haemodialysis_breaks_and_thrice_weekly_passes() -> None:
    twice = breaks("care.haemodialysis_thrice_weekly", [_dialysis(i, [3, 4]) for i in range(3)])
    assert (twice.events, twice.events_breaking) == (3, 3)
    assert "40 sessions, 2.01 a week" in twice.examples[0][1][0]
    passes("care.haemodialysis_thrice_weekly", [_dialysis(i, [2, 2, 3]) for i in range(3)])
    holidays = [2, 2, 3] * 10 + [4, 2, 4]  # a Monday holiday moves a session: still over 2.5 a week
    passes("care.haemodialysis_thrice_weekly", [_dialysis(0, holidays, sessions=33)])


def test_dialysis_runs_split_at_long_gaps_and_short_runs_are_not_judged() -> None:
    short = run("care.haemodialysis_thrice_weekly", [_dialysis(0, [3, 4], sessions=8)])
    assert short.denominator == 0
    # thrice weekly for 10 sessions, a 3-week hospital stay, then thrice weekly again: two runs, both kept
    split = run("care.haemodialysis_thrice_weekly", [_dialysis(0, [2, 2, 3] * 4 + [21] + [2, 2, 3] * 10)])
    assert (split.events, split.events_breaking) == (2, 0)


def _pneumonia_visit(index: int, rate: float, age: float = 50, as_reason: bool = True) -> dict:
    b = RecordBuilder(index, birth=dt.date(1960, 1, 1))
    t = b.at_age(age)
    enc = b.encounter(t, hours=3, cls="emergency")
    if as_reason:
        enc["reason"] = [code(PNEUMONIA, display="Community acquired pneumonia (disorder)")]
    else:  # diagnosed during the visit
        b.condition(PNEUMONIA, t + 3600, t + 20 * DAY, enc=enc)
    b.observation("9279-1", t + 60, rate, unit="/min", enc=enc, category="vital-signs")
    b.observation("9279-1", t + 7200, 30, unit="/min", enc=enc, category="vital-signs")  # only the first counts
    return b.record()


def test_adult_pneumonia_without_tachypnoea_breaks() -> None:
    slow = [_pneumonia_visit(i, 16, as_reason=i % 2 == 0) for i in range(4)]
    assert (run("phys.pneumonia_tachypnoea", slow).events_breaking, run("phys.pneumonia_tachypnoea", slow).events) == (
        4,
        4,
    )
    result = breaks("phys.pneumonia_tachypnoea", slow)
    assert "(emergency visit): 16" in result.examples[0][1][0]
    fast = [_pneumonia_visit(i, 24, as_reason=i % 2 == 0) for i in range(8)] + [_pneumonia_visit(9, 18)]
    passes("phys.pneumonia_tachypnoea", fast)  # one of nine under 20 is within the tolerance


def test_children_and_other_visits_are_not_judged_for_tachypnoea() -> None:
    assert run("phys.pneumonia_tachypnoea", [_pneumonia_visit(0, 16, age=4)]).denominator == 0
    b = RecordBuilder(0, birth=dt.date(1960, 1, 1))
    t = b.at_age(50)
    enc = b.encounter(t, cls="emergency")  # no pneumonia
    b.observation("9279-1", t, 14, unit="/min", enc=enc, category="vital-signs")
    assert run("phys.pneumonia_tachypnoea", [b.record()]).denominator == 0


def _pregnancy(index: int = 0, birth: dt.date = dt.date(1995, 1, 1)) -> tuple[RecordBuilder, int, int]:
    """A pregnancy charted from 8 weeks (2021) to delivery at 39 weeks; returns (builder, start, delivery)."""
    b = RecordBuilder(index, birth=birth)
    start = b.at_age(26)
    delivery = start + 31 * 7 * DAY
    b.condition(PREGNANCY, start, delivery)
    b.observation("18185-9", start, 8, unit="wk", category="exam")
    return b, start, delivery


def test_essential_hypertension_first_diagnosed_after_20_weeks_breaks() -> None:
    b, start, _ = _pregnancy()
    b.observation("18185-9", start + 14 * 7 * DAY, 22, unit="wk", category="exam")
    b.condition(ESSENTIAL_HTN, start + 14 * 7 * DAY + DAY)  # 22 weeks
    result = breaks("care.no_essential_hypertension_late_in_pregnancy", [b.record()])
    assert "at 22.1 weeks of pregnancy" in result.examples[0][1][0]
    early, start, _ = _pregnancy()
    early.condition(ESSENTIAL_HTN, start + 6 * 7 * DAY)  # 14 weeks: chronic hypertension
    outside = RecordBuilder(1, birth=dt.date(1995, 1, 1))
    outside.condition(ESSENTIAL_HTN, outside.at_age(28))
    judged = passes("care.no_essential_hypertension_late_in_pregnancy", [early.record(), outside.record()])
    assert judged.events == 1


def test_hypertension_of_pregnancy_needs_the_preeclampsia_labs() -> None:
    b, start, delivery = _pregnancy()
    onset = start + 24 * 7 * DAY
    b.condition(GESTATIONAL_HTN, onset, delivery)
    b.observation("777-3", onset, 250, unit="10*3/uL")
    result = breaks("care.preeclampsia_labs", [b.record()])
    assert "no urine protein, creatinine, liver enzymes" in result.examples[0][1][0]
    g, start, delivery = _pregnancy()
    onset = start + 24 * 7 * DAY
    g.condition(GESTATIONAL_HTN, onset, delivery)
    for loinc, value in (("2890-2", 0.12), ("777-3", 250), ("2160-0", 0.6), ("1742-6", 20), ("1920-8", 22)):
        g.observation(loinc, onset + 3600, value)
    passes("care.preeclampsia_labs", [g.record()])


def test_antihypertensive_of_pregnancy_kept_after_the_birth_breaks() -> None:
    b, start, delivery = _pregnancy()
    med(b, LABETALOL, start + 25 * 7 * DAY, stop=delivery + 2 * 365 * DAY, reason=[GESTATIONAL_HTN])
    result = breaks("care.pregnancy_antihypertensive_reviewed", [b.record()])
    assert "still on labetalol" in result.examples[0][1][0]
    # the same drug stopped 6 weeks after the birth passes; chronic hypertension diagnosed postpartum passes too
    stopped, start, delivery = _pregnancy()
    med(stopped, LABETALOL, start + 25 * 7 * DAY, stop=delivery + 42 * DAY, reason=[GESTATIONAL_HTN])
    chronic, start, delivery = _pregnancy(1)
    med(chronic, LABETALOL, start + 25 * 7 * DAY, stop=delivery + 2 * 365 * DAY, reason=[GESTATIONAL_HTN])
    chronic.condition(ESSENTIAL_HTN, delivery + 70 * DAY)
    judged = passes("care.pregnancy_antihypertensive_reviewed", [stopped.record(), chronic.record()])
    assert judged.events == 1
    # a beta-blocker for migraine renewed in pregnancy is not an antihypertensive of the pregnancy
    migraine, start, delivery = _pregnancy()
    med(migraine, PROPRANOLOL, start + 10 * 7 * DAY, stop=delivery + 365 * DAY, reason=[MIGRAINE])
    assert run("care.pregnancy_antihypertensive_reviewed", [migraine.record()]).denominator == 0


def _young_hypertensive(index: int, age: float, labs: tuple[str, ...], born: int = 1990) -> dict:
    b = RecordBuilder(index, birth=dt.date(born, 1, 1))
    t = b.at_age(age)
    b.condition(ESSENTIAL_HTN, t)
    for loinc in labs:
        b.observation(loinc, t + 3600, 1.0)
    return b.record()


def test_hypertension_before_30_needs_a_secondary_work_up() -> None:
    full = ("2160-0", "2823-3", "24357-6", "3016-3")
    result = breaks("care.young_hypertension_secondary_workup", [_young_hypertensive(0, 24, ("2160-0",))])
    assert "no electrolytes, urinalysis, TSH" in result.examples[0][1][0]
    judged = passes(
        "care.young_hypertension_secondary_workup",
        [
            _young_hypertensive(0, 24, full),
            _young_hypertensive(1, 45, ()),  # at 45 not judged
            _young_hypertensive(2, 24, (), born=1950),  # 1974: before TSH was a routine test, not judged
        ],
    )
    assert judged.events == 1
