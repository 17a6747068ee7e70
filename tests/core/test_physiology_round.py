"""``Physiology._round`` is a fast path of ``round(value, 2)``: it must give the very same floats (the output bytes)."""

from __future__ import annotations

import math

import numpy as np

from ehrsim.core.physiology import Physiology


def _same(a: object, b: object) -> bool:
    return type(a) is type(b) and repr(a) == repr(b)


def test_round_equals_builtin_round_on_random_values_ties_and_edges() -> None:
    rng = np.random.default_rng(0)
    values: list[object] = []
    for scale in (1e-4, 1e-2, 1.0, 10.0, 100.0, 1e3, 1e5, 1e7, 1e9, 1e11):
        values += [float(x) for x in rng.standard_normal(5_000) * scale]
    k = np.arange(-20_000, 20_000)
    for grid in (k / 100.0, k / 200.0, k / 1000.0):  # exact hundredths, ties (x.xx5) and thousandths
        values += [float(x) for x in grid]
        values += [float(x) for x in np.nextafter(grid, np.inf)] + [float(x) for x in np.nextafter(grid, -np.inf)]
    values += [0.0, -0.0, 0.001, -0.001, -0.004999, 0.005, -0.005, 0.015, 2.675, 1.005, 5e-324, 1e300, -1e300]
    values += [math.inf, -math.inf, math.nan, 3, 0, True]
    v = {str(i): x for i, x in enumerate(values)}
    out = Physiology._round(None, v)  # type: ignore[arg-type]  # no instance state is read
    bad = [(x, out[i]) for i, x in v.items() if not _same(out[i], round(x, 2))]  # type: ignore[call-overload]
    assert not bad, bad[:5]
    assert list(out) == list(v)  # the same names in the same order
