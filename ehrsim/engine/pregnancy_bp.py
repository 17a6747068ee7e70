"""Raised blood pressure before 20 weeks of pregnancy, whichever visit recorded it (ehrsim's pregnancy module).

ACOG Practice Bulletin 203 (2019) calls hypertension present before 20 weeks chronic hypertension: a systolic
>= 140 or diastolic >= 90 mm Hg on two occasions at least 4 hours apart, or one severe-range reading
(``engine/pregnancy_early_bp.csv``). The prenatal visit counted only its own readings, so a raised reading at a
wellness or emergency visit in early pregnancy was not seen (s17mom: 3 of 57 on 2,000 lives, e.g. 161/80 at an
emergency visit for cystitis at 8 weeks and 150/90 at 12 weeks with no diagnosis). The core sees every recorded
reading: while the ``pregnancy`` attribute holds and ``gestational_weeks`` is under 20 it sets the attribute
``pregnancy_early_hypertension`` that the next prenatal visit acts on (pregnancy/prenatal_visit). Libraries
without these attributes (Synthea's) are untouched. No random draw.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from ehrsim.core.tables import rows
from ehrsim.engine import pregnancy_severe
from ehrsim.errors import ConfigError

if TYPE_CHECKING:
    from ehrsim.engine.simulation import Simulation

FLAG = "pregnancy_early_hypertension"  # set here, reset by the module at conception
FIRST = "pregnancy_early_high_bp_first"  # time of this pregnancy's first raised reading
WEEKS = 20
APART = 4 * 3600.0  # ACOG PB 203: two occasions at least 4 hours apart
SYSTOLIC, DIASTOLIC = "8480-6", "8462-4"


class Level(NamedTuple):
    systolic: float
    diastolic: float
    readings: int


@cache
def levels() -> dict[str, Level]:
    """``raised`` and ``severe`` limits (engine/pregnancy_early_bp.csv)."""
    try:
        out = {
            r["level"]: Level(float(r["systolic_at_or_above"]), float(r["diastolic_at_or_above"]), int(r["readings"]))
            for r in rows("engine/pregnancy_early_bp.csv")
        }
    except ValueError as exc:
        raise ConfigError(f"engine/pregnancy_early_bp.csv: {exc}") from exc
    if set(out) != {"raised", "severe"}:
        raise ConfigError("engine/pregnancy_early_bp.csv: needs the rows raised and severe")
    return out


def reading(entry: dict[str, Any]) -> tuple[float, float] | None:
    """(systolic, diastolic) of a blood-pressure entry (a panel or a single part; 0 for a part absent), or None."""
    found: dict[str, float] = {}
    for part in (entry, *(entry.get("components") or ())):
        code = part["codes"][0]["code"]
        value = part.get("value")
        if code in (SYSTOLIC, DIASTOLIC) and isinstance(value, int | float) and not isinstance(value, bool):
            found[code] = float(value)
    return (found.get(SYSTOLIC, 0.0), found.get(DIASTOLIC, 0.0)) if found else None


def _at(level: Level, bp: tuple[float, float]) -> bool:
    return bp[0] >= level.systolic or bp[1] >= level.diastolic


def observed(sim: Simulation, entry: dict[str, Any]) -> None:
    """A reading recorded before 20 weeks of a pregnancy: the second raised one at least 4 hours after the first,
    or a severe-range one, sets ``pregnancy_early_hypertension``. Later, a severe-range one with pre-eclampsia is
    confirmed and delivered (``pregnancy_severe``)."""
    attributes = sim.attributes
    weeks = attributes.get("gestational_weeks")
    if attributes.get("pregnancy") is not True or not isinstance(weeks, int | float):
        return
    if weeks >= WEEKS:
        if attributes.get(pregnancy_severe.PREECLAMPSIA) is True:
            bp = reading(entry)
            if bp is not None and _at(levels()["severe"], bp):
                pregnancy_severe.found(sim, entry, float(weeks))
        return
    if attributes.get(FLAG) is True:
        return
    bp = reading(entry)
    if bp is None:
        return
    limits = levels()
    if not _at(limits["raised"], bp):
        return
    t = float(entry["time"])
    start = sim.physiology.pregnancy_start
    first = attributes.get(FIRST)
    if not isinstance(first, int | float) or (start is not None and first < start):
        first = None  # none yet, or one of an earlier pregnancy
    if _at(limits["severe"], bp) or (first is not None and t - first >= APART):
        sim.set_attribute(FLAG, True)
    elif first is None:
        sim.set_attribute(FIRST, t)
