"""No combined (estrogen) contraceptive with migraine with aura (CDC US MEC 2024: category 4; rules.csv
estrogen_migraine_aura): a progestin-only pill instead, at the order and when the diagnosis comes while one runs."""

from __future__ import annotations

import datetime as dt

from tests.prescribing.helpers import at, code_of, onset, order, patient

COMBINED_PILL = "238019"  # ethinyl estradiol 0.03 MG / levonorgestrel 0.15 MG Oral Tablet
PROGESTIN_PILL = "198042"  # norethindrone 0.35 MG Oral Tablet
WOMAN = dt.date(1995, 1, 1)


def test_combined_pill_with_migraine_with_aura_becomes_progestin_only() -> None:
    sim = patient(WOMAN)
    at(sim, dt.date(2019, 9, 1))
    onset(sim, "conditions", "4473006")  # migraine with aura
    entry = order(sim, COMBINED_PILL, chronic=True)
    assert code_of(entry) == PROGESTIN_PILL
    assert entry["prescribing"]["rule"] == "estrogen_migraine_aura"


def test_migraine_with_aura_diagnosed_switches_a_running_combined_pill() -> None:
    sim = patient(WOMAN)
    at(sim, dt.date(2019, 9, 1))
    pill = order(sim, COMBINED_PILL, chronic=True)
    assert code_of(pill) == COMBINED_PILL
    at(sim, dt.date(2020, 2, 1))
    onset(sim, "conditions", "4473006")
    assert pill["stop"] == sim.now
    assert code_of(sim.active["medications"][PROGESTIN_PILL]) == PROGESTIN_PILL


def test_combined_pill_with_migraine_without_aura_is_given() -> None:
    sim = patient(WOMAN)
    at(sim, dt.date(2019, 9, 1))
    onset(sim, "conditions", "56097005")  # migraine without aura: category 2
    assert code_of(order(sim, COMBINED_PILL, chronic=True)) == COMBINED_PILL
