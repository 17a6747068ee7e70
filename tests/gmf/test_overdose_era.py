"""Overdose deaths in our opioid_use_disorder module follow the US overdose death rate of the year (s19death): the
module's fatal shares describe 2021 (32.4 per 100,000), and drawn for every year they made overdoses 9.1 % of the
deaths at 25-64 before 1999 on the proof run (audit rule death.overdose_share_before_1999, US 1998 about 3 %)."""

from __future__ import annotations

import json
from pathlib import Path

MODULE = Path(__file__).resolve().parents[2] / "modules" / "opioid_use_disorder.json"


def _fatal(state: str, fatal: str, year: int) -> float:
    """The fatal share of ``state`` in ``year``: the first branch whose Date condition (before a 1 January) holds."""
    for branch in json.loads(MODULE.read_text())["states"][state]["complex_transition"]:
        cond = branch.get("condition")
        if cond is None or (cond["condition_type"] == "Date" and year < cond["date"]["year"]):
            return sum(d["distribution"] for d in branch["distributions"] if d["transition"] == fatal)
    raise AssertionError(f"no branch of {state} for {year}")


def test_overdose_deaths_before_1999_are_a_fifth_of_todays_or_fewer() -> None:
    for state, fatal, today in (
        ("Overdose", "Fatal_Overdose_Prehospital", 0.05),
        ("Overdose_Outcome", "Fatal_Overdose", 0.03),
    ):
        assert _fatal(state, fatal, 2023) == today
        assert _fatal(state, fatal, 1995) <= today * 6.1 / 32.4 + 1e-4  # 1999's rate against 2021's
        assert _fatal(state, fatal, 1975) <= today * 2.7 / 32.4 + 1e-4  # 1980's (NCHS Data Brief 81)
        assert _fatal(state, fatal, 1975) < _fatal(state, fatal, 1995) < _fatal(state, fatal, 2010) < today
