"""Weight after a delivery: the conceptus (about 5 kg at term) leaves at birth and the maternal fluid (about 3 kg)
within about 6 weeks (Hytten 1980; IOM/NRC 2009 ch. 3). The s14review chart review found 110 of 206
deliveries losing under 3 kg by the 3-12 week visit (a woman at 75.8 kg at 38 weeks weighed 74.4 kg at 6 weeks)."""

from __future__ import annotations

import numpy as np

from ehrsim.core.physiology import Physiology

DAY = 86_400.0
WEEK = 7 * DAY


def _weights(bmi: float, weeks: float) -> tuple[float, float, float, float]:
    body = Physiology(np.random.default_rng(11), "F", "white")
    t0 = 1_000_000_000.0
    before = body.update(28, {}, t0 - DAY)["Weight"]
    body.pregnancy(True, t0, bmi)
    end = t0 + weeks * WEEK
    last = body.update(28, {"pregnant": True}, end - DAY)["Weight"]
    body.pregnancy(False, end, bmi)
    six_weeks = body.update(28, {}, end + 42 * DAY)["Weight"]
    year = body.update(29, {}, end + 365 * DAY)["Weight"]
    return before, last, six_weeks, year


def test_a_term_delivery_loses_the_conceptus_and_fluid_by_six_weeks() -> None:
    before, last, six_weeks, year = _weights(23.0, 39.0)
    assert last - before > 10.0  # IOM 2009: 11.5-16 kg at a normal BMI
    assert last - six_weeks >= 7.5  # the conceptus (4.9 kg) and the fluid (2.9 kg) are gone
    assert six_weeks > before  # the fat gained goes slowly
    assert year - before < 2.5  # about 1.5 kg retained at a year (Gunderson 2009)


def test_a_small_gain_of_obesity_is_lost_by_six_weeks() -> None:
    before, last, six_weeks, _ = _weights(33.0, 39.0)
    assert 4.0 < last - before < 10.0  # IOM 2009: 5-9 kg with obesity
    assert six_weeks - before < 1.5


def test_an_early_loss_loses_little() -> None:
    _, last, six_weeks, _ = _weights(23.0, 10.0)
    assert last - six_weeks < 1.5
