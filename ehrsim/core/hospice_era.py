"""Hospice by era: a module's hospice admission before hospice care existed becomes the terminal care of its time.

The first US hospice began in March 1974 and the Medicare hospice benefit paid from 1983, yet Synthea's
``hospice_treatment`` admitted a 23-year-old dying of septic shock to hospice in 1971 and ehrsim's melanoma module a
patient in 1942. Before the era the dying were cared for in hospital, in a nursing home or at home with physician
home visits (``terminology/deaths/hospice_era.csv``, with the shares of the core's own terminal course before 1983).
The engine (``engine/encounters``) opens the era's setting instead and rewrites the stay's hospice codes at the end
of the life. Any library benefits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any

from ehrsim.core.tables import rows
from ehrsim.errors import ConfigError

__all__ = ["EraSetting", "care_codes", "choose", "era_year", "rewrite", "until"]

#: hospice discharge statuses (NUBC 40-42 expired under hospice, 50-51 discharged to hospice): not for the era's stay
HOSPICE_DISPOSITIONS = frozenset({"40", "41", "42", "50", "51"})
EXPIRED = {"system": "NUBC", "code": "20", "display": "Expired"}
HOSPICE_ADMISSION = {"system": "SNOMED-CT", "code": "305336008", "display": "Admission to hospice (procedure)"}


@dataclass(frozen=True)
class EraSetting:
    """Where a hospice admission before the era is spent instead (one row of hospice_era.csv)."""

    name: str
    encounter_class: str
    share: float
    code: dict[str, str]
    care: dict[str, str]


@cache
def _table() -> tuple[float, tuple[EraSetting, ...]]:
    table = rows("deaths/hospice_era.csv")
    ends = {r["until"] for r in table}
    if len(ends) != 1:
        raise ConfigError(f"deaths/hospice_era.csv: one era end expected, found {sorted(ends)}")
    settings = tuple(
        EraSetting(
            r["setting"],
            r["encounter_class"],
            float(r["share"]),
            {"system": "SNOMED-CT", "code": r["code"], "display": r["display"]},
            {"system": "SNOMED-CT", "code": r["care_code"], "display": r["care_display"]},
        )
        for r in table
    )
    total = sum(s.share for s in settings)
    if abs(total - 1.0) > 1e-6:
        raise ConfigError(f"deaths/hospice_era.csv: shares sum to {total}")
    end = dt.datetime.fromisoformat(ends.pop()).replace(tzinfo=dt.UTC).timestamp()
    return end, settings


def until() -> float:
    """The instant (seconds) from which a module's hospice admission is kept as hospice."""
    return _table()[0]


def era_year() -> int:
    """The first year of hospice care (for the substitution's reason)."""
    return dt.datetime.fromtimestamp(until(), dt.UTC).year


@cache
def care_codes() -> frozenset[str]:
    """Codes of hospice care recorded inside a converted stay (hospice_era_codes.csv)."""
    return frozenset(r["code"] for r in rows("deaths/hospice_era_codes.csv"))


def choose(t: float, u: float) -> EraSetting | None:
    """The era's setting for a hospice admission at ``t`` with the uniform draw ``u``; None once hospice exists."""
    end, settings = _table()
    if t >= end:
        return None
    acc = 0.0
    for setting in settings:
        acc += setting.share
        if u < acc:
            return setting
    return settings[-1]


def rewrite(lists: dict[str, list[dict[str, Any]]], stays: dict[str, EraSetting]) -> None:
    """Recode what a module recorded in converted stays (``stays``: encounter id -> setting), at the end of a life.

    Done once the life is over: the active-entry lookups of the running simulation are keyed by the module's codes.
    """
    if not stays:
        return
    hospice = care_codes()
    for kind in ("procedures", "careplans"):
        for entry in lists[kind]:
            setting = stays.get(entry.get("encounter") or "")
            if setting is not None and entry["codes"] and entry["codes"][0].get("code") in hospice:
                entry["codes"] = [dict(setting.care)]
    for enc in lists["encounters"]:
        setting = stays.get(enc["id"])
        if setting is not None and (enc.get("discharge") or {}).get("code") in HOSPICE_DISPOSITIONS:
            enc["discharge"] = dict(EXPIRED) if setting.encounter_class in ("inpatient", "snf") else None
