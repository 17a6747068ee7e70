"""Speed-ups that must give the very same numbers as the code they bypass (session 18's speed work): each fast path
is compared with the slow computation it stands for, on random and edge inputs, down to the last bit."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from ehrsim.core import egfr_equations, physio_drugs
from ehrsim.engine import patient_state
from ehrsim.record.times import to_datetime


def _month_by_datetime(t: float) -> tuple[float, float, tuple[int, float]]:
    """``PatientState.month_at``'s cache entry as it was built before the month table (from a datetime)."""
    now = to_datetime(t)
    start = dt.datetime(now.year, now.month, 1, tzinfo=dt.UTC)
    nxt = dt.datetime(now.year + (now.month == 12), now.month % 12 + 1, 1, tzinfo=dt.UTC).timestamp()
    return start.timestamp(), nxt, (now.month, nxt)


class _State:
    month_at = patient_state.PatientState.month_at

    def __init__(self) -> None:
        self._month = (0.0, 0.0, (0, 0.0))


def test_month_at_from_the_table_is_the_datetime_answer_including_month_edges_and_outside_the_table() -> None:
    rng = random.Random(18)
    starts = patient_state._month_starts()
    times = [rng.uniform(-6.0e9, 7.5e9) for _ in range(20_000)]
    for delta in (0.0, 1e-7, 4e-7, 6e-7, 1e-6, 1e-3, 2e-3, 1.0):  # timedelta rounds to microseconds near an edge
        times += [s - delta for s in starts[::29]] + [s + delta for s in starts[::31]]
    times += [starts[0] - 1.0, starts[-1], starts[-1] + 86400.0 * 40, -1.0e10]  # outside: the datetime path
    for t in times:
        state = _State()
        expected = _month_by_datetime(t)
        assert state.month_at(t) == expected[2], t
        assert state._month == expected, t


@pytest.mark.parametrize("equation", ["ckd_epi_2009", "mdrd_186", "mdrd_175"])
def test_the_bisection_equation_is_egfr_equation_to_the_bit(equation: str) -> None:
    rng = random.Random(7)
    for _ in range(5_000):
        creatinine, age, sex = rng.uniform(0.05, 40.0), rng.uniform(0.0, 110.0), rng.choice("MF")
        at = egfr_equations._at_creatinine(equation, age, sex)
        assert at(creatinine) == egfr_equations.egfr_equation(equation, creatinine, age, sex)


def test_creatinine_at_is_the_bisection_on_egfr_equation() -> None:
    def by_equation(equation: str, egfr: float, age: float, sex: str) -> float:
        lo, hi = 0.05, 40.0
        for _ in range(60):
            mid = (lo + hi) / 2
            if egfr_equations.egfr_equation(equation, mid, age, sex) > egfr:
                lo = mid
            else:
                hi = mid
        return lo

    rng = random.Random(11)
    for equation in ("ckd_epi_2009", "mdrd_186", "mdrd_175"):
        for _ in range(300):
            egfr, age, sex = rng.uniform(3.0, 150.0), rng.uniform(18.0, 100.0), rng.choice("MF")
            assert egfr_equations.creatinine_at(equation, egfr, age, sex) == by_equation(equation, egfr, age, sex)


DISPLAYS = [
    "lisinopril 10 MG Oral Tablet",
    "amLODIPine 5 MG Oral Tablet",
    "Hydrochlorothiazide 25 MG Oral Tablet",
    "hydrochlorothiazide 12.5 MG / lisinopril 20 MG Oral Tablet",
    "labetalol hydrochloride 200 MG Oral Tablet",
    "metFORMIN hydrochloride 500 MG Oral Tablet",
    "Acetaminophen 325 MG Oral Tablet",
    "insulin isophane, human 70 UNT/ML / insulin, regular, human 30 UNT/ML Injectable Suspension",
    "Simvastatin 20 MG Oral Tablet",
    "Nitroglycerin 0.4 MG/ACTUAT Mucosal Spray",
    "lisinopril Oral Tablet",
]
DOSAGES = [
    None,
    {},
    {"amount": 1, "frequency": 1, "period": 1, "unit": "days"},
    {"amount": 2, "frequency": 2, "period": 1, "unit": "days"},
    {"amount": 40.0, "frequency": 1, "period": 1, "unit": "days", "dose_unit": "mg"},
    {"amount": "x", "frequency": 1},
]


def test_a_display_without_a_standard_dose_strength_has_no_factors_whatever_the_dosage() -> None:
    """The dosage is read only for a display naming an ingredient with a strength; every other gives no factor, as
    the full computation does."""
    standard = physio_drugs.standard_doses()
    for display in DISPLAYS:
        parts = display.lower().split(" / ")
        named = any(i in p and physio_drugs._STRENGTH.search(p) for p in parts for i in standard)
        assert physio_drugs._names_bp_strength(display) == named, display
        for dosage in DOSAGES:
            factors = physio_drugs.bp_dose_factors(display, dosage)
            if not named:
                assert factors == {}, (display, dosage)
    assert physio_drugs._names_bp_strength("lisinopril 10 MG Oral Tablet")
    assert not physio_drugs._names_bp_strength("Acetaminophen 325 MG Oral Tablet")
    assert physio_drugs.bp_dose_factors("lisinopril 10 MG Oral Tablet", None)  # still computed for a BP drug
