"""Rules from the s15kids chart review (ages 0-40) on hand-made records (known truth)."""

from __future__ import annotations

import datetime as dt

from tests.report.clinical.helpers import breaks, local, passes
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
