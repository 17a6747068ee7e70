"""An emergency visit's length is drawn from the NHAMCS quantiles (terminology/engine/ed_length_of_stay.csv), not
Synthea's fixed hour."""

from __future__ import annotations

import numpy as np

from ehrsim.engine import parameters


def test_the_draw_follows_the_table_quantiles() -> None:
    assert parameters.ed_length_seconds(0.0) == 30 * 60
    assert parameters.ed_length_seconds(0.5) == 150 * 60
    assert parameters.ed_length_seconds(1.0) == 720 * 60
    assert parameters.ed_length_seconds(0.375) == (88 + (150 - 88) * 0.5) * 60  # halfway between 0.25 and 0.5
    draws = [parameters.ed_length_seconds(u) for u in np.linspace(0, 1, 101)]
    assert draws == sorted(draws)


def test_uniform_draws_give_the_published_median_and_quartiles() -> None:
    u = np.random.default_rng(7).random(20_000)
    minutes = np.array([parameters.ed_length_seconds(x) for x in u]) / 60
    q25, q50, q75 = np.percentile(minutes, [25, 50, 75])
    assert 140 <= q50 <= 160  # Fee 2012: 148-156 min for adults discharged from the ED
    assert 80 <= q25 <= 100 and 225 <= q75 <= 250
