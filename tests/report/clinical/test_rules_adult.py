"""Adult chart-review rules (s15adult): emergency visits last hours and end with a disposition; FEV1/FVC in COPD is a
stable trait, not a fresh draw at every spirometry."""

from __future__ import annotations

import datetime as dt

from ehrsim.record.times import from_date
from tests.report.clinical.helpers import ACETAMINOPHEN, DAY, breaks, med, passes, run
from tests.report.records import RecordBuilder

ED_LENGTH = "time.ed_length_median"
ED_DISPOSITION = "rec.ed_disposition"
ED_ADMITTED = "rec.ed_admitted_not_home"
COLONOSCOPY = "time.colonoscopy_after_visit"
SCREENING_ERA = "rec.screening_before_available"
FEV1_SWING = "phys.fev1_fvc_stable_in_copd"
HOME = {"system": "NUBC", "code": "01", "display": "Discharged to home or self care (routine discharge)"}
COPD = ("13645005", "Chronic obstructive lung disease (disorder)")


def _ed_visits(hours: list[float], index: int, discharge: dict[str, str] | None = HOME) -> dict:
    b = RecordBuilder(index)
    for i, h in enumerate(hours):
        b.encounter(b.at_age(40 + i), hours=h, cls="emergency", discharge=discharge)
    return b.record()


def test_emergency_visits_of_exactly_one_hour_break_the_median_band() -> None:
    result = breaks(ED_LENGTH, [_ed_visits([1, 1, 1, 1.2], i) for i in range(3)])
    assert result.measure == 60.0
    assert result.denominator == 12
    long_stay = breaks(ED_LENGTH, [_ed_visits([6, 8, 5], 0)])  # every visit a boarding admission: too long
    assert long_stay.measure == 360.0
    passes(ED_LENGTH, [_ed_visits([1.5, 2.5, 4, 2], i) for i in range(3)])  # median 2.25 h


def test_death_certifications_and_other_classes_are_not_emergency_visits() -> None:
    b = RecordBuilder(0)
    t = b.at_age(60)
    b.encounter(t, hours=2.5, cls="emergency")
    cert = b.encounter(t + 3 * 3600, hours=0, cls="emergency")
    cert["module"] = "death"
    b.encounter(t + DAY, hours=0.25, cls="ambulatory")
    result = run(ED_LENGTH, [b.record()])
    assert result.denominator == 1
    assert result.measure == 150.0


def test_an_emergency_visit_without_a_disposition_breaks_unless_an_admission_follows() -> None:
    breaking = breaks(ED_DISPOSITION, [_ed_visits([2, 3], i, discharge=None) for i in range(3)])
    assert breaking.denominator == 6
    assert "ends with no disposition" in breaking.examples[0][1][0]
    passes(ED_DISPOSITION, [_ed_visits([2, 3], i) for i in range(3)])
    b = RecordBuilder(0)
    ed = b.encounter(b.at_age(50), hours=3, cls="emergency", discharge=None)
    b.encounter(ed["stop"], hours=96, cls="inpatient", discharge=HOME)  # admitted: the stay says how it ended
    assert run(ED_DISPOSITION, [b.record()]).denominator == 0


def test_an_emergency_visit_discharged_home_and_then_admitted_breaks() -> None:
    def admitted(index: int, discharge: dict[str, str] | None, gap_hours: float = 0.2) -> dict:
        b = RecordBuilder(index)
        ed = b.encounter(b.at_age(70), hours=2, cls="emergency", discharge=discharge)
        b.encounter(int(ed["stop"] + gap_hours * 3600), hours=96, cls="inpatient", discharge=HOME)
        return b.record()

    breaking = breaks(ED_ADMITTED, [admitted(i, HOME) for i in range(3)])
    assert breaking.denominator == 3
    assert "admitted, discharge home" in breaking.examples[0][1][0]
    passes(ED_ADMITTED, [admitted(i, None) for i in range(3)])  # the stay carries the disposition
    assert run(ED_ADMITTED, [admitted(0, HOME, gap_hours=30)]).denominator == 0  # admitted a day later: released
    assert run(ED_ADMITTED, [_ed_visits([2, 3], 0)]).denominator == 0  # treat-and-release visits


def _colonoscopy(index: int, after_hours: float) -> dict:
    b = RecordBuilder(index)
    visit = b.encounter(b.at_age(55), hours=0.25, cls="wellness")
    start = int(visit["stop"] + after_hours * 3600)
    enc = b.encounter(start, hours=0.75, cls="outpatient")
    b.procedure("73761001", start, enc=enc)
    return b.record()


