"""Issue 13's distribution proof by two-sample tests (slow: ~3,000 short fixture lives).

Fixture (tests/fixtures/modules/cohort_twosample): hypertension from 18 at 0.04 %/month (~15 % of
lives), and CKD at 0.4 %/month with hypertension, else 0.03 %/month (the comorbidity).

1. With steering off, the patients a rejection cohort keeps have the distribution of the matching
   patients of an unconstrained population (another seed): hypertension onset age by a two-sample
   Kolmogorov-Smirnov test, CKD comorbidity by a two-proportion test.
2. A steered cohort (factor 10), weighted by its sampling weights, has the rejection cohort's
   distribution (weighted KS with the weights' effective sample size); unweighted, the same test
   rejects it (steering moves onsets earlier), so the test can fail.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest

import ehrsim
from tests.conftest import FIXTURE_MODULES

pytestmark = pytest.mark.slow

MODULES = FIXTURE_MODULES / "cohort_twosample"
REF = dt.date(2025, 1, 1)
HTN, CKD = "38341003", "431855005"
COHORT = f"condition(SNOMED-CT:{HTN})"
N = 150
#: Kolmogorov-Smirnov critical coefficient c(alpha) = sqrt(-ln(alpha / 2) / 2) at alpha = 0.001
KS_C = math.sqrt(-math.log(0.0005) / 2)
YEAR = 365.25 * 86400


def _onset_age(record: dict) -> float:
    start = next(c["start"] for c in record["conditions"] if c["codes"][0]["code"] == HTN)
    return (start - record["patient"]["birth_time"]) / YEAR


def _ckd(record: dict) -> bool:
    return any(c["codes"][0]["code"] == CKD for c in record["conditions"])


def _ks(a: list[float], wa: list[float], b: list[float], wb: list[float]) -> float:
    """sup |F_a - F_b| of two weighted empirical distribution functions."""
    points = sorted({*a, *b})

    def cdf(values: list[float], weights: list[float]) -> list[float]:
        pairs = sorted(zip(values, weights, strict=True))
        total, acc, i, out = sum(weights), 0.0, 0, []
        for x in points:
            while i < len(pairs) and pairs[i][0] <= x:
                acc += pairs[i][1]
                i += 1
            out.append(acc / total)
        return out

    return max(abs(p - q) for p, q in zip(cdf(a, wa), cdf(b, wb), strict=True))


def _ess(weights: list[float]) -> float:
    return sum(weights) ** 2 / sum(w * w for w in weights)


def _critical(n: float, m: float) -> float:
    return KS_C * math.sqrt((n + m) / (n * m))


def _generate(n: int, seed: int, **options: object) -> list[dict]:
    return list(ehrsim.generate(n, seed=seed, reference_date=REF, modules=MODULES, years_of_history=0, **options))


def test_rejection_steered_and_natural_cohorts_have_one_distribution() -> None:
    rejected = _generate(N, 1, cohort=COHORT)
    natural = [r for r in _generate(1500, 2) if any(c["codes"][0]["code"] == HTN for c in r["conditions"])]
    steered = _generate(N, 3, cohort=COHORT, cohort_steer=10)
    assert len(natural) > 120

    ages_r, ones_r = [_onset_age(r) for r in rejected], [1.0] * len(rejected)
    ages_n, ones_n = [_onset_age(r) for r in natural], [1.0] * len(natural)
    # 1. rejection == the matching patients of an unconstrained population
    d = _ks(ages_r, ones_r, ages_n, ones_n)
    assert d < _critical(len(ages_r), len(ages_n)), d
    p_r, p_n = sum(map(_ckd, rejected)) / len(rejected), sum(map(_ckd, natural)) / len(natural)
    pooled = (p_r * len(rejected) + p_n * len(natural)) / (len(rejected) + len(natural))
    se = math.sqrt(pooled * (1 - pooled) * (1 / len(rejected) + 1 / len(natural)))
    assert abs(p_r - p_n) < 3.5 * se, (p_r, p_n, se)

    # 2. steered, weighted == rejection; unweighted, it differs (the test has power)
    weights = [r["weight"] for r in steered]
    ages_s = [_onset_age(r) for r in steered]
    ess = _ess(weights)
    assert ess > 30, ess
    d = _ks(ages_s, weights, ages_r, ones_r)
    assert d < _critical(ess, len(ages_r)), (d, ess)
    unweighted = _ks(ages_s, [1.0] * len(ages_s), ages_r, ones_r)
    assert unweighted > _critical(len(ages_s), len(ages_r)), unweighted
    p_s = sum(w * _ckd(r) for w, r in zip(weights, steered, strict=True)) / sum(weights)
    se = math.sqrt(p_r * (1 - p_r) * (1 / len(rejected) + 1 / ess))
    assert abs(p_s - p_r) < 3.5 * se, (p_s, p_r, se)
