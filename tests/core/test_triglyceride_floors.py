"""Hypertriglyceridaemia and metabolic syndrome raise triglycerides to plausible values, not to the state's clamp.

Triglycerides is a log-scale variable (physio_effects.LOG_VARIABLES): a floor's spread is on the log scale. The rows
had spreads in mg/dL (60 and 30), so the floor was 250 x exp(60 z): 2,000 mg/dL, the clamp, with total cholesterol
600 for every patient with z > 0 (s18syn: 392 of 2,795 lipid panels of Synthea's library)."""

from __future__ import annotations

import numpy as np

from ehrsim.core.physio_effects import LOG_VARIABLES, condition_effects
from ehrsim.core.physiology import Physiology

CONDITIONS = {"302870006": "Hypertriglyceridemia (disorder)", "237602007": "Metabolic syndrome X (disorder)"}


def test_triglyceride_floors_give_moderate_values_not_the_clamp() -> None:
    for code in CONDITIONS:
        values = []
        for seed in range(200):
            body = Physiology(np.random.default_rng(seed), "M" if seed % 2 else "F", "white")
            values.append(body.update(50, {}, conditions={code: {}})["Triglycerides"])
        assert max(values) < 1000, (code, max(values))  # severe (>= 500) in a few at most: 1.7 % of adults
        assert np.median(values) >= 150, code  # raised (NCEP ATP III: >= 150)
        assert sum(v >= 500 for v in values) <= 10, code


def test_log_variable_floors_have_log_scale_spreads() -> None:
    for key, effects in condition_effects().items():
        for effect in effects:
            variable, kind, spread = effect[0], effect[1], effect[3]
            if variable in LOG_VARIABLES and kind == "min":
                assert 0 <= spread <= 1.5, (key, variable, spread)  # exp(3 x 1.5) = 90-fold at z = 3 already
