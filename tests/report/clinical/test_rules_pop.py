"""Clock, death and population rules on hand-made records and populations (known truth)."""

from __future__ import annotations

import datetime as dt

from ehrsim.report.clinical import default_clinical
from ehrsim.report.clinical.base import build
from ehrsim.report.clinical.view import PatientView
from tests.report.clinical.helpers import DAY, breaks, local, passes, run
from tests.report.records import REFERENCE, YEAR, RecordBuilder, code


def _visit(day: dt.date, hour: int, cls: str = "wellness") -> dict:
    b = RecordBuilder()
    b.encounter(local(day, hour), cls=cls)
    return b.record()


def test_office_hours() -> None:
    result = breaks("time.office_hours", [_visit(dt.date(2019, 3, 5), 23)])  # a Tuesday, 23:00
    assert "Tue 2019-03-05 23:00 local" in result.examples[0][1][0]
    breaks("time.office_hours", [_visit(dt.date(2019, 3, 9), 10)])  # a Saturday
    passes("time.office_hours", [_visit(dt.date(2019, 3, 5), 9), _visit(dt.date(2019, 3, 6), 16, "ambulatory")])
    night_emergency = passes(
        "time.office_hours", [_visit(dt.date(2019, 3, 5), 9), _visit(dt.date(2019, 3, 9), 3, "emergency")]
    )
    assert night_emergency.events == 1  # emergencies come at any time: not in the denominator


def _procedure(hour: int, cls: str = "ambulatory", proc: str = "268400002") -> dict:
    b = RecordBuilder()
    enc = b.encounter(local(dt.date(2019, 3, 5), hour), cls=cls)
    b.procedure(proc, enc["start"], enc=enc)
    return b.record()


def test_procedure_hours() -> None:
    breaks("time.procedure_hours", [_procedure(2)])
    passes("time.procedure_hours", [_procedure(10), _procedure(2, cls="emergency")])


def test_ablation_hours() -> None:
    breaks("time.ablation_hours", [_procedure(1, cls="inpatient", proc="18286008")])
    passes("time.ablation_hours", [_procedure(9, cls="inpatient", proc="18286008")])


def _death(age: float, cause: str, index: int = 0) -> dict:
    birth = REFERENCE - int((age + 5) * YEAR)
    return RecordBuilder(index, birth=birth, death=birth + int(age * YEAR), death_code=cause).record()


def test_unknown_cause_under_65() -> None:
    result = breaks("death.unknown_cause_under_65", [_death(23, "9855000")])
    assert "died at 23.0" in result.examples[0][1][0]
    passes(
        "death.unknown_cause_under_65", [_death(83, "9855000"), _death(0.3, "9855000", 1), _death(30, "44301001", 2)]
    )


def test_unknown_cause_share() -> None:
    breaks("death.unknown_cause_share", [_death(80, "9855000"), _death(80, "88805009", 1)])
    passes("death.unknown_cause_share", [_death(80, "88805009", i) for i in range(20)] + [_death(85, "9855000", 20)])


def test_external_causes_young() -> None:
    disease = [_death(30, "88805009", i) for i in range(6)]
    breaks("death.external_causes_young", disease)
    passes("death.external_causes_young", disease + [_death(25, "1149222004", 10 + i) for i in range(4)])


def test_mechanism_as_cause() -> None:
    result = breaks("death.mechanism_as_cause", [_death(28, "410429000"), _death(70, "53741008", 1)])
    assert result.patients_breaking == 1 and "died at 28.0" in result.examples[0][1][0]
    breaks("death.mechanism_as_cause", [_death(79, "410429000")])  # at any age
    passes("death.mechanism_as_cause", [_death(28, "85898001"), _death(79, "53741008", 1), _death(50, "88805009", 2)])


def _hospital_death(hours: float, discharge: dict | None) -> dict:
    b = RecordBuilder(birth=dt.date(1940, 1, 1), death=dt.date(2020, 1, 1))
    stay = b.encounter(b.death - int(hours * 3600), hours=hours, cls="inpatient", discharge=discharge)
    b.death_encounter = stay["id"]
    return b.record()


