"""When wellness visits happen (terminology/wellness_schedule.csv) and how they are coded.

The schedule lists age bands with an interval; visits fall at the band start and every interval
after it, so the visit ages are fixed by the birth date alone (AAP Bright Futures for the first
3 years, Synthea's intervals after). Anyone on chronic medication is also seen on every birthday.
"""

from __future__ import annotations

import bisect
from functools import cache

from ehrsim.core.codes import GENERAL_EXAM, WELL_CHILD_VISIT, code
from ehrsim.core.tables import rows

SECONDS_PER_YEAR = 365.25 * 86_400
SECONDS_PER_MONTH = SECONDS_PER_YEAR / 12
ADULT_AGE = 18.0


@cache
def visit_offsets() -> tuple[int, ...]:
    """Seconds after birth of every scheduled wellness visit, ascending."""
    offsets: set[int] = set()
    for r in rows("wellness_schedule.csv"):
        start, stop, step = float(r["from_months"]), float(r["to_months"]), float(r["interval_months"])
        k = 0
        while start + k * step < stop:
            offsets.add(round((start + k * step) * SECONDS_PER_MONTH))
            k += 1
    return tuple(sorted(offsets))


def next_visit_time(birth_time: int, now: int, chronic_meds: bool) -> int:
    """The next scheduled wellness visit strictly after ``now``."""
    age = now - birth_time
    offsets = visit_offsets()
    i = bisect.bisect_right(offsets, age)
    scheduled = birth_time + offsets[i] if i < len(offsets) else now + round(SECONDS_PER_YEAR)
    if chronic_meds:
        years = int(age // SECONDS_PER_YEAR) + 1
        birthday = birth_time + round(years * SECONDS_PER_YEAR)
        if birthday <= now:
            birthday += round(SECONDS_PER_YEAR)
        scheduled = min(scheduled, birthday)
    return int(scheduled)


def wellness_code(age_years: float) -> dict[str, str]:
    """Well child visit under 18, general examination from 18 (Synthea's codes)."""
    return code(*(WELL_CHILD_VISIT if age_years < ADULT_AGE else GENERAL_EXAM))
