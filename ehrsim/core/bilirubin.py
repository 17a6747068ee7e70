"""The newborn's predischarge total serum bilirubin: a plausible value for the hour of age (AAP 2022).

Bilirubin rises over the first days of life; the hour-specific nomogram of Bahr et al. (J Pediatr 2021, first
TSB of universal screening, ``perinatal/bilirubin_nomogram.csv``) gives the 40th, 75th and 95th percentile lines.
At each hour a log-normal through the 40th and 95th percentiles (which also puts the 75th within 0.1 mg/dL of
its line) turns the newborn's uniform draw into a value, rounded to 0.1 mg/dL as laboratories report it.
"""

from __future__ import annotations

import math
from functools import cache
from statistics import NormalDist

from ehrsim.core.tables import rows
from ehrsim.errors import ConfigError

UNIT = "mg/dL"
_Z = NormalDist()


@cache
def _lines() -> dict[int, tuple[tuple[float, float, float, float, float], ...]]:
    """Percentile -> pieces (from_hour, to_hour, a, b, c) of its line."""
    out: dict[int, list[tuple[float, float, float, float, float]]] = {}
    try:
        for r in rows("perinatal/bilirubin_nomogram.csv"):
            piece = tuple(float(r[k]) for k in ("from_hour", "to_hour", "a", "b", "c"))
            out.setdefault(int(r["percentile"]), []).append(piece)  # type: ignore[arg-type]
    except ValueError as exc:
        raise ConfigError(f"perinatal/bilirubin_nomogram.csv: {exc}") from exc
    if not {40, 95} <= set(out):
        raise ConfigError("perinatal/bilirubin_nomogram.csv: needs the 40th and 95th percentile lines")
    return {p: tuple(sorted(v)) for p, v in out.items()}


def line(percentile: int, hours: float) -> float:
    """The nomogram's ``percentile`` line at ``hours`` of age (mg/dL)."""
    pieces = _lines()[percentile]
    h = min(max(hours, pieces[0][0]), pieces[-1][1])
    _, _, a, b, c = next((p for p in pieces if p[0] <= h <= p[1]), pieces[-1])
    return a * h * h + b * h + c


def value(hours: float, u: float) -> float:
    """Total serum bilirubin (mg/dL) at ``hours`` of age for a newborn at quantile ``u`` (0-1)."""
    z40, z95 = _Z.inv_cdf(0.40), _Z.inv_cdf(0.95)
    low, high = math.log(line(40, hours)), math.log(line(95, hours))
    sigma = (high - low) / (z95 - z40)
    mu = low - z40 * sigma
    z = _Z.inv_cdf(min(max(u, 1e-6), 1 - 1e-6))
    return round(math.exp(mu + sigma * z), 1)
