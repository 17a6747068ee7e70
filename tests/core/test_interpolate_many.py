"""``interpolate_many`` must give exactly ``interpolate``'s floats (the physiological state relies on it)."""

from __future__ import annotations

import numpy as np

from ehrsim.core.tables import interpolate, interpolate_many


def test_same_values_as_interpolate_on_each_column() -> None:
    rng = np.random.default_rng(3)
    xs = sorted({float(x) for x in rng.uniform(0.0, 100.0, 12)})
    columns = [list(rng.normal(0.0, 50.0, len(xs))), [0.0, *np.cumsum(rng.normal(size=len(xs) - 1))]]
    points = [-5.0, xs[0], xs[-1], 120.0, *xs, *rng.uniform(-10.0, 110.0, 500)]
    for x in points:
        assert interpolate_many(float(x), xs, *columns) == [interpolate(float(x), xs, ys) for ys in columns]
