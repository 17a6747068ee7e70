"""An emergency visit's length is drawn from the NHAMCS quantiles (terminology/engine/ed_length_of_stay.csv), not
Synthea's fixed hour."""

from __future__ import annotations

import datetime as dt

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


def test_a_stemi_leaves_the_emergency_department_for_the_catheterisation_laboratory() -> None:
    """The session-13 proof run: a STEMI waited the treat-and-release length (1.5-12 hours) for its angiography; now
    15-45 minutes in the ED (door-to-balloon within 90 minutes: 2013 ACCF/AHA), the ED's aspirin ending with it."""
    from tests.engine.harness import simulate

    for seed in range(6):
        _sim, record = simulate("ed_stemi", born=dt.date(1950, 1, 1), seed=seed)
        (ed,) = [e for e in record["encounters"] if e["class"] == "emergency"]
        minutes = (ed["stop"] - ed["start"]) / 60
        assert 15 <= minutes <= 45, (seed, minutes)
        (angiography,) = [p for p in record["procedures"] if p["codes"][0]["code"] == "33367005"]
        assert angiography["start"] - ed["start"] <= 45 * 60
        (aspirin,) = [m for m in record["medications"] if m["encounter"] == ed["id"]]
        assert aspirin["stop"] == ed["stop"]
    _sim, record = simulate("ed_triage", born=dt.date(1960, 1, 1), seed=0)  # no time-critical diagnosis: as drawn
    (ed,) = [e for e in record["encounters"] if e["class"] == "emergency"]
    assert ed["stop"] - ed["start"] >= 30 * 60