def test_hospital_disposition() -> None:
    expired = code("20", "NUBC", "Expired")
    breaks("death.hospital_disposition", [_hospital_death(0, None)])
    breaks("death.hospital_disposition", [_hospital_death(0, expired)])  # a 0-hour stay
    breaks("death.hospital_disposition", [_hospital_death(50, code("01", "NUBC", "Discharged to home"))])
    passes("death.hospital_disposition", [_hospital_death(50, expired)])


def test_hospital_disposition_judges_the_stay_the_patient_died_in() -> None:
    """Moved from the emergency department to hospice and died there: the hospice stay is the place of death."""
    expired = code("20", "NUBC", "Expired")
    b = RecordBuilder(birth=dt.date(1940, 1, 1), death=dt.date(2020, 1, 1))
    b.encounter(b.death - 30 * 3600, hours=6, cls="emergency", discharge=None)
    hospice = b.encounter(b.death - 24 * 3600, hours=24, cls="hospice", discharge=expired)
    b.death_encounter = hospice["id"]
    result = run("death.hospital_disposition", [b.record()])
    assert result.denominator == 0
    b2 = RecordBuilder(birth=dt.date(1940, 1, 1), death=dt.date(2020, 1, 1))
    b2.encounter(b2.death - 24 * 3600, hours=24, cls="hospice", discharge=expired)
    stay = b2.encounter(b2.death - 5 * 3600, hours=5, cls="inpatient", discharge=None)  # back to hospital: judged
    b2.death_encounter = stay["id"]
    breaks("death.hospital_disposition", [b2.record()])


def test_hospital_disposition_a_death_hours_after_a_discharge_alive_is_not_a_death_in_the_stay() -> None:
    """Home from the emergency department, died at home the next day: the stay ended alive (issue 10)."""
    b = RecordBuilder(birth=dt.date(1940, 1, 1), death=dt.date(2020, 1, 1))
    b.encounter(b.death - 23 * 3600, hours=1, cls="emergency", discharge=None)
    assert run("death.hospital_disposition", [b.record()]).denominator == 0
    b2 = RecordBuilder(birth=dt.date(1940, 1, 1), death=dt.date(2020, 1, 1))
    b2.encounter(b2.death - 3600 - 600, hours=1, cls="emergency", discharge=None)  # died 10 minutes after
    breaks("death.hospital_disposition", [b2.record()])


CERTIFICATION = code("308646001", display="Death certification (procedure)")


def _certified(cls: str, after_hours: float = 0.0, stay: str | None = None) -> dict:
    """A death at 03:00 local; the certification encounter ``after_hours`` later, of class ``cls``."""
    b = RecordBuilder(birth=dt.date(1940, 1, 1), death=local(dt.date(2020, 1, 7), 3))
    if stay is not None:
        b.encounter(b.death - 50 * 3600, hours=50, cls=stay, discharge=code("20", "NUBC", "Expired"))
    cert = b.encounter(b.death + int(after_hours * 3600), hours=0, cls=cls)
    cert["codes"] = [CERTIFICATION]
    b.death_encounter = cert["id"]
    return b.record()


def test_certification_setting() -> None:
    result = breaks("death.certification_setting", [_certified("ambulatory")])  # a night office visit
    assert "ambulatory certification encounter" in result.examples[0][1][0]
    breaks("death.certification_setting", [_certified("home", after_hours=30)])  # not at the death
    passes("death.certification_setting", [_certified("home"), _certified("inpatient", stay="inpatient")])


def test_hospital_disposition_does_not_judge_the_certification_encounter() -> None:
    """Certified in the stay the patient died in: that 0-hour encounter is no stay of its own."""
    passes("death.hospital_disposition", [_certified("inpatient", stay="inpatient")])


def _living(ages: list[float]) -> list[dict]:
    return [RecordBuilder(i, birth=REFERENCE - int(a * YEAR)).record() for i, a in enumerate(ages)]


