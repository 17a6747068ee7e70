"""``core/rounding.py`` is a fast path of ``round(value, decimals)``: it must give the very same floats (the output
bytes), including ties, the sign of zero, and values it hands back to ``round``."""

from __future__ import annotations

import math

import numpy as np

from ehrsim.core.physiology import Physiology
from ehrsim.core.rounding import round_to, round_values


def _same(a: object, b: object) -> bool:
    return type(a) is type(b) and repr(a) == repr(b)


def _values(decimals: int) -> list[float]:
    rng = np.random.default_rng(decimals)
    values: list[float] = []
    for scale in (1e-4, 1e-2, 1.0, 10.0, 100.0, 1e3, 1e5, 1e7, 1e9, 1e11):
        values += [float(x) for x in rng.standard_normal(1_000) * scale]
    k = np.arange(-3_000, 3_000)
    step = 10.0**-decimals
    for grid in (k * step, (k + 0.5) * step, k * step / 10.0):  # exact multiples, ties, one more digit
        values += [float(x) for x in grid]
        values += [float(x) for x in np.nextafter(grid, np.inf)] + [float(x) for x in np.nextafter(grid, -np.inf)]
    values += [0.0, -0.0, 0.001, -0.001, -0.004999, 0.005, -0.005, 0.015, 2.675, 1.005, 5e-324, 1e300, -1e300]
    return [*values, math.inf, -math.inf, math.nan]


def test_round_to_equals_round_for_each_number_of_decimals() -> None:
    for decimals in (1, 2, 3, 4):
        bad = [x for x in _values(decimals) if not _same(round_to(x, decimals), round(x, decimals))]
        assert not bad, (decimals, bad[:5])
    assert _same(round_to(2.5, 0), round(2.5, 0))  # outside 1-9: ``round`` itself
    assert _same(round_to(123.456, 12), round(123.456, 12))
    for other in (3, True, np.float64(1.005), np.float32(2.675)):  # not a float: ``round`` itself
        assert _same(round_to(other, 2), round(other, 2))


def test_round_values_equals_round_2_and_keeps_names_and_non_floats() -> None:
    values: list[object] = [*_values(2), 3, 0, True, np.float64(1.005)]
    v = {str(i): x for i, x in enumerate(values)}
    out = round_values(v)
    bad = [(x, out[i]) for i, x in v.items() if not _same(out[i], round(x, 2))]  # type: ignore[call-overload]
    assert not bad, bad[:5]
    assert list(out) == list(v)
    assert Physiology._round(None, {"a": 1.005, "b": 2.675}) == {"a": 1.0, "b": 2.67}  # type: ignore[arg-type]
