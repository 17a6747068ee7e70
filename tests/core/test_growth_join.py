"""Children's growth: no step at the WHO-to-CDC join, and the CDC extended BMI-for-age method above the 95th."""

from __future__ import annotations

import statistics

import numpy as np
import pytest

from ehrsim.core import growth
from ehrsim.core.physiology import Physiology, bmi_percentile

NORMAL = statistics.NormalDist()


def _children(n: int, first: int = 0) -> list[Physiology]:
    return [Physiology(np.random.default_rng(first + i), "M" if i % 2 else "F", "white") for i in range(n)]


def test_weight_has_no_step_at_24_months_and_keeps_its_percentile_from_18_to_30_months() -> None:
    """The infant's weight-for-age track (WHO) and the toddler's BMI track (CDC) met with a step: 0.4 kg in the week
    around 24 months, and the weight-for-age z-score rose 0.52 on average from the 18- to the 30-month visit (10 %
    of toddlers crossed two percentile lines)."""
    steps, moves = [], []
    for p in _children(300):
        before, after = (p.update(m / 12.0, {})["Weight"] for m in (23.9, 24.1))
        steps.append(after - before)
        z18, z30 = (growth.zscore("weight", p.sex, m, p.update(m / 12.0, {})["Weight"]) for m in (18.0, 30.0))
        moves.append(z30 - z18)
    assert max(steps) < 0.1  # a week's growth at 2 years is about 0.04 kg
    assert abs(float(np.mean(moves))) < 0.15
    assert float(np.mean(np.abs(moves) > 0.67)) < 0.04


def test_bmi_above_the_95th_percentile_follows_the_cdc_extended_method() -> None:
    """Above P95, percentile = 90 + 10 * Phi((BMI - P95) / sigma) (CDC 2022; sigma for a 12-year-old boy 5.30)."""
    months = 144.0
    p95 = growth.value_at("bmi", "M", months, growth.Z95)
    sigma = 0.3728 + 0.5196 * 12 - 0.0091 * 144
    for z in (1.8, 2.5, 3.2):
        bmi = growth.bmi_at("M", months, z)
        assert bmi == pytest.approx(p95 + sigma * NORMAL.inv_cdf((NORMAL.cdf(z) - 0.9) / 0.1))
        assert growth.bmi_z("M", months, bmi) == pytest.approx(z, abs=1e-6)
        assert bmi_percentile(12.0, "M", bmi) == pytest.approx(100 * NORMAL.cdf(z), abs=1e-4)
    assert growth.bmi_at("M", months, 3.2) < 40.0  # the LMS tail gave 48
    # continuous at the 95th percentile; below it the 2000 charts as before
    assert growth.bmi_at("F", months, growth.Z95 + 1e-9) == pytest.approx(p95 := growth.bmi_at("F", months, growth.Z95))
    assert growth.bmi_at("F", months, 1.0) == growth.value_at("bmi", "F", months, 1.0) < p95


def test_todays_children_keep_their_rank_among_children_with_obesity() -> None:
    assert growth.today_to_reference(2.7, 0.0, 1.0) == pytest.approx(2.7)  # the reference population itself
    assert growth.today_to_reference(0.5, 0.76, 1.12) == pytest.approx(0.76 + 1.12 * 0.5)
    threshold = (growth.Z95 - 0.76) / 1.12
    assert growth.today_to_reference(threshold + 1e-9, 0.76, 1.12) == pytest.approx(growth.Z95)
    # the child at the top 1 % of today's children sits at the top 1/21.5 of those at or above the 95th percentile
    top = growth.today_to_reference(NORMAL.inv_cdf(0.99), 0.76, 1.12)
    above = NORMAL.cdf((0.76 - growth.Z95) / 1.12)
    assert NORMAL.cdf(-top) == pytest.approx(0.05 * 0.01 / above)


def test_bmi_over_40_is_very_rare_at_10_to_13_and_obesity_stays_near_one_child_in_five() -> None:
    """BMI > 40 was 2.8 % of child-years at 10-13 (the LMS tail); severe obesity (>= 120 % of P95) about 6 % of
    children (CDC, NHANES 2017-2018: 6.1 %), obesity about one in five (19.7 %, NHANES 2017-March 2020)."""
    over_40 = severe = obese = n = 0
    for p in _children(1500, first=10_000):
        for age in (10.5, 11.5, 12.5, 13.5):
            bmi = p.update(age, {})["BMI"]
            p95 = growth.value_at("bmi", p.sex, age * 12.0, growth.Z95)
            n += 1
            over_40 += bmi > 40.0
            severe += bmi >= 1.2 * p95
            obese += bmi >= p95
    assert over_40 / n < 0.005
    assert 0.04 < severe / n < 0.11
    assert 0.17 < obese / n < 0.26
