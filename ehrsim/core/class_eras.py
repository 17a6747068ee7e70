"""Encounter classes by era: a class a module asks for before it existed becomes the class of its time.

The chart review found "Urgent care clinic" visits in 1931 and 1935 (267 visits before 1970 in 300 lives): walk-in
urgent care centres began in the 1970s (``terminology/clock/class_eras.csv``). Any library benefits.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from ehrsim.core.tables import rows

__all__ = ["class_at"]


@cache
def _eras() -> dict[str, tuple[float, str]]:
    return {
        r["class"]: (dt.datetime.fromisoformat(r["until"]).replace(tzinfo=dt.UTC).timestamp(), r["instead"])
        for r in rows("clock/class_eras.csv")
    }


def class_at(enc_class: str, t: float) -> str:
    """The encounter class used at ``t`` for a module's ``enc_class``."""
    era = _eras().get(enc_class)
    return era[1] if era is not None and t < era[0] else enc_class
