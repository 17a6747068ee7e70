"""SES score bands, the Medicare rule at 65 and the income/education relation."""

from __future__ import annotations

import numpy as np
import pytest

from ehrsim.core.socioeconomic import draw_socioeconomics, insurance_update, poverty_line, ses_category


@pytest.mark.parametrize(("education_level", "expected"), [(0.0, "Low"), (0.3, "Middle"), (0.9, "High")])
def test_ses_category_uses_synthea_weights_and_bands(education_level, expected):
    attributes = {"income_level": 0.2, "education_level": education_level, "occupation_level": 0.1}
    assert ses_category(attributes) == expected  # score = 0.04 + 0.7 * education + 0.01


def test_ses_band_edges():
    assert ses_category({"income_level": 1.25, "education_level": 0, "occupation_level": 0}) == "Middle"
    assert ses_category({"income_level": 1.2, "education_level": 0, "occupation_level": 0}) == "Low"
    assert ses_category({"income_level": 0, "education_level": 0, "occupation_level": 6.6}) == "High"


@pytest.mark.parametrize(
    ("status", "poverty", "age", "expected"),
    [
        ("private", 3.0, 64.9, {}),
        ("private", 3.0, 65.0, {"insurance_status": "medicare"}),
        ("none", 3.0, 70.0, {"insurance_status": "medicare"}),
        ("medicaid", 3.0, 65.0, {"insurance_status": "dual_eligible"}),
        ("private", 0.5, 65.0, {"insurance_status": "dual_eligible"}),
        ("medicare", 0.5, 80.0, {}),
    ],
)
def test_insurance_changes_at_65(status, poverty, age, expected):
    assert insurance_update({"insurance_status": status, "poverty_ratio": poverty}, age) == expected


def test_education_and_income_are_positively_related_and_poverty_ratio_is_consistent():
    rng = np.random.default_rng(0)
    draws = [draw_socioeconomics(rng, 40) for _ in range(3000)]
    by_level = {
        level: np.median([d["income"] for d in draws if d["education"] == level])
        for level in ("less_than_hs", "bs_degree")
    }
    assert by_level["bs_degree"] > 1.5 * by_level["less_than_hs"]
    for d in draws[:100]:
        assert d["poverty_ratio"] == pytest.approx(d["income"] / poverty_line(d["household_size"]), abs=0.001)
