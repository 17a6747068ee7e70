"""The codes the core itself records (terminology/codes/core.csv), as record code dicts."""

from __future__ import annotations

from functools import cache

from ehrsim.core.tables import rows

WELL_CHILD_VISIT = ("SNOMED-CT", "410620009")
GENERAL_EXAM = ("SNOMED-CT", "162673000")


@cache
def _table() -> dict[tuple[str, str], dict[str, str]]:
    return {
        (r["system"], r["code"]): {"system": r["system"], "code": r["code"], "display": r["display"]}
        for r in rows("codes/core.csv")
    }


def code(system: str, value: str) -> dict[str, str]:
    """A fresh ``{"system", "code", "display"}`` dict for a core code (KeyError when not listed)."""
    return dict(_table()[(system, value)])


def all_codes() -> list[dict[str, str]]:
    """Every code the core can record."""
    return [dict(c) for c in _table().values()]
