"""Blood pressure after the birth: persistent postpartum hypertension is treated (a function of the ``Pharmacy``).

ACOG Practice Bulletin 222 (2020) treats postpartum hypertension at >= 150/100 mm Hg on two occasions at least
4-6 hours apart, and Committee Opinion 767 (2019) any confirmed severe-range reading (>= 160/110), in the weeks
after the birth as in pregnancy (``prescribing/postpartum_bp.csv``). The pregnancy rules stop at the birth, so
a woman with a hypertensive disorder of pregnancy read 150/100 and more at her postpartum check and nothing was
started (s17mom). Within 6 weeks of the pregnancy's end (ACOG Committee Opinion 736: the postpartum period), with
a hypertensive disorder of pregnancy active (a coded row of pregnancy_bp_start.csv) and no blood-pressure drug
running, such a reading starts the pregnancy first-line drug (labetalol; methyldopa before it) for the disorder,
until 6 weeks after the birth. No random draw.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from ehrsim.core.tables import rows
from ehrsim.errors import ConfigError
from ehrsim.prescribing import pregnancy

if TYPE_CHECKING:
    from ehrsim.prescribing.pharmacy import Pharmacy

HOUR = 3600.0
POSTPARTUM_S = 6 * 7 * 86400.0  # ACOG Committee Opinion 736: the 6 weeks after the birth
APART = 4 * HOUR  # ACOG PB 222: two occasions at least 4-6 hours apart
BP_PANEL = "85354-9"
RULE = "postpartum_first_line"


@cache
def levels() -> dict[str, tuple[float, float]]:
    """``persistent`` and ``severe``: (systolic, diastolic) at or above which treatment starts."""
    try:
        out = {
            r["level"]: (float(r["systolic_at_or_above"]), float(r["diastolic_at_or_above"]))
            for r in rows("prescribing/postpartum_bp.csv")
        }
    except ValueError as exc:
        raise ConfigError(f"prescribing/postpartum_bp.csv: {exc}") from exc
    if set(out) != {"persistent", "severe"}:
        raise ConfigError("prescribing/postpartum_bp.csv: needs the rows persistent and severe")
    return out


def _at(bp: tuple[float, float], limit: tuple[float, float]) -> bool:
    return bp[0] >= limit[0] or bp[1] >= limit[1]


def _earlier(ph: Pharmacy, entry: dict[str, Any], since: float) -> tuple[float, float] | None:
    """The latest blood-pressure panel recorded after ``since`` and at least 4 hours before ``entry``."""
    t = float(entry["time"])
    for obs in reversed(ph.sim.rec.lists["observations"]):
        if obs["time"] < since:
            return None
        if obs["codes"][0]["code"] == BP_PANEL and obs["time"] <= t - APART:
            return pregnancy.reading_of(obs)
    return None


def start_postpartum(ph: Pharmacy, entry: dict[str, Any], t: float) -> bool:
    """A raised reading in the 6 weeks after a pregnancy with a hypertensive disorder: a severe-range one, or a second
    one >= 150/100 at least 4 hours after another, starts the first-line drug. True when one started."""
    end = ph.sim.physiology.pregnancy_end
    if end is None or not 0.0 <= t - end <= POSTPARTUM_S:
        return False
    active = ph.sim.active["conditions"]
    disorder = next((active[r.code] for r in pregnancy.start_rows() if r.code and r.code in active), None)
    if disorder is None:
        return False
    bp = pregnancy.reading_of(entry)
    limits = levels()
    if not _at(bp, limits["persistent"]):
        return False
    if not _at(bp, limits["severe"]):
        before = _earlier(ph, entry, end)
        if before is None or not _at(before, limits["persistent"]):
            return False
    if pregnancy.treated(ph, t):
        return False
    why = f"blood pressure {bp[0]:g}/{bp[1]:g} after the birth, persistent, with no antihypertensive"
    stop = min(end + POSTPARTUM_S, ph.sim.end_time)
    return pregnancy.start_drug(ph, entry.get("encounter"), t, disorder["codes"][0], stop, False, why, RULE)
