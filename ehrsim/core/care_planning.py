"""Advance care planning before an expected death: how often the chart documents it, by era.

A physician reading the chart of someone who died of dementia, metastatic cancer or end-stage heart failure, COPD,
kidney or liver disease expects to find the goals-of-care conversation: since the Patient Self-Determination Act
(effective December 1991) hospitals, nursing facilities and hospices ask every admitted adult about advance
directives and record them, and by 2010 72 % of older decedents had one (Silveira 2014). The share by year
(``deaths/advance_care_planning.csv``, interpolated between its rows, 0 before the first) is data with its
sources; the engine (``engine/end_of_life.care_planning``) records the procedure.
"""

from __future__ import annotations

import datetime as dt
import itertools
from functools import cache

from ehrsim.core.tables import rows
from ehrsim.errors import ConfigError

__all__ = ["ADVANCE_CARE_PLANNING", "share"]

#: SNOMED CT 713603004 (terminology/codes/core.csv)
ADVANCE_CARE_PLANNING = ("SNOMED-CT", "713603004")


def _year_start(year: int) -> float:
    return dt.datetime(year, 1, 1, tzinfo=dt.UTC).timestamp()


@cache
def _anchors() -> tuple[tuple[float, float], ...]:
    """(time, share) of each row, in time order."""
    out = []
    for r in rows("deaths/advance_care_planning.csv"):
        value = float(r["share"])
        if not 0.0 <= value <= 1.0:
            raise ConfigError(f"deaths/advance_care_planning.csv: share {value} of {r['year']} is not in [0, 1]")
        out.append((_year_start(int(r["year"])), value))
    if [t for t, _ in out] != sorted(t for t, _ in out):
        raise ConfigError("deaths/advance_care_planning.csv: years are not in order")
    return tuple(out)


def share(t: float) -> float:
    """The share of expected deaths at ``t`` (seconds) with advance care planning in the chart: 0 before the first
    row, linear between rows, the last row's share after it."""
    anchors = _anchors()
    if not anchors or t < anchors[0][0]:
        return 0.0
    for (t0, s0), (t1, s1) in itertools.pairwise(anchors):
        if t < t1:
            return s0 + (s1 - s0) * (t - t0) / (t1 - t0)
    return anchors[-1][1]
