"""A recorded fever raises the heart and respiratory rate measured with it (any module library).

Modules record a febrile temperature as an observation of its own (pneumonia 37.8-40 °C), while the heart and
respiratory rate come from the resting physiological state, so the s13review chart review found 72 of 107 adult
visits at 38.5 °C or more with a heart rate under 90 (a 2-year-old with pneumonia at 39.2 °C and 101/min; Synthea's
library 41.7 °C at 61/min). Heart rate rises about 8.5 /min per 1 °C in adults and 10 in children, respiratory rate
1.4 and 2.2 (``terminology/physiology/fever_response.csv``). A rate measured within ``fever_window_hours`` after a
recorded temperature above ``fever_reference_celsius`` gets that rise on its true value; a rate a module sets itself
(sepsis) is the module's. No random number is drawn, so nothing else in a record changes.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from ehrsim.core.physio_effects import params
from ehrsim.core.tables import rows
from ehrsim.errors import ConfigError

__all__ = ["excess", "raised", "responds", "temperature_codes", "window_start"]

HOUR = 3600.0


@cache
def _slopes() -> dict[str, tuple[tuple[float, float, float], ...]]:
    """Variable -> (age low, age high, rise per 1 °C) bands."""
    out: dict[str, list[tuple[float, float, float]]] = {}
    for r in rows("physiology/fever_response.csv"):
        try:
            out.setdefault(r["variable"], []).append(
                (float(r["age_low"]), float(r["age_high"]), float(r["per_degree_c"]))
            )
        except ValueError as exc:
            raise ConfigError(f"physiology/fever_response.csv: {r['variable']}: {exc}") from exc
    return {k: tuple(v) for k, v in out.items()}


@cache
def temperature_codes() -> tuple[str, ...]:
    """LOINC codes a temperature is recorded with."""
    return tuple(r["code"] for r in rows("physiology/fever_temperature_codes.csv"))


def responds(variable: str) -> bool:
    """Whether a fever moves this state variable."""
    return variable in _slopes()


def window_start(since: float) -> float:
    """The earliest time a temperature counts for a rate measured at (or for an arrival at) ``since``."""
    return since - params()["fever_window_hours"] * HOUR


def excess(latest_obs: dict[str, dict[str, Any]], start: float, now: float) -> float:
    """Degrees above the reference of the latest temperature recorded from ``start`` to ``now``; 0 without one."""
    best: dict[str, Any] | None = None
    for code in temperature_codes():
        entry = latest_obs.get(code)
        if entry is not None and start <= entry["time"] <= now and (best is None or entry["time"] > best["time"]):
            best = entry
    if best is None:
        return 0.0
    value = best.get("value")
    if not isinstance(value, int | float) or isinstance(value, bool):
        return 0.0
    return max(float(value) - params()["fever_reference_celsius"], 0.0)


def raised(vitals: dict[str, float], variable: str, age: float, degrees: float) -> dict[str, float]:
    """``vitals`` with ``variable`` raised by the fever of ``degrees`` above the reference (a copy when changed)."""
    true = vitals.get(variable)
    if true is None or degrees <= 0.0:
        return vitals
    for low, high, slope in _slopes().get(variable, ()):
        if low <= age < high:
            return {**vitals, variable: true + slope * degrees}
    return vitals
