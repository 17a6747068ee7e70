"""95 % intervals for the two kinds of figure the report compares: proportions and rates.

No scipy: Wilson's score interval for proportions; for event counts the exact (Garwood) Poisson
interval, solved by bisection up to 100 events and by Byar's approximation (within 0.1 %) above.
"""

from __future__ import annotations

import math
from collections.abc import Callable

Z95 = 1.959963984540054


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for ``successes / n`` (``(0, 1)`` when n is 0: nothing is known)."""
    if n <= 0:
        return 0.0, 1.0
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    lower = 0.0 if successes == 0 else max(0.0, min(p, centre - half))
    upper = 1.0 if successes == n else min(1.0, max(p, centre + half))
    return lower, upper


def _poisson_cdf(k: int, lam: float) -> float:
    """P(X <= k) for X ~ Poisson(lam)."""
    if lam <= 0:
        return 1.0
    log_lam = math.log(lam)
    return sum(math.exp(-lam + i * log_lam - math.lgamma(i + 1)) for i in range(k + 1))


def _solve(f: Callable[[float], float], lo: float, hi: float) -> float:
    """Root of a decreasing function on [lo, hi] by bisection."""
    for _ in range(80):
        mid = (lo + hi) / 2
        if f(mid) > 0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _poisson_exact(events: int, alpha: float = 0.05) -> tuple[float, float]:
    top = events + 10 * math.sqrt(events + 1) + 10
    upper = _solve(lambda lam: _poisson_cdf(events, lam) - alpha / 2, 0.0, top)
    if events == 0:
        return 0.0, upper
    lower = _solve(lambda lam: alpha / 2 - (1 - _poisson_cdf(events - 1, lam)), 0.0, top)
    return lower, upper


def poisson(events: int, z: float = Z95) -> tuple[float, float]:
    """95 % interval for the expected count behind ``events`` observed events."""
    if events < 0:
        raise ValueError(f"negative event count {events}")
    if events <= 100 and z == Z95:
        return _poisson_exact(events)
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


def _log_binom_pmf(k: int, n: int, p: float) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1) + k * math.log(p) + (n - k) * math.log1p(-p)


def _tail(start: int, stop: int, step: int, n: int, p: float) -> float:
    """Sum of binomial probabilities from ``start`` away from the mode, ending once the terms are negligible."""
    total = 0.0
    for i in range(start, stop, step):
        term = math.exp(_log_binom_pmf(i, n, p))
        total += term
        if term < 1e-18 * total:
            break
    return total


def binomial_sf(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p): the one-sided exact p-value of ``k`` or more in ``n`` at rate ``p``."""
    if k <= 0:
        return 1.0
    if k > n or p <= 0.0:
        return 0.0
    if p >= 1.0:
        return 1.0
    if k > n * p:  # upper tail: terms fall from k on
        return min(1.0, _tail(k, n + 1, 1, n, p))
    return max(0.0, 1.0 - _tail(k - 1, -1, -1, n, p))  # 1 - P(X <= k - 1), terms fall from k - 1 down


def clopper_pearson(successes: int, n: int, alpha: float = 0.05) -> tuple[float, float]:
    """Exact (Clopper-Pearson) two-sided interval for ``successes / n``, by bisection on the binomial tails."""
    if n <= 0:
        return 0.0, 1.0
    lower = 0.0
    if successes > 0:
        lower = _solve(lambda p: alpha / 2 - binomial_sf(successes, n, p), 0.0, 1.0)
    upper = 1.0
    if successes < n:
        upper = _solve(lambda p: (1 - binomial_sf(successes + 1, n, p)) - alpha / 2, 0.0, 1.0)
    return lower, upper
