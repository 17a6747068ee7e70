"""Fast-forwarded Delay loops leave at the same times, in distribution, as iterating them."""

from __future__ import annotations

import statistics
from pathlib import Path

import pytest

from ehrsim.engine import loops
from ehrsim.gmf.library import load_library
from ehrsim.gmf.values import SECONDS
from tests.engine import harness

LOOPS = Path(__file__).resolve().parents[1] / "fixtures" / "modules" / "loops"


def _exit_ages(names: tuple[str, ...], fast: bool, n: int) -> list[float]:
    ages = []
    original = harness.library

    def lib(folder: Path = LOOPS) -> object:
        library = load_library([folder])
        if fast:
            assert loops.install(library) >= 1
        return library

    harness.library = lib  # type: ignore[assignment]
    try:
        for seed in range(n):
            sim, _ = harness.simulate(*names, seed=seed, folder=LOOPS)
            sick = [t for t, _, s in sim.trace or [] if s == "Sick"]
            assert sick, "the loop never exited within 30 years"
            ages.append((sick[0] - sim.birth_time) / SECONDS["years"])
    finally:
        harness.library = original  # type: ignore[assignment]
    return ages


@pytest.mark.parametrize("fast", [False, True])
def test_age_gated_monthly_risk(fast: bool) -> None:
    ages = _exit_ages(("monthly_risk",), fast, 300)
    assert min(ages) >= 10.0
    # after age 10, a monthly chance of 5 %: on average 20 months (sd ~19.5), so 300 draws -> se ~0.09 y
    assert statistics.mean(ages) - 10.0 == pytest.approx(20 / 12, abs=4 * 19.5 / 12 / 300**0.5)


@pytest.mark.parametrize("fast", [False, True])
def test_attribute_risk_wakes_the_loop_when_it_changes(fast: bool) -> None:
    ages = _exit_ages(("attribute_risk", "raise_risk"), fast, 300)
    assert min(ages) >= 5.0 - 1e-9
    # weekly chance of 10 % from age 5: on average 10 weeks after
    assert statistics.mean(ages) - 5.0 == pytest.approx(10 * 7 / 365.25, abs=0.06)


def test_fast_loops_is_an_explicit_engine_option() -> None:
    import datetime as dt

    from ehrsim.population import Population
    from ehrsim.settings import Settings

    settings = Settings(reference_date=dt.date(2025, 1, 1), modules=(LOOPS,))

    def fast_forwarded(population: Population) -> int:
        nodes = (n for m in population.library.modules.values() for n in m.nodes.values())
        return sum(isinstance(getattr(n.process, "__self__", None), loops.LoopingDelay) for n in nodes)

    assert fast_forwarded(Population(settings)) >= 1
    assert fast_forwarded(Population(settings, fast_loops=False)) == 0
