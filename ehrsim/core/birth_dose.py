"""The hepatitis B birth dose: dose 1 in the birth hospital, for the share of newborns who got it then.

ACIP recommended universal infant hepatitis B vaccination in 1991 (dose 1 at birth before discharge
or at 1-2 months), preferred the birth dose from 2002, made it the rule for medically stable
newborns in December 2005 and asked for it within 24 hours in 2018. How many newborns actually got
it is measured by the National Immunization Survey by birth cohort
(terminology/immunizations/hepb_birth_dose.csv, interpolated linearly between cohorts). Newborns
without a birth dose get dose 1 at their first well visit from the routine schedule.

The dose is given in the newborn's birth stay (``engine.birth``, ``core.birth_stay``), a hospital admission for a
liveborn born in hospital, not in a visit coded as a vaccine administration (the s7review chart review found 49
newborns whose birth stay was a "vaccine admission"); a newborn born outside hospital gets dose 1 at a well visit.
"""

from __future__ import annotations

import datetime as dt
import itertools
from functools import cache

import numpy as np

from ehrsim.core import birth_stay, immunizations
from ehrsim.core.tables import rows
from ehrsim.core.vaccine_plan import Shot
from ehrsim.record.times import from_date

__all__ = ["SERIES", "birth_dose", "coverage", "deferred_until"]

SERIES = "hepb"
HOUR = 3600
#: given between 1 and 24 hours of life (ACIP 2018: within 24 hours of birth)
EARLIEST, LATEST = 1 * HOUR, 24 * HOUR


@cache
def _anchors() -> tuple[tuple[int, float], ...]:
    table = rows("immunizations/hepb_birth_dose.csv")
    return tuple(sorted((from_date(dt.date.fromisoformat(r["birth_date"])), float(r["share"])) for r in table))


def coverage(birth: int) -> float:
    """Share of newborns born at ``birth`` given the birth dose (flat outside the surveyed cohorts)."""
    anchors = _anchors()
    if birth <= anchors[0][0]:
        return anchors[0][1]
    for (t0, s0), (t1, s1) in itertools.pairwise(anchors):
        if birth <= t1:
            return s0 + (s1 - s0) * (birth - t0) / (t1 - t0)
    return anchors[-1][1]


def birth_dose(rng: np.random.Generator, birth: int) -> Shot | None:
    """The birth dose of hepatitis B vaccine, or None (not yet recommended, or not given to this newborn).

    Always draws two numbers, whatever the outcome.
    """
    given, hours = rng.random(), rng.uniform(EARLIEST, LATEST)
    dose = next((d for d in immunizations.schedule()[SERIES] if d.number == 1 and d.in_force(birth)), None)
    if dose is None or given >= coverage(birth):
        return None
    return Shot(birth + int(hours), SERIES, dose.cvx, dose.display, enc_class="inpatient")


def deferred_until(birth_weight_kg: float | None, birth: int, t: float, discharge: float) -> float | None:
    """When the birth dose of a newborn under 2,000 g is given instead of ``t`` (None: given at ``t``): at 1 month
    of age or at the discharge, whichever comes first (ACIP 2018; perinatal/birth_stay.csv). The s18young chart
    review found it given within hours of birth to newborns of 0.94 and 1.48 kg."""
    limits = birth_stay.settings()
    month = birth + limits["hepb_small_newborn_dose_days"] * 86400.0
    if birth_weight_kg is None or birth_weight_kg >= limits["hepb_birth_dose_min_kg"] or t >= min(month, discharge):
        return None
    return min(month, discharge)
