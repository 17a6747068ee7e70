"""Each coherence check passes a coherent record and catches the one thing it is about."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ehrsim.report.coherence import (
    check_chronic_endings,
    check_encounter_overlap,
    check_labs_agree,
    check_lifespan,
    check_medication_reasons,
    check_record,
    check_references,
    check_sex_age_limits,
)
from ehrsim.report.coherence_data import default_data
from tests.report.records import DAY, REFERENCE, RecordBuilder, diabetic_patient


def test_coherent_record_has_no_problems(coherent_record: dict[str, Any]) -> None:
    assert check_record(coherent_record, end_time=REFERENCE) == []


def test_problem_lines_start_with_the_patient_id() -> None:
    b = RecordBuilder(3)
    b.medication("860975", b.at_age(40), [])
    problems = check_record(b.record())
    assert problems and all(p.startswith(f"{b.pid}: ") for p in problems)


def test_event_before_birth_and_after_death() -> None:
    b = RecordBuilder(gender="M", birth=dt.date(1950, 1, 1), death=dt.date(2000, 1, 1))
    b.encounter(b.birth - DAY)
    b.encounter(b.death + DAY)
    problems = check_lifespan(b.record())
    assert len(problems) == 2
    assert "before birth" in problems[0] and "after death" in problems[1]


def test_event_after_the_reference_date() -> None:
    b = RecordBuilder()
    b.encounter(REFERENCE + DAY)
    assert check_lifespan(b.record()) == []
    assert "after the reference date" in check_lifespan(b.record(), REFERENCE)[0]


def test_stop_before_start() -> None:
    b = RecordBuilder()
    b.condition("59621000", b.at_age(50), stop=b.at_age(49))
    assert "before it starts" in check_lifespan(b.record())[0]


def test_overlapping_encounters() -> None:
    b = RecordBuilder()
    first = b.encounter(b.at_age(30), hours=48, cls="inpatient")
    b.encounter(first["start"] + 3600)
    b.encounter(first["stop"])  # starts exactly when the stay ends: fine
    problems = check_encounter_overlap(b.record())
    assert len(problems) == 1 and "starts before encounter 1" in problems[0]


def test_nested_encounters_after_a_long_one_are_all_reported() -> None:
    b = RecordBuilder()
    first = b.encounter(b.at_age(30), hours=100, cls="inpatient")
    b.encounter(first["start"] + 3600)
    b.encounter(first["start"] + 7200)
    assert len(check_encounter_overlap(b.record())) == 2


def test_dangling_references() -> None:
    b = RecordBuilder()
    visit = b.encounter(b.at_age(30))
    b.condition("59621000", visit["start"], enc={"id": "nope"})
    assert "missing encounter" in check_references(b.record())[0]


def test_medication_without_reason() -> None:
    b = RecordBuilder()
    b.medication("860975", b.at_age(40), [])
    assert "has no reason" in check_medication_reasons(b.record())[0]


def test_medication_reason_must_be_diagnosed_by_its_start() -> None:
    b = RecordBuilder()
    b.condition("44054006", b.at_age(45))
    b.medication("860975", b.at_age(40), ["44054006"])  # before the diagnosis
    b.medication("860975", b.at_age(46), ["38341003"])  # a condition never recorded
    problems = check_medication_reasons(b.record())
    assert len(problems) == 2 and all("not diagnosed" in p for p in problems)


def test_maintenance_after_remission_and_allergy_reasons_are_fine() -> None:
    b = RecordBuilder()
    b.condition("66344007", b.at_age(30), stop=b.at_age(30.3))
    b.medication("312938", b.at_age(30.5), ["66344007"])  # maintenance after the episode
    b._entry(
        "allergies",
        start=b.at_age(20),
        stop=None,
        codes=[{"system": "SNOMED-CT", "code": "300913006", "display": "Shellfish allergy"}],
        type="allergy",
        category="food",
        reactions=[],
        encounter=None,
    )
    b.medication("1870230", b.at_age(25), ["300913006"])  # epinephrine for a food allergy
    assert check_medication_reasons(b.record()) == []


def test_medication_reason_check_skips_cut_history() -> None:
    b = RecordBuilder()
    b.medication("860975", b.at_age(40), ["44054006"])
    assert check_medication_reasons(b.record(), history_start=b.at_age(50)) == []


def test_type2_diabetes_needs_a_high_hba1c_before_or_with_it() -> None:
    b = RecordBuilder()
    visit = b.encounter(b.at_age(50))
    b.observation("4548-4", visit["start"], 6.1)
    b.condition("44054006", visit["start"])
    b.observation("4548-4", b.at_age(51), 8.0)  # too late
    problems = check_labs_agree(b.record())
    assert len(problems) == 1 and "type2_diabetes" in problems[0] and "6.1" in problems[0]


def test_hba1c_any_time_before_counts() -> None:
    b = RecordBuilder()
    b.observation("4548-4", b.at_age(47), 6.6)
    b.condition("44054006", b.at_age(50))
    assert check_labs_agree(b.record()) == []


def test_egfr_must_fit_the_ckd_stage() -> None:
    b = RecordBuilder()
    b.observation("33914-3", b.at_age(60), 72.0, unit="mL/min")
    b.condition("433144002", b.at_age(60))  # stage 3 needs 30-59
    problems = check_labs_agree(b.record())
    assert len(problems) == 1 and "ckd_stage_3" in problems[0]
    b2 = RecordBuilder()
    b2.observation("33914-3", b2.at_age(58), 45.0, unit="mL/min")  # older than a year
    b2.condition("433144002", b2.at_age(60))
    assert len(check_labs_agree(b2.record())) == 1


def test_lab_rule_skipped_when_its_window_was_cut() -> None:
    b = RecordBuilder()
    b.condition("44054006", b.at_age(50))
    assert len(check_labs_agree(b.record())) == 1
    assert check_labs_agree(b.record(), history_start=b.at_age(55)) == []


def test_pregnancy_only_for_females_of_12_to_55() -> None:
    male = RecordBuilder(gender="M")
    male.condition("72892002", male.at_age(30))
    assert "for sex M" in check_sex_age_limits(male.record())[0]
    old = RecordBuilder(gender="F")
    old.condition("72892002", old.at_age(56.5))
    young = RecordBuilder(gender="F")
    young.condition("72892002", young.at_age(11.9))
    fine = RecordBuilder(gender="F")
    fine.condition("72892002", fine.at_age(55.9))
    fine.condition("72892002", fine.at_age(12.0))
    assert "at age 56.5" in check_sex_age_limits(old.record())[0]
    assert len(check_sex_age_limits(young.record())) == 1
    assert check_sex_age_limits(fine.record()) == []


def test_chronic_condition_ending_without_cause() -> None:
    b = RecordBuilder()
    b.condition("59621000", b.at_age(50), stop=b.at_age(55))
    assert "without cause" in check_chronic_endings(b.record())[0]


def test_chronic_condition_may_end_by_progression_cure_or_death() -> None:
    b = RecordBuilder(death=dt.date(2020, 5, 1))
    b.condition("433144002", b.at_age(60), stop=b.at_age(62))
    b.condition("431857002", b.at_age(62), stop=b.at_age(63))  # stage 3 -> 4 -> ESRD
    b.condition("46177005", b.at_age(63), stop=b.at_age(64))
    b.procedure("70536003", b.at_age(64))  # kidney transplant ends ESRD
    b.condition("59621000", b.at_age(50), stop=b.death)  # ends with death
    assert check_chronic_endings(b.record()) == []


def test_a_preemptive_kidney_transplant_ends_ckd_stage_4() -> None:
    """Synthea's CKD module transplants at stage 4 (pre-emptive transplant before dialysis, KDIGO 2020): a cure."""
    b = RecordBuilder()
    b.condition("431857002", b.at_age(60), stop=b.at_age(63))
    b.procedure("70536003", b.at_age(63))
    assert check_chronic_endings(b.record()) == []
    c = RecordBuilder()
    c.condition("431857002", c.at_age(60), stop=c.at_age(63))
    assert "without cause" in check_chronic_endings(c.record())[0]


