"""A ``range`` value rounded to its decimals is never a negative zero (s16old: DXA T-scores of "-0.0")."""

from __future__ import annotations

import math

import numpy as np

from ehrsim.gmf.values import Range


def test_a_small_negative_draw_rounds_to_a_plain_zero() -> None:
    rng = np.random.default_rng(0)
    for decimals in (0, 1):
        r = Range.model_validate({"low": -0.04, "high": -0.01, "decimals": decimals})
        for _ in range(20):
            value = r.sample(rng)
            assert value == 0.0 and math.copysign(1.0, value) > 0, value
    wide = Range.model_validate({"low": -2.4, "high": 0.5, "decimals": 1})
    values = [wide.sample(rng) for _ in range(2_000)]
    assert all(math.copysign(1.0, v) > 0 for v in values if v == 0.0) and any(v < -1 for v in values)
