"""Encounter classes by era: a class a module asks for before it existed becomes the class of its time.

The chart review found "Urgent care clinic" visits in 1931 and 1935 (267 visits before 1970 in 300 lives): walk-in
urgent care centres began in the 1970s (``terminology/clock/class_eras.csv``). The next review found the class mapped
but the visit still coded "Urgent care clinic (environment)" (214 visits before 1970 in 300 lives): the class's
setting code is mapped too. Any library benefits.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from ehrsim.core.tables import rows

__all__ = ["class_at", "codes_at"]


@cache
def _eras() -> dict[str, tuple[float, str]]:
    return {
        r["class"]: (dt.datetime.fromisoformat(r["until"]).replace(tzinfo=dt.UTC).timestamp(), r["instead"])
        for r in rows("clock/class_eras.csv")
    }


@cache
def _codes() -> dict[tuple[str, str], dict[str, str]]:
    """(system, setting code) -> the code of the era's class, for the classes that have one."""
    return {
        (r["code_system"], r["code"]): {
            "system": r["code_system"],
            "code": r["instead_code"],
            "display": r["instead_display"],
        }
        for r in rows("clock/class_eras.csv")
        if r.get("code")
    }


def class_at(enc_class: str, t: float) -> str:
    """The encounter class used at ``t`` for a module's ``enc_class``."""
    era = _eras().get(enc_class)
    return era[1] if era is not None and t < era[0] else enc_class


def codes_at(enc_class: str, t: float, codes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The encounter codes at ``t``: a setting code of a class that did not exist yet becomes its era's code."""
    if class_at(enc_class, t) == enc_class:
        return codes
    mapped = _codes()
    return [dict(mapped.get((c.get("system", ""), c.get("code", "")), c)) for c in codes]
