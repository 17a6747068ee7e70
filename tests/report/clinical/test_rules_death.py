"""The cause of death told by the record (death.cause_in_record), on hand-made records."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.report.clinical.helpers import DAY, breaks, passes, run
from tests.report.records import RecordBuilder, code

RULE = "death.cause_in_record"
SEPSIS = ("91302008", "Sepsis (disorder)")
CAD = ("53741008", "Coronary arteriosclerosis (disorder)")
MALFORMATION = ("276654001", "Congenital malformation (disorder)")
CIRRHOSIS = ("19943007", "Cirrhosis of liver (disorder)")
SUICIDE = ("44301001", "Suicide (event)")


def _died(cause: tuple[str, str], age: float, born: dt.date = dt.date(1960, 1, 1), **kw: Any) -> dict[str, Any]:
    """A death of ``cause`` at ``age``; ``kw``: recorded (years before death, None: at death), stay (days before)."""
    b = RecordBuilder(birth=born, death=int(RecordBuilder(birth=born).at_age(age)))
    t = b.at_age(age)
    if "recorded" in kw:
        years = kw["recorded"]
        b.condition(cause[0], t - int((years or 0) * 365 * DAY), display=cause[1])
    if "stay" in kw:
        b.encounter(t - int(kw["stay"] * DAY), hours=min(kw["stay"], 3) * 24, cls="inpatient")  # up to 3 days
    rec = b.record()
    rec["death"]["codes"] = [code(cause[0], display=cause[1])]
    return rec


def test_a_disease_never_recorded_or_first_recorded_at_death_breaks_it() -> None:
    result = breaks(RULE, [_died(CIRRHOSIS, 47.7)])
    assert "Cirrhosis of liver (disorder) certified at 47.7: never recorded" in result.examples[0][1][0]
    result = breaks(RULE, [_died(CIRRHOSIS, 47.7, recorded=None)])
    assert "first recorded at death" in result.examples[0][1][0]
    breaks(RULE, [_died(MALFORMATION, 0.6, born=dt.date(1986, 1, 1), recorded=None)])  # an infant's malformation


def test_a_chronic_disease_recorded_before_and_a_sudden_cause_at_death_keep_it() -> None:
    passes(RULE, [_died(CIRRHOSIS, 60, recorded=6)])
    passes(RULE, [_died(MALFORMATION, 0.6, born=dt.date(1986, 1, 1), recorded=0.6)])  # known from birth
    passes(RULE, [_died(CAD, 52, recorded=None)])  # sudden coronary death as the first manifestation
    breaks(RULE, [_died(CAD, 52)])  # ... but the record must carry it
    suicide = _died(SUICIDE, 30)
    assert run(RULE, [suicide]).denominator == 0  # an event: the certificate records it


def test_a_fatal_acute_illness_needs_a_stay_around_the_death() -> None:
    result = breaks(RULE, [_died(SEPSIS, 21.6, recorded=0.01)])  # sepsis recorded 4 days before, never admitted
    assert "no stay or emergency visit in the 30 days before death" in result.examples[0][1][0]
    passes(RULE, [_died(SEPSIS, 50, recorded=0.01, stay=3)])
    breaks(RULE, [_died(SEPSIS, 50, recorded=0.5, stay=90)])  # a stay three months earlier is not the fatal episode