def _census_ages(n: int) -> list[float]:
    """``n`` ages spread over the rule's bands in the census shares."""
    rule = build(next(r for r in default_clinical().rules if r.id == "pop.age_pyramid"), default_clinical())
    ages: list[float] = []
    for (lo, hi), share in zip(rule.p["bands"], rule.expected, strict=True):
        ages += [lo + 1 + (i % max(1, min(hi, 100) - lo - 2)) for i in range(round(share * n))]
    return ages


def test_age_pyramid() -> None:
    result = passes("pop.age_pyramid", _living(_census_ages(200)))
    assert result.measure is not None and result.measure < 0.02 and "census" in result.detail
    breaks("pop.age_pyramid", _living([40.0] * 100))


def test_share_80_plus() -> None:
    passes("pop.share_80_plus", _living([85.0] * 4 + [40.0] * 96))
    result = breaks("pop.share_80_plus", _living([40.0] * 100))
    assert result.measure == 0


def test_oldest_death() -> None:
    young = [_death(70 + i * 0.1, "88805009", i) for i in range(200)]
    assert run("pop.oldest_death", young[:150]).status == "n/a"  # too few deaths to judge
    breaks("pop.oldest_death", young)
    passes("pop.oldest_death", [*young, _death(97, "88805009", 999)])


DISPLAYS = {"363406005": "Malignant neoplasm of colon (disorder)"}


def _diagnosed(age: float, cond: str | None, index: int) -> dict:
    b = RecordBuilder(index, birth=REFERENCE - int(age * YEAR))
    if cond:
        b.condition(cond, REFERENCE - 5 * int(YEAR), display=DISPLAYS.get(cond, ""))
    return b.record()


def _prevalence(rule: str, cond: str, age: float, share: float) -> None:
    people = [_diagnosed(age, cond if i < share * 100 else None, i) for i in range(100)]
    if rule_passes := (default_band_contains(rule, share)):
        passes(rule, people)
    else:
        breaks(rule, people)
    assert rule_passes is not None


def default_band_contains(rule_id: str, share: float) -> bool:
    band = next(r for r in default_clinical().rules if r.id == rule_id).params["band"]
    return band[0] <= share <= band[1]


def test_prevalence_rules() -> None:
    for rule, cond, age in (
        ("pop.depression_ever", "370143000", 40),
        ("pop.dementia_65_plus", "26929004", 80),
        ("pop.cancer_50_plus", "363406005", 60),
    ):
        _prevalence(rule, cond, age, 0.15 if rule != "pop.dementia_65_plus" else 0.10)  # the US figures
        _prevalence(rule, cond, age, 0.02)
    # cancer is matched by its display in any library: a carcinoma counts, a suspicion or screening does not
    b = RecordBuilder(0, birth=REFERENCE - 60 * int(YEAR))
    b.condition("254837009", REFERENCE - DAY, display="Malignant neoplasm of breast (disorder)")
    s = RecordBuilder(1, birth=REFERENCE - 60 * int(YEAR))
    s.condition("162573006", REFERENCE - DAY, display="Suspected lung cancer (situation)")
    s.condition("92691004", REFERENCE - DAY, display="Carcinoma in situ of prostate (disorder)")
    assert run("pop.cancer_50_plus", [b.record(), s.record()]).measure == 0.5


def _life(index: int, diabetic: bool, dies: bool) -> dict:
    """Aged 70 at the reference date (or died at 65); diabetes diagnosed at 45."""
    birth = REFERENCE - int(70 * YEAR)
    b = RecordBuilder(index, birth=birth, death=birth + int(65 * YEAR) if dies else None)
    if diabetic:
        b.condition("44054006", birth + int(45 * YEAR), display="Diabetes mellitus type 2 (disorder)")
    return b.record()


def _cohort(diabetics: int, diabetic_deaths: int) -> list[dict]:
    """200 people without diabetes (20 die at 65, 20/1,900 person-years in their sixties) and the diabetics."""
    others = [_life(i, False, i < 20) for i in range(200)]
    return others + [_life(1000 + i, True, i < diabetic_deaths) for i in range(diabetics)]


