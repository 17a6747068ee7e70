"""A blood count's red-cell results agree with each other and with its haemoglobin (core/red_cells.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from ehrsim.core import red_cells
from tests.engine.harness import simulate


def _count(seed: int) -> dict[str, dict]:
    _, record = simulate("blood_count", born=dt.date(1970, 1, 1), end=dt.date(2001, 1, 1), seed=seed)
    (cbc,) = [r for r in record["reports"] if r["codes"][0]["code"] == "58410-2"]
    by_id = {o["id"]: o for o in record["observations"]}
    return {by_id[i]["codes"][0]["code"]: by_id[i] for i in cbc["observations"]}


@pytest.mark.parametrize("seed", range(8))
def test_an_anaemic_count_has_a_low_haematocrit_and_indices_that_agree(seed: int) -> None:
    """The s18young chart review: Hb 9.9 g/dL came with Hct 39.2 % and MCH 31.3 pg, each index drawn from the
    module's normal range. After anaemia is diagnosed the count's Hct is about 3 x Hb, flagged by its value, and
    MCHC = Hb / Hct, MCH = Hb / RBC, MCV = Hct / RBC hold to their rounding."""
    count = _count(seed)
    v = {code: o["value"] for code, o in count.items()}
    hb, hct, rbc = v[red_cells.HB], v[red_cells.HCT], v[red_cells.RBC]
    assert hb < 12.0 and 2.8 * hb <= hct <= 3.15 * hb  # MCHC 32-35.5 g/dL
    assert count[red_cells.HCT]["interpretation"] == ("L" if hct < 35.5 else "N")  # women's 35.5-44.9 %
    assert abs(hb / hct * 100 - v[red_cells.MCHC]) < 0.2
    assert abs(hb / rbc * 10 - v[red_cells.MCH]) < 0.2
    assert abs(hct / rbc * 10 - v[red_cells.MCV]) < 0.5


def test_agree_computes_only_the_results_the_panel_has() -> None:
    assert red_cells.agree({red_cells.HB: 12.0}) == {}
    out = red_cells.agree({red_cells.HB: 12.0, red_cells.MCHC: 33.3, red_cells.HCT: 44.0})
    assert out == {red_cells.HCT: 36.0}
