"""The report and the coherence checks on real generated populations.

The fast test runs a few whole lives through the engine. The slow one (``-m slow``) runs 2,000 with
two workers (a few minutes) and checks: every patient is coherent, every target row gets a
figure, at least ``MIN_WITHIN`` of the target rows are met at the 95 % interval, and life
expectancy at birth by sex is within ±3 years of the US life table. ``MIN_WITHIN`` is deliberately
below today's figure (see docs/realism.md), so ongoing calibration of one module cannot break it;
raise it as modules improve.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import pytest

from ehrsim.record.times import from_date
from ehrsim.report.coherence import (
    check_encounter_overlap,
    check_lifespan,
    check_record,
    check_references,
    check_sex_age_limits,
)
from ehrsim.report.realism import realism
from ehrsim.report.source import RunInfo, iter_records
from ehrsim.report.targets import load_targets

REFERENCE_DATE = dt.date(2025, 1, 1)
REFERENCE = from_date(REFERENCE_DATE)
MIN_WITHIN = 0.5  # fraction of target rows met at the 95 % interval (2,000 patients)
LIFE_TOLERANCE = 3.0  # years, life expectancy at birth by sex


def _generate(n: int, seed: int) -> list[dict[str, Any]]:
    ehrsim = pytest.importorskip("ehrsim")
    try:
        return list(ehrsim.generate(n, seed=seed, reference_date=REFERENCE_DATE, years_of_history=0))
    except ImportError as exc:  # the engine or its modules are still being written
        pytest.skip(f"engine not importable yet: {exc}")


@pytest.fixture(scope="module")
def few_lives() -> list[dict[str, Any]]:
    return _generate(12, seed=3)


def test_engine_level_coherence_on_a_few_lives(few_lives: list[dict[str, Any]]) -> None:
    """What the engine itself guarantees, whatever the modules say: lifespan, one encounter at a time, links."""
    problems = []
    for record in few_lives:
        problems += check_lifespan(record, REFERENCE)
        problems += check_encounter_overlap(record)
        problems += check_references(record)
        problems += check_sex_age_limits(record)
    assert problems == [], "\n".join(problems[:20])


def test_report_covers_every_target_on_a_few_lives(few_lives: list[dict[str, Any]]) -> None:
    targets = load_targets()
    report = realism(few_lives, RunInfo(REFERENCE), targets)
    assert len(report.results) == len(targets)
    assert report.patients == 12


@pytest.mark.slow
def test_realism_and_coherence_on_2000_patients(tmp_path: Path) -> None:
    ehrsim = pytest.importorskip("ehrsim")
    from ehrsim.settings import Settings

    settings = Settings(population=2000, seed=1, reference_date=REFERENCE_DATE, years_of_history=0,
                        formats=("json",), out=tmp_path, workers=2)
    ehrsim.run(settings)
    problems: list[str] = []
    records = 0
    for record in iter_records(tmp_path):
        records += 1
        problems += check_record(record, end_time=REFERENCE)
    assert records == 2000
    assert problems == [], f"{len(problems)} coherence problems, e.g.:\n" + "\n".join(problems[:30])

    targets = load_targets()
    report = realism(iter_records(tmp_path), RunInfo(REFERENCE), targets)
    assert len(report.results) == len(targets)
    assert all(r.has_data for r in report.results if r.target.age_low < 85), "a target row got no figure"
    assert report.fraction_within >= MIN_WITHIN, f"only {report.fraction_within:.0%} of targets met"
    for sex in ("M", "F"):
        e0 = report.life_expectancy(sex)
        assert e0 is not None and not math.isnan(e0.value)
        assert abs(e0.gap) <= LIFE_TOLERANCE, f"life expectancy {sex}: {e0.value:.1f} vs {e0.published}"
