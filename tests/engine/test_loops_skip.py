"""A loop's delays that certainly end past its horizon are skipped, not drawn: the life is the same either way."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ehrsim.engine import loops
from ehrsim.gmf.library import load_library
from tests.engine import harness

LOOPS = Path(__file__).resolve().parents[1] / "fixtures" / "modules" / "loops"


def test_skipping_leaves_the_generator_where_drawing_would() -> None:
    drawn, skipped = np.random.default_rng(7), np.random.default_rng(7)
    drawn.uniform(3.0, 5.0, 123_457)
    assert loops._skip_doubles(skipped, 123_457)
    assert skipped.random(5).tolist() == drawn.random(5).tolist()


def test_a_generator_holding_half_an_output_is_left_to_draw() -> None:
    rng = np.random.default_rng(7)
    rng.integers(0, 10, dtype=np.int32)  # a 32-bit draw keeps the other half of the 64-bit output
    before = rng.bit_generator.state
    assert not loops._skip_doubles(rng, 1000)
    assert rng.bit_generator.state == before


def _trace(seed: int) -> list[tuple[float, str, str]]:
    original = harness.library

    def lib(folder: Path = LOOPS) -> object:
        library = load_library([folder])
        assert loops.install(library) >= 1
        return library

    harness.library = lib  # type: ignore[assignment]
    try:
        sim, _ = harness.simulate("rare_risk", seed=seed, folder=LOOPS)
    finally:
        harness.library = original  # type: ignore[assignment]
    return list(sim.trace or [])


def test_a_rare_exit_loop_lives_the_same_life_with_and_without_the_skip(monkeypatch: pytest.MonkeyPatch) -> None:
    # 1 in 10,000 per 3-5 day check: the geometric count runs to ~10,000 checks (~110 years), past the horizon at 20
    skips: list[int] = []
    real = loops._skip_doubles

    def counted(rng: np.random.Generator, n: int) -> bool:
        skips.append(n)
        return real(rng, n)

    monkeypatch.setattr(loops, "_skip_doubles", counted)
    with_skip = [_trace(seed) for seed in range(20)]
    assert len(skips) >= 10 and max(skips) > 1000
    monkeypatch.setattr(loops, "_skip_doubles", lambda rng, n: False)
    assert [_trace(seed) for seed in range(20)] == with_skip
    assert all(any(s == "Adult" for _, _, s in trace) for trace in with_skip)
