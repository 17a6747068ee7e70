"""COVID-19 doses are numbered as one history: a booster after the primary series is dose 3, not dose 1 again."""

from __future__ import annotations

import datetime as dt

from ehrsim.core.vaccine_plan import dose_family
from tests.engine.harness import simulate

COVID_CVX = {"207", "208", "212", "213", "217", "218", "219", "221", "228", "229", "300", "301", "309", "310", "311"}


def test_covid_boosters_continue_the_dose_count() -> None:
    boosted = 0
    for seed in range(8):
        _, rec = simulate("simple", born=dt.date(1950, 1, 1), end=dt.date(2025, 6, 1), seed=seed)
        doses = sorted((i for i in rec["immunizations"] if i["codes"][0]["code"] in COVID_CVX), key=lambda i: i["time"])
        assert [d["series"] for d in doses] == list(range(1, len(doses) + 1))  # s13review: 109 of 112 restarted at 1
        boosted += len(doses) >= 3
    assert boosted >= 2


def test_dose_family_groups_the_campaigns_of_one_vaccine() -> None:
    assert {"covid_primary", "covid_booster_2021", "covid_2024"} <= dose_family("covid_booster_2021")
    assert dose_family("flu") == frozenset({"flu"})