def test_diabetes_excess_mortality() -> None:
    rule = "death.diabetes_excess_mortality"
    result = passes(rule, _cohort(100, 20))  # 20 deaths vs 9.5 expected: 2.1x
    assert result.measure is not None and 2.0 < result.measure < 2.2
    assert "20 deaths with the condition, 9.5 expected" in result.detail
    breaks(rule, _cohort(200, 20))  # the rate of everyone else: 1.0x
    breaks(rule, _cohort(100, 40))  # 40 vs 8.4: 4.7x


def test_diabetes_excess_mortality_needs_enough_deaths_and_counts_time_before_diagnosis_as_without() -> None:
    rule = "death.diabetes_excess_mortality"
    few = run(rule, _cohort(100, 5))
    assert few.measure is None  # under min_deaths: no figure, not a pass by luck
    # diagnosed at 68, after a death-free decade: the sixties count as time without diabetes
    birth = REFERENCE - int(70 * YEAR)
    late = RecordBuilder(5000, birth=birth)
    late.condition("44054006", birth + int(68 * YEAR), display="Diabetes mellitus type 2 (disorder)")
    clinical = default_clinical()
    checker = build(next(r for r in clinical.rules if r.id == rule), clinical)
    values = checker.check(PatientView(late.record(), REFERENCE, clinical)).values
    sixties = [v for v in values if v[0] == 60]
    assert [(has, round(py, 2)) for _, has, py, _ in sixties] == [(False, 8.0), (True, 2.0)]


def _statin_user(index: int, age: float, taking: bool, stopped: bool = False) -> dict:
    """A living adult of ``age`` at the reference date; ``taking``: atorvastatin active then; ``stopped``: an
    atorvastatin course that ended two years before (a former user, not counted)."""
    b = RecordBuilder(index, birth=REFERENCE - int(age * YEAR))
    if taking or stopped:
        stop = REFERENCE - int(2 * YEAR) if stopped else None
        start = REFERENCE - int(10 * YEAR)
        b.medication("617310", start, ["55822004"], stop=stop, display="atorvastatin 20 MG Oral Tablet")
    return b.record()


def test_statin_use_75_plus() -> None:
    rule = "pop.statin_use_75_plus"
    half = [_statin_user(i, 80, taking=i < 5, stopped=i >= 8) for i in range(10)]
    result = passes(rule, [*half, _statin_user(100, 60, taking=True), _statin_user(101, 50, taking=False)])
    assert result.measure == 0.5  # 5 of the 10 aged 80; the two under 75 are not judged, former users count as not
    breaks(rule, [_statin_user(i, 82, taking=i < 8) for i in range(10)])  # 80 %: statins never stopped
    breaks(rule, [_statin_user(i, 82, taking=i < 8, stopped=i >= 8) for i in range(10)])
    breaks(rule, [_statin_user(i, 77, taking=i < 2) for i in range(10)])  # 20 %
    assert run(rule, [_statin_user(i, 82, taking=True) for i in range(5)]).measure is None  # too few people


def test_statin_use_40_59() -> None:
    rule = "pop.statin_use_40_59"
    passes(rule, [_statin_user(i, 50, taking=i < 2) for i in range(10)])
    breaks(rule, [_statin_user(i, 50, taking=i < 5) for i in range(10)])


def _woman(age: float, cause: str, index: int, gender: str = "F") -> dict:
    record = _death(age, cause, index)
    record["patient"]["gender"] = gender
    return record


def test_heart_failure_share_of_womens_deaths() -> None:
    """s17death: heart failure was 12 % of women's deaths; US about 3 % (band 1.5-6 %, at least 30 deaths)."""
    rule = "death.heart_failure_share_women"
    others = [_woman(85, "53741008", i) for i in range(36)]
    hf = [_woman(88, "88805009", 100 + i) for i in range(4)]  # 4 of 40: 10 %
    breaks(rule, others + hf)
    passes(rule, others + hf[:1])  # 1 of 37: 2.7 %
    men = [_woman(88, "88805009", 200 + i, gender="M") for i in range(10)]
    passes(rule, others + hf[:1] + men)  # men's deaths are not counted
    assert run(rule, others[:20]).measure is None  # too few deaths to judge
