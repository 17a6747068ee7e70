from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ehrsim.report.stats import binomial_sf, clopper_pearson, poisson, rate, wilson


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


@pytest.mark.parametrize(
    ("k", "n", "p"), [(0, 5, 0.3), (1, 4, 0.1), (3, 10, 0.5), (7, 12, 0.2), (12, 12, 0.9), (2, 40, 0.01)]
)
def test_binomial_tail_is_the_exact_sum(k: int, n: int, p: float) -> None:
    exact = sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k, n + 1))
    assert binomial_sf(k, n, p) == pytest.approx(exact, rel=1e-9, abs=1e-15)


def test_clopper_pearson_known_values() -> None:
    # Exact intervals from the beta quantiles (as R binom.test gives them)
    assert clopper_pearson(1, 4) == pytest.approx((0.00631, 0.80588), abs=1e-5)
    assert clopper_pearson(0, 10) == pytest.approx((0.0, 0.30850), abs=1e-5)
    assert clopper_pearson(5, 10) == pytest.approx((0.18709, 0.81291), abs=1e-5)


@given(st.integers(0, 2_000), st.integers(1, 2_000))
def test_clopper_pearson_contains_the_estimate_and_is_wider_than_wilson(k: int, n: int) -> None:
    k = min(k, n)
    lo, hi = clopper_pearson(k, n)
    assert 0 <= lo <= k / n <= hi <= 1
    w_lo, w_hi = wilson(k, n)
    assert lo <= w_lo + 1e-9 or hi >= w_hi - 1e-9
