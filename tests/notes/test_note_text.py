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
