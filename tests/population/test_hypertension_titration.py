"""Hypertension care follows the BP the core computes (s10review chart review): treated hypertension is intensified
while readings stay at or above 140/90, so nobody stays at >= 150/95 for a year on unchanged drugs (audit rule
care.hypertension_intensified), and a young child's loratadine chewable is replaced by the 10 mg tablet from 6 years
(rx.young_child_strength_from_6)."""

from __future__ import annotations

import datetime as dt

import ehrsim
from ehrsim.report.clinical import RuleResult, audit, default_clinical
from ehrsim.report.source import RunInfo


def _rule(records: list[dict], rule_id: str) -> RuleResult:
    info = RunInfo(int(dt.datetime(2020, 1, 1, tzinfo=dt.UTC).timestamp()))
    (result,) = audit(records, info, default_clinical(), only=[rule_id]).results
    return result


def test_treated_hypertension_is_intensified() -> None:
    records = list(
        ehrsim.generate(
            120,
            seed=11,
            reference_date=dt.date(2020, 1, 1),
            only_modules=("hypertension",),
            age_min=45,
            age_max=85,
            years_of_history=0,
        )
    )
    result = _rule(records, "care.hypertension_intensified")
    assert result.patients >= 15  # enough treated hypertensives to judge
    # Without intensification 30 of 86 (35 %) broke the rule (s10review); 120 lives give 15-40 treated patients
    # (fewer per life since s16htn's lower onset rates and 45 % awareness at onset), so the
    # audit's 10 % tolerance is judged on the 2,000-life proof run and this test asks for well under the old share.
    assert result.patients_breaking <= 0.2 * result.patients
    # s13htn: decisions on the recorded reading, follow-up every 3-6 months at goal (JNC 7), era stepped care: treated
    # patients whose readings average >= 140/90 over a year on unchanged drugs (35-48 % of 69-83 before, 300 lives)
    mean = _rule(records, "care.hypertension_mean_above_goal")
    assert mean.patients >= 15 and mean.patients_breaking <= 0.25 * mean.patients


def test_loratadine_chewable_is_outgrown_at_6() -> None:
    records = list(
        ehrsim.generate(
            60,
            seed=3,
            reference_date=dt.date(2020, 1, 1),
            only_modules=("allergic_rhinitis",),
            age_min=10,
            age_max=18,
            years_of_history=0,
        )
    )
    result = _rule(records, "rx.young_child_strength_from_6")
    assert result.events > 0
    assert result.events_breaking == 0
