"""Reference intervals and interpretation flags of numeric results.

Rows of ``terminology/physiology/reference_ranges.csv`` by LOINC, age and sex (each with its source); flags are
HL7 v3 ObservationInterpretation codes (N, H, L, HH, LL). Split from ``labs.py``: measuring a value and judging
it against its interval are separate concerns.
"""

from __future__ import annotations

from functools import cache
from typing import Any, NamedTuple

from ehrsim.core.tables import rows


class RefRange(NamedTuple):
    sex: str
    age_from: float
    age_to: float
    low: float | None
    high: float | None
    critical_low: float | None
    critical_high: float | None


def optional_float(text: str) -> float | None:
    """A CSV cell as a number, blank as None."""
    return float(text) if text.strip() else None


@cache
def reference_ranges() -> dict[str, tuple[RefRange, ...]]:
    out: dict[str, list[RefRange]] = {}
    for r in rows("physiology/reference_ranges.csv"):
        out.setdefault(r["loinc"], []).append(
            RefRange(
                r["sex"],
                float(r["age_from"]),
                float(r["age_to"]),
                optional_float(r["low"]),
                optional_float(r["high"]),
                optional_float(r["critical_low"]),
                optional_float(r["critical_high"]),
            )
        )
    return {k: tuple(v) for k, v in out.items()}


_RANGES_FOR: dict[tuple[str, str], tuple[tuple[float, float, RefRange], ...]] = {}


def reference_range(loinc: str, age: float, sex: str) -> RefRange | None:
    """The first row (file order) of this code for this sex (or both) whose ages hold ``age``."""
    key = (loinc, sex)
    candidates = _RANGES_FOR.get(key)
    if candidates is None:  # once per (code, sex): the rows for this sex, ages unpacked (hot: every numeric result)
        rows_ = reference_ranges().get(loinc, ())
        candidates = _RANGES_FOR[key] = tuple((r.age_from, r.age_to, r) for r in rows_ if r.sex in ("", sex))
    for age_from, age_to, r in candidates:
        if age_from <= age < age_to:
            return r
    return None


def interpretation(value: float, ref: RefRange) -> str:
    """HL7 v3 ObservationInterpretation code of a value against its reference interval."""
    if ref.critical_low is not None and value < ref.critical_low:
        return "LL"
    if ref.critical_high is not None and value > ref.critical_high:
        return "HH"
    if ref.low is not None and value < ref.low:
        return "L"
    if ref.high is not None and value > ref.high:
        return "H"
    return "N"


def flags(loinc: str | None, value: Any, age: float, sex: str) -> dict[str, Any]:
    """``reference_range`` [low, high] and ``interpretation`` for a numeric result (empty when none)."""
    if loinc is None or not isinstance(value, int | float) or isinstance(value, bool):
        return {}
    ref = reference_range(loinc, age, sex)
    if ref is None:
        return {}
    return {"reference_range": [ref.low, ref.high], "interpretation": interpretation(float(value), ref)}