def test_a_kidney_transplant_ends_chronic_renal_failure_charted_before_2002() -> None:
    """CKD stage 4-5 before KDOQI 2002 is charted 'Chronic renal failure syndrome' (engine/era_names.csv); Synthea's
    kidney_transplant module ends it with the transplant, as it ends stage 4 and ESRD (5 breaches on seed 1)."""
    b = RecordBuilder()
    b.condition("90688005", b.at_age(54), stop=b.at_age(58))
    b.procedure("70536003", b.at_age(58))
    assert check_chronic_endings(b.record()) == []
    c = RecordBuilder()
    c.condition("90688005", c.at_age(54), stop=c.at_age(58))
    assert "without cause" in check_chronic_endings(c.record())[0]


def test_acute_conditions_may_end() -> None:
    b = RecordBuilder()
    b.condition("10509002", b.at_age(30), stop=b.at_age(30.05))
    assert check_chronic_endings(b.record()) == []


def test_coherence_data_is_consistent() -> None:
    data = default_data()
    assert data.lab_rules and data.limits and data.chronic
    for rule in data.lab_rules:
        assert rule.low < rule.high and rule.condition_codes and rule.lab_codes
    assert "44054006" in data.condition_sets["type2_diabetes"]


def test_whole_record_combines_every_check() -> None:
    record: dict[str, Any] = diabetic_patient()
    record["observations"] = []  # no HbA1c, no eGFR any more
    assert len(check_record(record)) == 2


