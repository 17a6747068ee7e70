"""Which tests a laboratory reported at a date: eGFR by era (``egfr_eras.csv``: none before MDRD in
1999, MDRD, CKD-EPI 2009, CKD-EPI 2021) and no result before its test existed (``test_availability.csv``).
Kept apart from ``labs`` because it is about dates and codes, not about measuring the body."""

from __future__ import annotations

import bisect
import datetime as dt
from functools import cache
from typing import Any, NamedTuple

from ehrsim.core.tables import rows

__all__ = [
    "EgfrEra",
    "availability",
    "egfr_codes",
    "egfr_era",
    "egfr_eras",
    "existed",
    "first_available",
    "reported_codes",
]


class EgfrEra(NamedTuple):
    start: float  # POSIX seconds (UTC midnight of the publication date)
    loinc: str
    display: str
    equation: str


@cache
def egfr_eras() -> tuple[EgfrEra, ...]:
    """The eGFR laboratories reported, by date (sorted); before the first one, creatinine only."""
    out = []
    for r in rows("physiology/egfr_eras.csv"):
        start = dt.datetime.fromisoformat(r["from"]).replace(tzinfo=dt.UTC).timestamp()
        out.append(EgfrEra(start, r["loinc"], r["display"], r["equation"]))
    return tuple(sorted(out))


def egfr_codes() -> frozenset[str]:
    """LOINC codes of eGFR results (any era's equation, and the codes modules ask for)."""
    return _egfr_codes()


@cache
def _egfr_codes() -> frozenset[str]:
    from ehrsim.core.labs import analytes  # labs imports this module

    return frozenset(code for code, a in analytes().items() if a.variable in ("EGFR", "EGFR MDRD")) | {
        e.loinc for e in egfr_eras()
    }


def egfr_era(t: float) -> EgfrEra | None:
    """The eGFR a laboratory reported at ``t`` (None: no eGFR was reported then)."""
    eras = egfr_eras()
    i = bisect.bisect_right([e.start for e in eras], t)
    return eras[i - 1] if i else None


@cache
def first_available() -> dict[tuple[str, str], float]:
    """(system, code) -> the time a test first existed (``test_availability.csv``): no result of it before then."""
    return {
        (r["system"], r["code"]): dt.datetime.fromisoformat(r["from"]).replace(tzinfo=dt.UTC).timestamp()
        for r in rows("physiology/test_availability.csv")
    }


@cache
def availability(system: str, code: str) -> tuple[float | None, bool]:
    """(first time the test existed or None, whether it is an eGFR code): the hot path's one lookup."""
    return first_available().get((system, code)), system == "LOINC" and code in _egfr_codes()


def existed(codes: list[dict[str, Any]], t: float) -> bool:
    """Whether the test or procedure coded first in ``codes`` existed at ``t`` (unlisted codes: always)."""
    if not codes:
        return True
    first = codes[0]
    since = availability(first.get("system", ""), first.get("code", ""))[0]
    return since is None or t >= since


def _before(code: dict[str, Any], t: float) -> bool:
    since = availability(code.get("system", ""), code.get("code", ""))[0]
    return since is not None and t < since


def reported_codes(codes: list[dict[str, Any]], t: float) -> list[dict[str, Any]] | None:
    """The codes a result is recorded under at ``t``: a module's eGFR code becomes the era's code,
    and None means the result is not reported (before eGFR reporting existed, or before the test
    itself existed, e.g. HbA1c before 1976: any library's module asking for it gets no result,
    as a clinician of the time would). Others unchanged."""
    if not codes or codes[0].get("system") != "LOINC":
        return codes
    since, egfr = availability("LOINC", codes[0].get("code", ""))
    if since is not None and t < since:
        return None
    if not egfr:  # a further coding of a test that did not exist yet goes (Synthea's SpO2: 2708-6 + pulse oximetry)
        kept = [c for c in codes[1:] if not _before(c, t)]
        return codes if len(kept) == len(codes) - 1 else [codes[0], *kept]
    era = egfr_era(t)
    if era is None:
        return None
    return [{**codes[0], "code": era.loinc, "display": era.display}]