def test_a_colonoscopy_minutes_after_the_wellness_visit_breaks() -> None:
    same_day = breaks(COLONOSCOPY, [_colonoscopy(i, 0.0) for i in range(3)])
    assert same_day.denominator == 3
    assert "0.0 h after a visit" in same_day.examples[0][1][0]
    passes(COLONOSCOPY, [_colonoscopy(i, 24 * 30) for i in range(3)])  # a month later, prepared
    assert run(COLONOSCOPY, [_ed_visits([2], 0)]).denominator == 0  # no colonoscopy: nothing to judge


def test_cancer_screening_before_the_test_existed_breaks() -> None:
    b = RecordBuilder(0, birth=dt.date(1900, 1, 1))
    b.procedure("90226004", from_date(dt.date(1935, 3, 1)))  # a cervical smear in 1935
    b.procedure("24623002", from_date(dt.date(1961, 3, 1)))  # a screening mammogram in 1961
    b.procedure("73761001", from_date(dt.date(1966, 3, 1)))  # a colonoscopy in 1966
    b.procedure("73761001", from_date(dt.date(1975, 3, 1)))  # fine
    result = breaks(SCREENING_ERA, [b.record()])
    assert (result.events, result.events_breaking) == (4, 3)
    g = RecordBuilder(1, birth=dt.date(1930, 1, 1))
    g.procedure("90226004", from_date(dt.date(1955, 3, 1)))
    g.procedure("104435004", from_date(dt.date(1981, 3, 1)))
    passes(SCREENING_ERA, [g.record()])


def _spirometry(ratios: list[float], index: int, copd: bool = True, every_days: float = 365) -> dict:
    b = RecordBuilder(index)
    t0 = b.at_age(60)
    if copd:
        b.condition(COPD[0], t0, display=COPD[1])
    for i, ratio in enumerate(ratios):
        b.observation("19926-5", int(t0 + i * every_days * DAY), ratio, unit="%", category="procedure")
    return b.record()


def test_fev1_fvc_swinging_from_year_to_year_in_copd_breaks_the_rule() -> None:
    swinging = breaks(FEV1_SWING, [_spirometry([43, 37, 65, 37, 52, 35, 68], i) for i in range(3)])
    assert swinging.denominator == 18
    assert "37 on" in swinging.examples[0][1][0]
    passes(FEV1_SWING, [_spirometry([55, 53, 54, 51, 52, 50, 49], i) for i in range(3)])


def test_fev1_fvc_without_copd_or_years_apart_is_not_judged() -> None:
    assert run(FEV1_SWING, [_spirometry([85, 60, 88], 0, copd=False)]).denominator == 0  # asthma alone varies
    assert run(FEV1_SWING, [_spirometry([65, 40], 0, every_days=1000)]).denominator == 0  # 2.7 years apart


OVERDOSE_ERA = "death.overdose_share_before_1999"


def _death(index: int, died: dt.date, cause: str, born: dt.date | None = None) -> dict:
    born = born or dt.date(died.year - 50, 3, 1)
    return RecordBuilder(index, birth=born, death=died, death_code=cause).record()


def test_overdose_deaths_at_their_2019_share_in_the_1990s_break_the_rule() -> None:
    def nineties(overdoses: int) -> list[dict]:
        return [_death(i, dt.date(1975 + i, 5, 1), "1149222004" if i < overdoses else "53741008") for i in range(24)]

    result = breaks(OVERDOSE_ERA, nineties(4))  # 4 of 24 deaths at 50 in 1975-1998 were overdoses
    assert result.denominator == 24
    assert abs(result.measure - 4 / 24) < 1e-9
    passes(OVERDOSE_ERA, nineties(1))  # 4 %: about the 1998 share


def test_recent_deaths_old_deaths_and_small_numbers_are_not_judged() -> None:
    recent = [_death(i, dt.date(2019, 5, 1), "1149222004") for i in range(24)]  # the overdose era: not judged here
    assert run(OVERDOSE_ERA, recent).denominator == 0
    old = [_death(i, dt.date(1995, 5, 1), "1149222004", born=dt.date(1915, 1, 1)) for i in range(24)]  # at 80
    assert run(OVERDOSE_ERA, old).denominator == 0
    few = run(OVERDOSE_ERA, [_death(i, dt.date(1990, 5, 1), "1149222004") for i in range(10)])
    assert few.denominator == 10 and few.measure is None


