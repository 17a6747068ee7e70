"""Infant deaths timed by cause (death.prematurity_postneonatal, death.infant_neonatal_share), hand-made records."""

from __future__ import annotations

from tests.report.clinical.helpers import DAY, breaks, passes, run
from tests.report.records import REFERENCE, YEAR, RecordBuilder

PREMATURITY = "367494004"
MALFORMATION = "276654001"
UNKNOWN = "9855000"


def _infant(days: float, cause: str, index: int = 0) -> dict:
    birth = REFERENCE - 3 * int(YEAR)
    return RecordBuilder(index, birth=birth, death=birth + int(days * DAY), death_code=cause).record()


def test_prematurity_kills_in_the_neonatal_period() -> None:
    thriving = _infant(186, PREMATURITY)  # the chart review's 6-month-old
    result = breaks("death.prematurity_postneonatal", [thriving, _infant(120, UNKNOWN, 1)])
    assert "died at 0.5" in result.examples[0][1][0]
    early = [_infant(2, PREMATURITY, i) for i in range(5)]  # neonatal: not in the denominator
    later = [_infant(60 + i, UNKNOWN, 10 + i) for i in range(12)] + [_infant(200, MALFORMATION, 30)]
    passes("death.prematurity_postneonatal", early + later)
    passes("death.prematurity_postneonatal", [*later, _infant(90, PREMATURITY, 40)])  # 1 of 14: rare


def test_neonatal_share_of_infant_deaths() -> None:
    uniform = [_infant(365 * (i + 0.5) / 10, UNKNOWN, i) for i in range(10)]  # spread over the year: 1 of 10
    breaks("death.infant_neonatal_share", uniform)
    by_cause = [_infant(0.3, PREMATURITY, i) for i in range(4)] + [_infant(12, MALFORMATION, 5)]
    by_cause += [_infant(70, UNKNOWN, 6), _infant(150, UNKNOWN, 7)]
    passes("death.infant_neonatal_share", [*by_cause, _infant(3 * 365, UNKNOWN, 9)])  # 5 of 7; a 3-year-old aside
    all_neonatal = [_infant(1, PREMATURITY, i) for i in range(8)]
    breaks("death.infant_neonatal_share", all_neonatal)


def test_neonatal_share_needs_enough_deaths() -> None:
    result = run("death.infant_neonatal_share", [_infant(200, UNKNOWN, i) for i in range(3)])
    assert result.measure is None and result.status == "n/a"
