from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ehrsim.report.stats import poisson, rate, wilson


def test_wilson_known_value() -> None:
    lo, hi = wilson(30, 100)
    assert lo == pytest.approx(0.2189, abs=1e-4) and hi == pytest.approx(0.3958, abs=1e-4)


def test_wilson_edges() -> None:
    assert wilson(0, 0) == (0.0, 1.0)
    lo, hi = wilson(0, 50)
    assert lo == 0.0 and 0 < hi < 0.1


@pytest.mark.parametrize(
    ("k", "exact_lo", "exact_hi"), [(0, 0.0, 3.689), (1, 0.0253, 5.572), (10, 4.795, 18.39), (100, 81.36, 121.6)]
)
def test_poisson_close_to_exact(k: int, exact_lo: float, exact_hi: float) -> None:
    lo, hi = poisson(k)
    assert lo == pytest.approx(exact_lo, rel=0.02, abs=0.002)
    assert hi == pytest.approx(exact_hi, rel=0.01)


def test_rate_without_exposure_is_nan() -> None:
    assert all(math.isnan(x) for x in rate(0, 0.0))


@given(st.integers(0, 10_000), st.integers(1, 10_000))
def test_wilson_contains_the_estimate(k: int, n: int) -> None:
    k = min(k, n)
    lo, hi = wilson(k, n)
    assert 0 <= lo <= k / n <= hi <= 1


@given(st.integers(0, 100_000))
def test_poisson_contains_the_count(k: int) -> None:
    lo, hi = poisson(k)
    assert 0 <= lo <= k < hi
