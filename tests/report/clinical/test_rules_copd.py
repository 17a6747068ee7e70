"""COPD with frequent exacerbations gets a maintenance bronchodilator (care.copd_exacerbations_maintenance)."""

from __future__ import annotations

import datetime as dt

from tests.report.clinical.helpers import DAY, breaks, med, passes, run
from tests.report.records import RecordBuilder

RULE = "care.copd_exacerbations_maintenance"
EXACERBATION = "Acute exacerbation of chronic obstructive airways disease (disorder)"
ALBUTEROL = ("745679", "200 ACTUAT albuterol 0.09 MG/ACTUAT Metered Dose Inhaler")
IPRATROPIUM = ("836343", "200 ACTUAT ipratropium bromide 0.017 MG/ACTUAT Metered Dose Inhaler")
TIOTROPIUM = ("485032", "tiotropium 0.018 MG Inhalation Powder")
FLUTICASONE = ("895994", "120 ACTUAT fluticasone propionate 0.044 MG/ACTUAT Metered Dose Inhaler")


def _exacerbations(b: RecordBuilder, *starts: int) -> None:
    for t in starts:
        b.condition("195951007", t, stop=t + 21 * DAY, display=EXACERBATION)


def test_two_exacerbations_in_a_year_on_albuterol_or_an_inhaled_steroid_alone_break() -> None:
    b = RecordBuilder()
    t = b.at_age(35)  # 1995
    med(b, ALBUTEROL, t - 400 * DAY, None)
    med(b, FLUTICASONE, t - 400 * DAY, None)  # an inhaled corticosteroid is not a bronchodilator
    _exacerbations(b, t, t + 200 * DAY, t + 300 * DAY)
    breaks(RULE, [b.record()])
    result = run(RULE, [b.record()])
    assert (result.patients, result.patients_breaking, result.events) == (1, 1, 1)  # once, at the second one
    assert "to 1995-12-18" in result.examples[0][1][0]  # the second exacerbation


def test_a_maintenance_bronchodilator_within_90_days_or_already_taken_passes() -> None:
    started = RecordBuilder(0)
    t = started.at_age(35)
    _exacerbations(started, t, t + 200 * DAY)
    med(started, IPRATROPIUM, t + 260 * DAY, None)  # 60 days after the second
    taking = RecordBuilder(1)
    med(taking, TIOTROPIUM, t - 30 * DAY, t + 330 * DAY)
    _exacerbations(taking, t, t + 200 * DAY)
    result = passes(RULE, [started.record(), taking.record()])
    assert result.patients == 2


def test_late_treatment_breaks_and_what_is_not_judged() -> None:
    late = RecordBuilder(0)
    t = late.at_age(35)
    _exacerbations(late, t, t + 200 * DAY)
    med(late, IPRATROPIUM, t + 300 * DAY, None)  # 100 days after the second: the yearly review, too late
    assert run(RULE, [late.record()]).patients_breaking == 1
    apart = RecordBuilder(1)
    _exacerbations(apart, t, t + 400 * DAY)  # more than a year apart
    early = RecordBuilder(2, birth=dt.date(1920, 1, 1))
    _exacerbations(early, early.at_age(60), early.at_age(60) + 100 * DAY)  # 1980: before ipratropium (1986)
    dying = RecordBuilder(3, death=dt.date(1996, 3, 1))
    d0 = dying.at_age(35)
    _exacerbations(dying, d0, d0 + 200 * DAY)  # dies within the 90 days: not judged
    assert run(RULE, [apart.record(), early.record(), dying.record()]).patients == 0
