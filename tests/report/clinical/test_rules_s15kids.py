"""Rules from the s15kids chart review (ages 0-40) on hand-made records (known truth)."""

from __future__ import annotations

import datetime as dt

from tests.report.clinical.helpers import DAY, breaks, local, med, passes
from tests.report.records import RecordBuilder


def _stay(end_hour: int, *, dies: bool = False, in_progress: bool = False, cls: str = "inpatient") -> dict:
    """A two-night stay from 10:00 on a Tuesday, ending at ``end_hour`` local time on the Thursday."""
    start = local(dt.date(2019, 3, 5), 10)
    stop = local(dt.date(2019, 3, 7), end_hour)
    b = RecordBuilder(death=stop if dies else None)
    enc = b.encounter(start, hours=(stop - start) / 3600, cls=cls)
    if in_progress:
        enc["in_progress"] = True
    return b.record()


def test_discharge_hours() -> None:
    result = breaks("time.discharge_hours", [_stay(3)])  # sent home at 03:00
    assert "discharged Thu 2019-03-07 03:00 local" in result.examples[0][1][0]
    breaks("time.discharge_hours", [_stay(22)])
    passes("time.discharge_hours", [_stay(15), _stay(8), _stay(20)])
    # a death in the night is not a discharge; a stay cut by the reference date is not either
    judged = passes("time.discharge_hours", [_stay(15), _stay(3, dies=True), _stay(2, in_progress=True)])
    assert judged.events == 1
    # emergency visits end at any hour: not judged
    assert passes("time.discharge_hours", [_stay(15), _stay(3, cls="emergency")]).events == 1


FLUOXETINE = ("310385", "fluoxetine 20 MG Oral Capsule")


def _screen(score: float, *, after: str | None = None, in_episode: bool = False) -> dict:
    """A 14-year-old's well-visit PHQ-9 in April 2024, after an episode (diagnosed 2023, in remission by November
    2023 unless ``in_episode``) treated with fluoxetine that runs through continuation and is renewed at the visit.
    ``after``: what follows the score (``dx`` a new episode, ``cbt`` therapy, ``switch`` a new antidepressant)."""
    b = RecordBuilder(birth=dt.date(2010, 4, 24))
    onset, remit = local(dt.date(2023, 7, 31), 13), local(dt.date(2023, 11, 3), 9)
    b.condition("36923009", onset, stop=None if in_episode else remit)
    visit = b.encounter(local(dt.date(2024, 4, 29), 14), cls="wellness")
    t = visit["start"]
    med(b, FLUOXETINE, onset, stop=t)
    med(b, FLUOXETINE, t, stop=t + 100 * DAY)  # the visit renews the running drug: not a response
    b.observation("44261-6", t + 600, score, unit="{score}", enc=visit, category="survey")
    if after == "dx":
        b.condition("66344007", t + 20 * DAY)
    elif after == "cbt":
        b.procedure("228557008", t + 30 * DAY)
    elif after == "switch":
        med(b, ("596926", "duloxetine 20 MG Delayed Release Oral Capsule"), t + 10 * DAY)
    return b.record()


def test_positive_screen_outside_an_episode_is_evaluated() -> None:
    rule = "care.phq9_positive_screen_evaluated"
    result = breaks(rule, [_screen(21)])  # in remission, PHQ-9 21 at a well visit, only the renewal follows
    assert "score 21" in result.examples[0][1][0]
    passes(rule, [_screen(21, after="dx"), _screen(14, after="cbt"), _screen(12, after="switch"), _screen(4)])
    # scored while the episode is in care: the depression module's own follow-up, not judged
    assert passes(rule, [_screen(18, in_episode=True), _screen(21, after="dx")]).events == 1


def _sick_visit(cls: str = "urgentcare", *, reason: bool, diagnosed: bool = True) -> dict:
    b = RecordBuilder()
    enc = b.encounter(local(dt.date(2019, 3, 5), 11), cls=cls)
    if reason:
        enc["reason"] = [{"system": "SNOMED-CT", "code": "195662009", "display": "Acute viral pharyngitis (disorder)"}]
    if diagnosed:
        b.condition("195662009", enc["start"], stop=enc["start"] + 7 * DAY, enc=enc)
    return b.record()


def test_visit_diagnosis_as_reason() -> None:
    rule = "rec.visit_diagnosis_as_reason"
    result = breaks(rule, [_sick_visit(reason=False)])  # pharyngitis diagnosed at urgent care, no reason
    assert "urgentcare encounter" in result.examples[0][1][0]
    breaks(rule, [_sick_visit("emergency", reason=False)])
    judged = passes(rule, [_sick_visit(reason=True), _sick_visit(reason=False, diagnosed=False)])
    assert judged.events == 1  # a visit that diagnoses nothing is not judged
    assert passes(rule, [_sick_visit(reason=True), _sick_visit("wellness", reason=False)]).events == 1