def test_a_ckd_stage_diagnosed_before_egfr_was_reported_rests_on_creatinine() -> None:
    import datetime as dt

    old = RecordBuilder(birth=dt.date(1930, 1, 1))
    old.condition("433144002", old.at_age(60))  # 1990: creatinine only, no eGFR to check
    assert check_labs_agree(old.record()) == []
    new = RecordBuilder(birth=dt.date(1950, 1, 1))
    new.condition("433144002", new.at_age(60))  # 2010: eGFR was reported
    assert len(check_labs_agree(new.record())) == 1


def test_diagnostic_and_preventive_agents_need_no_reason() -> None:
    """A dilated eye exam's tropicamide, an eye procedure's anaesthetic drops and a dental visit's topical fluoride
    treat no diagnosis (Synthea's library)."""
    b = RecordBuilder()
    b.medication("313521", b.at_age(40), [])  # tropicamide for the dilated fundus examination
    b.medication("1535362", b.at_age(41), ["103697008"])  # fluoride gel; its 'reason' is the dental referral
    b.medication("1191013", b.at_age(41.5), [])  # proparacaine: numbing drops for a retinal laser
    b.medication("313782", b.at_age(42), [])  # acetaminophen still needs one
    (problem,) = check_medication_reasons(b.record())
    assert "313782" in problem and "has no reason" in problem


def test_a_stage_restaged_by_its_era_name_is_judged_at_the_diseases_onset() -> None:
    """The session-12 proof run: CKD stage 2 found in 1999 (charted then as proteinuria, record/era_names.py) is
    restaged at the first visit of March 2002, when the eGFR had drifted to 58; the stage rested on the eGFR at its
    onset, which the restaged entry keeps."""
    import datetime as dt

    b = RecordBuilder(birth=dt.date(1940, 1, 1))
    b.observation("33914-3", b.at_age(59.5), 72.0, unit="mL/min")
    b.observation("33914-3", b.at_age(62.1), 58.0, unit="mL/min")
    stage = b.condition("431856006", b.at_age(62.2))  # stage 2 needs 60-89
    assert len(check_labs_agree(b.record())) == 1  # judged at the restaging alone: 58
    stage["onset"] = b.at_age(59.5)
    assert check_labs_agree(b.record()) == []
