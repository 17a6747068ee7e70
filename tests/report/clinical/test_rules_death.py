"""The cause of death told by the record (death.cause_in_record), on hand-made records."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.report.clinical.helpers import DAY, breaks, passes, run
from tests.report.records import RecordBuilder, code

RULE = "death.cause_in_record"
SEPSIS = ("91302008", "Sepsis (disorder)")
CAD = ("53741008", "Coronary arteriosclerosis (disorder)")
MALFORMATION = ("276654001", "Congenital malformation (disorder)")
CIRRHOSIS = ("19943007", "Cirrhosis of liver (disorder)")
SUICIDE = ("44301001", "Suicide (event)")


def _died(cause: tuple[str, str], age: float, born: dt.date = dt.date(1960, 1, 1), **kw: Any) -> dict[str, Any]:
    """A death of ``cause`` at ``age``; ``kw``: recorded (years before death, None: at death), stay (days before)."""
    b = RecordBuilder(birth=born, death=int(RecordBuilder(birth=born).at_age(age)))
    t = b.at_age(age)
    if "recorded" in kw:
        years = kw["recorded"]
        b.condition(cause[0], t - int((years or 0) * 365 * DAY), display=cause[1])
    if "stay" in kw:
        b.encounter(t - int(kw["stay"] * DAY), hours=min(kw["stay"], 3) * 24, cls="inpatient")  # up to 3 days
    rec = b.record()
    rec["death"]["codes"] = [code(cause[0], display=cause[1])]
    return rec


def test_a_disease_never_recorded_or_first_recorded_at_death_breaks_it() -> None:
    result = breaks(RULE, [_died(CIRRHOSIS, 47.7)])
    assert "Cirrhosis of liver (disorder) certified at 47.7: never recorded" in result.examples[0][1][0]
    result = breaks(RULE, [_died(CIRRHOSIS, 47.7, recorded=None)])
    assert "first recorded at death" in result.examples[0][1][0]
    breaks(RULE, [_died(MALFORMATION, 0.6, born=dt.date(1986, 1, 1), recorded=None)])  # an infant's malformation


def test_a_chronic_disease_recorded_before_and_a_sudden_cause_at_death_keep_it() -> None:
    passes(RULE, [_died(CIRRHOSIS, 60, recorded=6)])
    passes(RULE, [_died(MALFORMATION, 0.6, born=dt.date(1986, 1, 1), recorded=0.6)])  # known from birth
    passes(RULE, [_died(CAD, 52, recorded=None)])  # sudden coronary death as the first manifestation
    breaks(RULE, [_died(CAD, 52)])  # ... but the record must carry it
    suicide = _died(SUICIDE, 30)
    assert run(RULE, [suicide]).denominator == 0  # an event: the certificate records it


def test_a_fatal_acute_illness_needs_a_stay_around_the_death() -> None:
    result = breaks(RULE, [_died(SEPSIS, 21.6, recorded=0.01)])  # sepsis recorded 4 days before, never admitted
    assert "no stay or emergency visit in the 30 days before death" in result.examples[0][1][0]
    passes(RULE, [_died(SEPSIS, 50, recorded=0.01, stay=3)])
    breaks(RULE, [_died(SEPSIS, 50, recorded=0.5, stay=90)])  # a stay three months earlier is not the fatal episode


TERMINAL = "death.terminal_care"
LUNG_CANCER = ("254637007", "Non-small cell lung cancer (disorder)")
HEART_FAILURE = ("88805009", "Chronic congestive heart failure (disorder)")
CERTIFICATION = ("308646001", "Death certification (procedure)")


def _slow_death(cause: tuple[str, str], age: float, index: int = 0, **kw: Any) -> dict[str, Any]:
    """A death of a slow disease recorded ``known`` years before; ``care``: (days before death, hours, class);
    ``planned``: advance care planning so many days before the death."""
    born = dt.date(1930, 1, 1)
    b = RecordBuilder(birth=born, death=int(RecordBuilder(birth=born).at_age(age)), index=index)
    t = b.at_age(age)
    b.condition(cause[0], t - int(kw.get("known", 2) * 365 * DAY), display=cause[1])
    if "care" in kw:
        days, hours, cls = kw["care"]
        b.encounter(t - int(days * DAY), hours=hours, cls=cls)
    if kw.get("planned") is not None:  # advance care planning so many days before the death
        b.procedure("713603004", t - int(kw["planned"] * DAY))
    pronounced = b.encounter(t, hours=0, cls="home")  # the pronouncement at home is not care
    pronounced["codes"] = [code(CERTIFICATION[0], display=CERTIFICATION[1])]
    rec = b.record()
    rec["death"]["codes"] = [code(cause[0], display=cause[1])]
    return rec


def test_slow_deaths_without_care_in_the_last_month_break_it() -> None:
    result = breaks(TERMINAL, [_slow_death(LUNG_CANCER, 80, i) for i in range(3)])
    assert "no encounter in the 30 days before death" in result.examples[0][1][0]
    # a visit 40 days before the death is not care in the last month
    breaks(TERMINAL, [_slow_death(HEART_FAILURE, 85, i, care=(40, 1, "ambulatory")) for i in range(3)])


def test_a_terminal_course_or_any_care_in_the_last_month_keeps_it() -> None:
    hospice = [_slow_death(LUNG_CANCER, 80, i, care=(18, 18 * 24, "hospice")) for i in range(3)]
    passes(TERMINAL, hospice)
    admitted = [_slow_death(HEART_FAILURE, 85, i, care=(3, 72, "inpatient")) for i in range(3)]
    passes(TERMINAL, admitted)
    # one of four without care is within the tolerance (30 %, judged by a binomial test)
    passes(TERMINAL, [*hospice, _slow_death(LUNG_CANCER, 80, 9)])


def test_young_deaths_recent_diagnoses_and_other_causes_are_not_judged() -> None:
    assert run(TERMINAL, [_slow_death(LUNG_CANCER, 60)]).denominator == 0  # under 65
    assert run(TERMINAL, [_slow_death(LUNG_CANCER, 80, known=0.02)]).denominator == 0  # diagnosed a week before
    assert run(TERMINAL, [_died(SUICIDE, 80, born=dt.date(1930, 1, 1))]).denominator == 0


PLANNING = "death.advance_care_planning"


def test_expected_deaths_without_advance_care_planning_break_it() -> None:
    result = breaks(PLANNING, [_slow_death(HEART_FAILURE, 85, i) for i in range(4)])
    assert "no advance care planning documented before death" in result.examples[0][1][0]
    # a discussion recorded after the death (a record error) is not planning before it
    breaks(PLANNING, [_slow_death(LUNG_CANCER, 82, i, planned=-1) for i in range(4)])


def test_advance_care_planning_before_the_death_keeps_it() -> None:
    planned = [_slow_death(HEART_FAILURE, 85, i, planned=60) for i in range(4)]
    passes(PLANNING, planned)
    passes(PLANNING, [*planned, _slow_death(LUNG_CANCER, 82, 9)])  # 1 of 5 without: within the 35 % tolerance


def test_deaths_before_2010_recent_diagnoses_and_sudden_deaths_are_not_judged() -> None:
    assert run(PLANNING, [_slow_death(HEART_FAILURE, 79)]).denominator == 0  # died 2009
    assert run(PLANNING, [_slow_death(LUNG_CANCER, 82, known=0.02)]).denominator == 0  # diagnosed a week before
    assert run(PLANNING, [_died(SUICIDE, 85, born=dt.date(1930, 1, 1))]).denominator == 0


def test_a_suicide_certified_by_its_mechanism_is_the_certificates_event_not_a_disease() -> None:
    """s17death: suicides are certified by mechanism (Synthea's self_harm codes); like Suicide (event) they are the
    manner and mechanism of death, not a disease the record must hold before."""
    for cause in (("86849004", "Suicidal poisoning (disorder)"), ("287191006", "Suicide by suffocation"), SUICIDE):
        assert run(RULE, [_died(cause, 30)]).denominator == 0


NSCLC = ("254637007", "Non-small cell lung cancer (disorder)")
NSCLC_STAGE_1 = ("424132000", "Non-small cell carcinoma of lung, TNM stage 1 (disorder)")
DISEASE = "death.cause_is_disease"


def _certified_over(recorded: tuple[str, str], certified: tuple[str, str]) -> dict[str, Any]:
    """A death at 70 certified as ``certified``, the chart holding ``recorded`` from two years before."""
    born = dt.date(1930, 1, 1)
    b = RecordBuilder(birth=born, death=int(RecordBuilder(birth=born).at_age(70)))
    b.condition(recorded[0], b.at_age(68), display=recorded[1])
    rec = b.record()
    rec["death"]["codes"] = [code(certified[0], display=certified[1])]
    return rec


def test_a_lung_cancer_certified_by_its_disease_is_in_a_record_that_holds_its_stage() -> None:
    passes(RULE, [_certified_over(NSCLC_STAGE_1, NSCLC)])
    breaks(RULE, [_certified_over(("254837009", "Malignant neoplasm of breast (disorder)"), NSCLC)])


def test_a_staging_code_or_a_situation_certified_as_the_cause_breaks_it() -> None:
    result = breaks(DISEASE, [_certified_over(NSCLC_STAGE_1, NSCLC_STAGE_1)])
    assert "a staging code, not the disease" in result.examples[0][1][0]
    situation = ("399211009", "History of myocardial infarction (situation)")
    assert "not a disease or injury" in breaks(DISEASE, [_certified_over(situation, situation)]).examples[0][1][0]


def test_a_disease_an_event_or_prematurity_certified_keeps_it() -> None:
    passes(DISEASE, [_certified_over(NSCLC_STAGE_1, NSCLC)])
    passes(DISEASE, [_certified_over(SUICIDE, SUICIDE)])
    preterm = ("367494004", "Premature birth of newborn (finding)")
    passes(DISEASE, [_certified_over(preterm, preterm)])
    untagged = ("287191006", "Suicide by suffocation")  # Synthea's display, no semantic tag to judge
    passes(DISEASE, [_certified_over(untagged, untagged)])
