"""95 % intervals for the two kinds of figure the report compares: proportions and rates.

No scipy: Wilson's score interval for proportions, and Byar's approximation to the exact
(Garwood) Poisson interval for event counts, which is within 1 % of exact for any count.
"""

from __future__ import annotations

import math

Z95 = 1.959963984540054


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for ``successes / n`` (``(0, 1)`` when n is 0: nothing is known)."""
    if n <= 0:
        return 0.0, 1.0
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def poisson(events: int, z: float = Z95) -> tuple[float, float]:
    """Interval for the expected count behind ``events`` observed events (Byar)."""
    if events < 0:
        raise ValueError(f"negative event count {events}")
    if events == 0:
        lower = 0.0
    else:
        k = events
        lower = k * (1 - 1 / (9 * k) - z / (3 * math.sqrt(k))) ** 3
    k1 = events + 1
    upper = k1 * (1 - 1 / (9 * k1) + z / (3 * math.sqrt(k1))) ** 3
    return max(0.0, lower), upper


def rate(events: int, exposure: float, per: float = 1000.0) -> tuple[float, float, float]:
    """Rate per ``per`` units of exposure with its interval; NaN when there is no exposure."""
    if exposure <= 0:
        return math.nan, math.nan, math.nan
    lo, hi = poisson(events)
    scale = per / exposure
    return events * scale, lo * scale, hi * scale
