"""The wellness AUDIT-C (modules/wellness/screening.json): a person's drinking is drawn once and kept, and a positive
screen is followed by counselling at the visit (USPSTF 2018; the lead's session-12 chart read found a woman's AUDIT-C
at 6 one year and 2 the next, the 6 with nothing done)."""

from __future__ import annotations

import datetime as dt

from ehrsim.paths import modules_dir
from tests.engine.harness import simulate

AUDIT_C, COUNSELLING = "75626-2", "413473000"
BANDS = ((0, 2), (3, 4), (5, 7))


def _band(score: float) -> int:
    return next(i for i, (low, high) in enumerate(BANDS) if low <= score <= high)


def test_audit_c_stays_in_the_persons_band_and_a_positive_screen_is_counselled() -> None:
    seen_bands = set()
    for seed in range(6):
        _sim, record = simulate(
            "wellness_encounters",
            gender="F",
            born=dt.date(1960, 1, 1),
            end=dt.date(2024, 1, 1),
            seed=seed,
            folder=modules_dir(),
        )
        scores = [(o["encounter"], o["value"]) for o in record["observations"] if o["codes"][0]["code"] == AUDIT_C]
        assert len(scores) >= 10  # yearly from 1998
        bands = {_band(v) for _, v in scores}
        assert len(bands) == 1, f"seed {seed}: {sorted(v for _, v in scores)}"
        seen_bands |= bands
        counselled = {p["encounter"] for p in record["procedures"] if p["codes"][0]["code"] == COUNSELLING}
        assert {enc for enc, v in scores if v >= 3} == counselled  # a woman is positive at 3 or more
    assert len(seen_bands) >= 2  # the draw still varies between people
