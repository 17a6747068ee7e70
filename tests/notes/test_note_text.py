"""Note wording a clinician reads first: local dates, ages as clinicians state them, a death note that is no visit."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from ehrsim.notes import build_notes
from ehrsim.notes.build import age_phrase
from tests.report.records import RecordBuilder, code

BOSTON = zoneinfo.ZoneInfo("America/New_York")
DAY = 86_400


def test_age_phrase() -> None:
    assert age_phrase(6 * DAY) == "6-day-old"
    assert age_phrase(57 * DAY) == "8-week-old"
    assert age_phrase(300 * DAY) == "9-month-old"
    assert age_phrase(45.5 * 365.25 * DAY) == "45-year-old"


def test_death_certification_note_is_local_dated_and_no_follow_up_visit() -> None:
    birth = int(dt.datetime(1969, 9, 9, 23, 13, tzinfo=BOSTON).timestamp())
    b = RecordBuilder(gender="M", birth=birth)
    t = int(dt.datetime(1969, 11, 5, 23, 54, tzinfo=BOSTON).timestamp())  # 04:54 UTC on 6 November
    enc = b.encounter(t, hours=0)
    enc["codes"] = [code("308646001", display="Death Certification (procedure)")]
    enc["reason"] = [code("367494004", display="Premature birth of newborn (finding)")]
    (note,) = build_notes(b.record())
    text = note["text"]
    assert note["title"] == "Death certification note"
    assert "Date: 1969-11-05" in text  # the local date, not the UTC one
    assert "8-week-old male" in text and "0-year-old" not in text
    assert "seen for" not in text and "follow-up" not in text
    assert "- Premature birth of newborn (finding)" in text


def test_a_discharge_summary_lists_the_medications_the_patient_leaves_with() -> None:
    """s10review chart review: 115 of 465 discharge summaries read 'MEDICATIONS None recorded' while the plan
    prescribed drugs. The summary now lists the medications on admission and the reconciled discharge list
    (Joint Commission NPSG.03.06.01): a prescription started in the stay and a home drug still running, not a
    one-off given on the ward."""
    b = RecordBuilder(gender="F", birth=dt.date(1990, 1, 1))
    home = b.medication("314076", b.at_age(30), [], display="lisinopril 10 MG Oral Tablet")
    stay = b.encounter(b.at_age(35), hours=39, cls="inpatient")
    b.medication("198440", stay["start"] + 3600, [], enc=stay, display="acetaminophen 500 MG Oral Tablet")
    b.medication(
        "1665060",
        stay["start"] + 600,
        [],
        enc=stay,
        stop=stay["start"] + 1200,
        administered=True,
        display="cefazolin 2000 MG Injection",
    )
    assert home["stop"] is None
    (note,) = [n for n in build_notes(b.record()) if n["title"] == "Hospital discharge summary"]
    text = note["text"]
    admission = text.split("MEDICATIONS ON ADMISSION\n")[1].split("\n\n")[0]
    discharge = text.split("DISCHARGE MEDICATIONS\n")[1].split("\n\n")[0]
    assert admission == "- lisinopril 10 MG Oral Tablet"
    assert "- acetaminophen 500 MG Oral Tablet  --  new" in discharge and "lisinopril" in discharge
    assert "cefazolin" not in discharge


def test_a_visit_with_only_an_imaging_report_does_not_say_it_has_no_results() -> None:
    """s13review chart review: 619 notes read "No results at this visit." and then listed a chest X-ray's
    conclusion. The empty line is for a visit with neither a result nor a report."""
    b = RecordBuilder(gender="F", birth=dt.date(2020, 1, 1))
    xray = b.encounter(b.at_age(2), cls="emergency")
    b._entry(
        "reports",
        encounter=xray["id"],
        time=xray["start"],
        codes=[code("399208008", display="Plain X-ray of chest (procedure)")],
        observations=[],
        conclusion="Airspace consolidation consistent with community-acquired pneumonia.",
    )
    b.encounter(b.at_age(3), cls="ambulatory")  # nothing measured
    first, second = build_notes(b.record())
    results = first["text"].split("RESULTS\n")[1].split("\n\n")[0]
    conclusion = "Airspace consolidation consistent with community-acquired pneumonia."
    assert results == f"- Plain X-ray of chest (procedure)  --  {conclusion}"
    assert "No results at this visit." in second["text"]


def test_a_newborn_discharge_summary_states_the_age_on_its_date() -> None:
    """s14review chart review: the birth stay's discharge summary dated day 2 read 'Patient: 0-day-old female'."""
    b = RecordBuilder(gender="F", birth=dt.date(2024, 11, 20))
    b.encounter(b.birth, hours=48, cls="inpatient")
    (note,) = [n for n in build_notes(b.record()) if n["title"] == "Hospital discharge summary"]
    assert "Patient: 2-day-old female" in note["text"]
