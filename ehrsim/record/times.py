"""Record times are int seconds since the Unix epoch (UTC); these helpers format them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
DAY = 86_400
YEAR_DAYS = 365.25


def to_datetime(t: float) -> dt.datetime:
    """The aware UTC datetime of a record time."""
    return EPOCH + dt.timedelta(seconds=t)


def iso(t: float) -> str:
    """``2019-03-04T10:15:00Z``: the instant form FHIR and Synthea CSV use."""
    return (EPOCH + dt.timedelta(seconds=int(t))).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_local(t: float, zone: ZoneInfo | None) -> str:
    """``2019-03-04T05:15:00-05:00``: local time with its UTC offset (FHIR dateTime); UTC ``Z`` without a zone."""
    if zone is None:
        return iso(t)
    return dt.datetime.fromtimestamp(int(t), zone).isoformat()


def day(t: float) -> str:
    """``2019-03-04``: the date form (birth dates, condition onsets in CSV)."""
    return (EPOCH + dt.timedelta(seconds=int(t))).strftime("%Y-%m-%d")


def local_date(t: float, zone: ZoneInfo) -> dt.date:
    """The calendar date of a record time in ``zone``: a birth date is the civil date where the patient was born."""
    return dt.datetime.fromtimestamp(int(t), zone).date()


def from_date(d: dt.date) -> int:
    """Record time of midnight UTC at the start of a date."""
    return int((dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC) - EPOCH).total_seconds())


def to_date(t: float) -> dt.date:
    """The UTC calendar date of a record time."""
    return (EPOCH + dt.timedelta(seconds=int(t))).date()
