"""``round(value, decimals)`` of a float, the very same float, at a third of the cost (hot: ~2,000 values a life).

Python's ``round`` converts through a correctly rounded decimal string (dtoa), ~3,100 instructions. Away from
a tie it gives the double nearest to c / 10**d, c the integer nearest to the exact value * 10**d. Below 1e9,
``value * 10.0**d`` is within 6e-8 of that exact product, so the integer nearest to it is the same c unless
its fraction is within 1e-6 of one half; and ``c / 10.0**d`` (both exact doubles) is correctly rounded, so it
is that nearest double. Near a tie, at zero (``round`` keeps the sign of zero), for NaN, infinities and larger
values, ``round`` itself answers. tests/core/test_rounding.py compares both on millions of values and ties.
"""

from __future__ import annotations

from typing import Any

#: 10**d for the decimals this path serves (exact doubles)
_SCALES = {d: 10.0**d for d in range(1, 10)}


def round_to(value: Any, decimals: int) -> Any:
    """``round(value, decimals)``, the same result: the fast path for a float and ``decimals`` 1-9, else ``round``."""
    scale = _SCALES.get(decimals)
    if scale is not None and type(value) is float:
        y = value * scale
        if -1e9 < y < 1e9:
            c = y // 1.0
            d = y - c  # exact
            if d > 0.500001:
                c += 1.0
            elif d >= 0.499999:
                c = 0.0  # near a tie: ``round``
            if c:
                return c / scale
    return round(value, decimals)


def round_values(v: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``v`` with each value as ``round(value, 2)`` gives it (``round_to`` written into the loop:
    a call per value would cost a third of the saving; physiology rounds ~60 values an update)."""
    out = {}
    for name, value in v.items():
        if type(value) is float:
            y = value * 100.0
            if -1e9 < y < 1e9:
                c = y // 1.0
                d = y - c
                if d > 0.500001:
                    c += 1.0
                elif d >= 0.499999:
                    c = 0.0
                if c:
                    out[name] = c / 100.0
                    continue
        out[name] = round(value, 2)
    return out
