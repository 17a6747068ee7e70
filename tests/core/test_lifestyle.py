"""Smoking and alcohol steps: ages, prevalences close to NHIS/NSDUH, attribute names."""

from __future__ import annotations

import numpy as np
import pytest

from ehrsim.core.lifestyle import ALCOHOL_LEVELS, alcohol_step, smoking_step


def _life(seed: int, sex: str, until: float) -> dict:
    rng = np.random.default_rng(seed)
    attributes: dict = {"gender": sex}
    for age in range(int(until) + 1):
        attributes.update(smoking_step(rng, float(age), attributes, 1.0))
        attributes.update(alcohol_step(rng, float(age), attributes, 1.0))
    return attributes


def test_current_and_former_smoking_prevalence_resembles_nhis():
    men = [_life(s, "M", 45) for s in range(3000)]
    current = np.mean([a["smoker"] for a in men])
    ever = np.mean([a["smoker"] or a.get("quit_smoking_age") is not None for a in men])
    assert 0.08 < current < 0.20  # NHIS 2021 men 45-64: ~14%
    assert 0.22 < ever < 0.38


def test_nobody_starts_before_14_and_quitting_sets_both_attribute_names():
    rng = np.random.default_rng(0)
    attributes = {"gender": "F", "smoker": False}
    for age in range(14):
        assert smoking_step(rng, float(age), attributes, 1.0) == {}
    smoking = {"gender": "M", "smoker": True}
    changes: dict = {}
    for _ in range(500):
        changes = smoking_step(rng, 50.0, smoking, 1.0)
        if changes:
            break
    assert changes["smoker"] is False
    assert changes["quit_smoking_age"] == changes["quit smoking age"] == 50.0


def test_first_call_initialises_smoker_false():
    assert smoking_step(np.random.default_rng(0), 0.0, {}, 1.0) == {"smoker": False}


def test_alcohol_levels_only_for_adults_with_plausible_shares():
    children = _life(1, "F", 10)
    assert children["alcohol_use"] == "none"
    adults = [_life(s, "M", 40)["alcohol_use"] for s in range(2000)]
    assert set(adults) <= set(ALCOHOL_LEVELS)
    assert 0.3 < adults.count("none") / len(adults) < 0.5
    assert 0.03 < adults.count("heavy") / len(adults) < 0.14


def test_pack_years_are_cigarettes_a_day_times_years_smoked_and_stop_growing_after_quitting():
    men = [_life(s, "M", 60) for s in range(3000)]
    smokers = [a for a in men if a.get("smoking_start_age") is not None]
    cpd = np.array([a["cigarettes_per_day"] for a in smokers])
    assert 0.10 < np.mean(cpd < 9.5) < 0.23 and 0.08 < np.mean(cpd >= 29.5) < 0.18  # NHIS 2005: 16.4 %, 12.7 %
    for a in smokers:
        end = a["quit_smoking_age"] if a.get("quit_smoking_age") is not None else 60.0
        years = round(end - a["smoking_start_age"])  # yearly steps from the start to the quit (or today)
        assert a.get("pack_years", 0.0) == pytest.approx(a["cigarettes_per_day"] / 20 * years, abs=0.05 * years + 0.01)