NOTE_CC = "rec.note_chief_complaint"
NSTEMI = ("401314000", "Acute non-ST segment elevation myocardial infarction (disorder)")


def _ed_note(index: int, complaint: str, diagnosed: bool = True, reason: bool = False) -> dict:
    b = RecordBuilder(index)
    t = b.at_age(55)
    enc = b.encounter(t, hours=3, cls="emergency", discharge=HOME)
    enc["codes"] = [{"system": "SNOMED-CT", "code": "50849002", "display": "Emergency room admission (procedure)"}]
    if reason:
        enc["reason"] = [{"system": "SNOMED-CT", "code": NSTEMI[0], "display": NSTEMI[1]}]
    if diagnosed:
        b.condition(NSTEMI[0], t, enc=enc, display=NSTEMI[1])
    record = b.record()
    text = f"ED PROGRESS NOTE\nDate: x\n\nCHIEF COMPLAINT\n{complaint}\n\nHISTORY OF PRESENT ILLNESS\n"
    record["notes"] = [{"id": "n1", "encounter": enc["id"], "time": enc["stop"], "title": "ED note", "text": text}]
    return record


def test_a_note_giving_the_encounter_type_as_chief_complaint_breaks_the_rule() -> None:
    result = breaks(NOTE_CC, [_ed_note(i, "Emergency room admission (procedure).") for i in range(3)])
    assert result.denominator == 3
    assert "chief complaint 'Emergency room admission (procedure).'" in result.examples[0][1][0]
    passes(NOTE_CC, [_ed_note(i, f"- {NSTEMI[1]}") for i in range(3)])


def test_notes_of_visits_with_a_reason_or_no_diagnosis_and_runs_without_notes_are_not_judged() -> None:
    assert run(NOTE_CC, [_ed_note(0, "Emergency room admission (procedure).", diagnosed=False)]).denominator == 0
    assert run(NOTE_CC, [_ed_note(0, "Emergency room admission (procedure).", reason=True)]).denominator == 0
    bare = _ed_note(0, "x")
    bare.pop("notes")
    assert run(NOTE_CC, [bare]).denominator == 0


ANALGESIC = "rx.analgesic_not_for_diabetes"
T2DM = ("44054006", "Diabetes mellitus type 2 (disorder)")
NEUROPATHY = ("368581000119106", "Neuropathy due to type 2 diabetes mellitus (disorder)")


def _analgesic_for(index: int, reason: tuple[str, str]) -> dict:
    b = RecordBuilder(index)
    t = b.at_age(60)
    b.condition(T2DM[0], t - 3 * 365 * DAY, display=T2DM[1])
    b.condition(NEUROPATHY[0], t - 365 * DAY, display=NEUROPATHY[1])
    order = med(b, ACETAMINOPHEN, t, t + 14 * DAY, reason=[reason[0]])
    order["reason"][0]["display"] = reason[1]
    return b.record()


def test_an_analgesic_ordered_for_diabetes_breaks_the_rule() -> None:
    result = breaks(ANALGESIC, [_analgesic_for(i, T2DM) for i in range(2)])
    assert result.denominator == 2
    assert "for Diabetes mellitus type 2" in result.examples[0][1][0]
    passes(ANALGESIC, [_analgesic_for(i, NEUROPATHY) for i in range(2)])


CA_PROGRESSION = "death.breast_cancer_death_after_progression"
BREAST = ("254837009", "Malignant neoplasm of breast (disorder)")
BONE_METASTASIS = ("94222008", "Secondary malignant neoplasm of bone (disorder)")


def _breast_cancer_death(index: int, metastasis: bool, cause: str = BREAST[0]) -> dict:
    b = RecordBuilder(index, birth=dt.date(1952, 1, 1), death=dt.date(2012, 9, 6), death_code=cause)
    b.condition(BREAST[0], b.at_age(58), display=BREAST[1])
    if metastasis:
        b.condition(BONE_METASTASIS[0], b.at_age(59.5), display=BONE_METASTASIS[1])
    return b.record()


def test_a_breast_cancer_death_without_recorded_spread_breaks_the_rule() -> None:
    result = breaks(CA_PROGRESSION, [_breast_cancer_death(i, metastasis=False) for i in range(2)])
    assert result.denominator == 2
    assert "with no progression recorded" in result.examples[0][1][0]
    passes(CA_PROGRESSION, [_breast_cancer_death(i, metastasis=True) for i in range(2)])
    other = run(CA_PROGRESSION, [_breast_cancer_death(0, metastasis=False, cause="53741008")])  # died of CHD
    assert other.denominator == 0
