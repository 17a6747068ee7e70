"""Fast, cached formatting of record times (same output as ``ehrsim.record.times``).

Rendering formats hundreds of times per patient; ``strftime`` on a fresh datetime dominated the
profile, so the calendar date is cached per day number and the clock part is plain arithmetic.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

DAY = 86_400
_EPOCH_DATE = dt.date(1970, 1, 1)


@lru_cache(maxsize=4_096)  # recent days (a patient's visits); bounded small: a worker lives for the whole run
def _day_text(day_number: int) -> str:
    return (_EPOCH_DATE + dt.timedelta(days=day_number)).isoformat()


def day(t: int | float) -> str:
    """``2019-03-04`` (UTC)."""
    return _day_text(int(t) // DAY)


def _clock(t: int) -> str:
    s = t % DAY
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def iso(t: int | float) -> str:
    """``2019-03-04T10:15:00Z``."""
    t = int(t)
    return f"{_day_text(t // DAY)}T{_clock(t)}Z"


def sql_datetime(t: int | float) -> str:
    """``2019-03-04 10:15:00``: the datetime form DuckDB and PostgreSQL both read."""
    t = int(t)
    return f"{_day_text(t // DAY)} {_clock(t)}"
