"""End of life (s14eol): preventive drugs and screening stop with comfort care; hydrochlorothiazide at most 25 mg."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.report.clinical.helpers import ATORVASTATIN_80, DAY, breaks, med, passes, run
from tests.report.records import RecordBuilder, code

STATIN_RULE = "death.statin_stopped_in_hospice"
HOSPICE_RULE = "death.no_screening_in_hospice"
DEMENTIA_RULE = "death.no_screening_in_severe_dementia"
HCTZ_RULE = "rx.hctz_max_25"
HCTZ_50 = ("197770", "hydrochlorothiazide 50 MG Oral Tablet")
HCTZ_25 = ("310798", "Hydrochlorothiazide 25 MG Oral Tablet")
AUDIT_C = "763302001"
DENTAL_SCALING = "1260010008"
DEPRESSION_SCREENING = "171207006"


def _hospice(b: RecordBuilder, start: int, days: float, plan: bool = True) -> None:
    """A hospice stay of ``days`` (an encounter of class hospice), with its care plan when ``plan``."""
    b.encounter(start, hours=days * 24, cls="hospice")
    if plan:
        b._entry("careplans", start=start, stop=None, codes=[code("385763009")], activities=[], reason=[])


def _in_hospice(days: float, statin_stops_after: float | None, plan: bool = True) -> dict[str, Any]:
    """Died at 85 after ``days`` in hospice, on a statin since 70 (stopped ``statin_stops_after`` days in)."""
    b = RecordBuilder(birth=dt.date(1930, 1, 1), death=dt.date(2015, 6, 1))
    death = b.at_age(85.4)
    start = int(death - days * DAY)
    _hospice(b, start, days, plan)
    stop = int(start + statin_stops_after * DAY) if statin_stops_after is not None else None
    med(b, ATORVASTATIN_80, b.at_age(70), stop=stop)
    return b.record()


def test_a_statin_going_on_in_a_long_hospice_stay_breaks_it() -> None:
    result = breaks(STATIN_RULE, [_in_hospice(60, None)])
    assert "atorvastatin 80 MG Oral Tablet still taken 30 days after hospice enrolment" in result.examples[0][1][0]
    breaks(STATIN_RULE, [_in_hospice(60, 45)])  # stopped 45 days in: too late
    breaks(STATIN_RULE, [_in_hospice(60, None, plan=False)])  # a hospice encounter with no care plan counts too


def test_a_statin_stopped_at_enrolment_or_a_short_stay_keeps_it() -> None:
    passes(STATIN_RULE, [_in_hospice(60, 0)])
    passes(STATIN_RULE, [_in_hospice(60, 10)])
    assert run(STATIN_RULE, [_in_hospice(12, None)]).denominator == 0  # 12 days in hospice: nothing to judge
    b = RecordBuilder(birth=dt.date(1930, 1, 1), death=dt.date(2015, 6, 1))  # never in hospice
    med(b, ATORVASTATIN_80, b.at_age(70))
    assert run(STATIN_RULE, [b.record()]).denominator == 0


def _screened(after_days: float, what: str = AUDIT_C) -> dict[str, Any]:
    b = RecordBuilder(birth=dt.date(1930, 1, 1), death=dt.date(2015, 6, 1))
    start = b.at_age(85.0)
    _hospice(b, start, 100)
    b.procedure(what, int(start + after_days * DAY))
    return b.record()


def test_screening_after_hospice_enrolment_breaks_it() -> None:
    result = breaks(HOSPICE_RULE, [_screened(20)])
    assert "1 screening entries after comfort care" in result.examples[0][1][0]
    breaks(HOSPICE_RULE, [_screened(20, DENTAL_SCALING)])
    passes(HOSPICE_RULE, [_screened(-200), _screened(-1, DENTAL_SCALING)])  # before the enrolment
    passes(HOSPICE_RULE, [_screened(150)])  # after a live discharge from hospice (100 days; Synthea's hospice module)


def _demented(mmse: float, audit_after: bool, dementia: bool = True, what: str = AUDIT_C) -> dict[str, Any]:
    b = RecordBuilder(birth=dt.date(1925, 1, 1), death=dt.date(2016, 6, 1))
    t = b.at_age(88.0)
    if dementia:
        b.condition("26929004", b.at_age(84), display="Alzheimer's disease (disorder)")
    b.observation("72106-8", t, mmse, unit="{score}", category="survey")
    b.procedure(what, int(t + (200 if audit_after else -200) * DAY))
    return b.record()


def test_audit_c_in_severe_dementia_breaks_it() -> None:
    breaks(DEMENTIA_RULE, [_demented(3, True)])
    passes(DEMENTIA_RULE, [_demented(3, False)])  # screened before the dementia was severe
    assert run(DEMENTIA_RULE, [_demented(15, True)]).denominator == 0  # moderate dementia: not judged
    assert run(DEMENTIA_RULE, [_demented(3, True, dementia=False)]).denominator == 0  # no dementia recorded
    passes(DEMENTIA_RULE, [_demented(3, True, what=DENTAL_SCALING)])  # oral care of a resident is not judged here


def test_a_depression_questionnaire_in_severe_dementia_breaks_it() -> None:
    """s16old: PHQ-2 charted after an MMSE of 3-5 (a self-report questionnaire)."""
    breaks(DEMENTIA_RULE, [_demented(4, True, what=DEPRESSION_SCREENING)])
    rec = _demented(4, False, what=DEPRESSION_SCREENING)
    b = RecordBuilder(birth=dt.date(1925, 1, 1))
    b.observation("55758-7", b.at_age(88.5), 1, unit="{score}", category="survey")  # PHQ-2 half a year after
    rec["observations"] += b.record()["observations"]
    breaks(DEMENTIA_RULE, [rec])
    passes(DEMENTIA_RULE, [_demented(4, False, what=DEPRESSION_SCREENING)])  # before the MMSE fell below 10


def _hctz(drug: tuple[str, str], amount: float = 1.0) -> dict[str, Any]:
    b = RecordBuilder(birth=dt.date(1940, 1, 1))
    dosage = {"amount": amount, "frequency": 1, "period": 1, "unit": "days", "dose_unit": "{tablet}"}
    med(b, drug, b.at_age(70), dosage=dosage)
    return b.record()


def test_hydrochlorothiazide_above_25_mg_a_day_breaks_it() -> None:
    result = breaks(HCTZ_RULE, [_hctz(HCTZ_50)])
    assert "50 mg/day > 25" in result.examples[0][1][0]
    breaks(HCTZ_RULE, [_hctz(HCTZ_25, 2.0)])  # two 25 mg tablets
    passes(HCTZ_RULE, [_hctz(HCTZ_25)])  # (the capitalised display as the modules emit it is read)
    assert run(HCTZ_RULE, [_hctz(HCTZ_25)]).denominator == 1


CODE_STATUS_RULE = "death.hospice_code_status"


def test_a_hospice_admission_without_a_resuscitation_status_breaks_it() -> None:
    b = RecordBuilder(birth=dt.date(1930, 1, 1), death=dt.date(2015, 6, 1))
    start = b.at_age(85.0)
    _hospice(b, start, 30)
    breaks(CODE_STATUS_RULE, [b.record()])
    enc = b.lists["encounters"][0]
    dnr = code("304253006", display="Not for resuscitation (finding)")
    b.observation("304251008", start, dnr, unit="", enc=enc, category="survey")
    b.lists["observations"][-1]["codes"] = [code("304251008")]  # a SNOMED CT observable, not LOINC
    passes(CODE_STATUS_RULE, [b.record()])


DIRECTIVE_RULE = "death.code_status_after_directive"


def _status(b: RecordBuilder, enc: dict[str, Any], value: str) -> None:
    b.observation("304251008", enc["start"], code(value), unit="", enc=enc, category="survey")
    b.lists["observations"][-1]["codes"] = [code("304251008")]


def _admitted_after(directive: str) -> tuple[RecordBuilder, dict[str, Any]]:
    """A hospice DNR order (or advance care planning at a visit) at 84, then a hospital admission at 85."""
    b = RecordBuilder(birth=dt.date(1930, 1, 1), death=dt.date(2015, 6, 1))
    first = b.encounter(b.at_age(84.0), hours=24 * 10, cls="hospice" if directive == "dnr" else "ambulatory")
    if directive == "dnr":
        _status(b, first, "304253006")
    else:
        b.procedure("713603004", first["start"], enc=first)
    b.encounter(b.at_age(83.0), hours=48, cls="inpatient")  # before any directive: not judged
    return b, b.encounter(b.at_age(85.0), hours=72, cls="inpatient")


def test_an_admission_after_a_dnr_order_or_advance_care_planning_without_a_code_status_breaks_it() -> None:
    for directive in ("dnr", "planning"):
        b, later = _admitted_after(directive)
        result = breaks(DIRECTIVE_RULE, [b.record()])
        assert "inpatient admission" in result.examples[0][1][0]
        _status(b, later, "304253006")
        passes(DIRECTIVE_RULE, [b.record()])
        judged = 2 if directive == "dnr" else 1  # the hospice admission with the order, then the hospital stay
        assert run(DIRECTIVE_RULE, [b.record()]).denominator == judged


def test_admissions_with_no_directive_or_only_full_resuscitation_are_not_judged() -> None:
    b = RecordBuilder(birth=dt.date(1930, 1, 1), death=dt.date(2015, 6, 1))
    first = b.encounter(b.at_age(84.0), hours=48, cls="inpatient")
    _status(b, first, "304252001")  # For resuscitation: no directive
    b.encounter(b.at_age(85.0), hours=72, cls="inpatient")
    assert run(DIRECTIVE_RULE, [b.record()]).denominator == 0
