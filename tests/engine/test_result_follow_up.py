"""A PHQ-9 of 15 or more at a screening of someone not in care for depression is referred at that visit (core)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ehrsim.engine.simulation import Simulation
from tests.prescribing.helpers import Order, Run, at, onset, order, patient

REFERRAL = "183524004"
SERTRALINE = "312938"


def _phq9(sim: Simulation, score: float) -> dict[str, Any]:
    fields = {
        "time": sim.now,
        "category": "survey",
        "codes": [{"system": "LOINC", "code": "44261-6", "display": "PHQ-9 total"}],
        "value": score,
        "value_type": "numeric",
        "unit": "{score}",
        "components": [],
        "report": None,
    }
    return sim.add_entry(Run(), "observations", fields, Order(name="PHQ9"))  # type: ignore[arg-type]


def _referrals(sim: Simulation) -> int:
    return sum(p["codes"][0]["code"] == REFERRAL for p in sim.rec.lists["procedures"])


def test_severe_score_is_referred_once() -> None:
    sim = patient(dt.date(1990, 1, 1))
    at(sim, dt.date(2020, 3, 1))
    _phq9(sim, 19)
    assert _referrals(sim) == 1
    at(sim, dt.date(2020, 3, 20))
    _phq9(sim, 21)  # already referred within 60 days
    assert _referrals(sim) == 1
    at(sim, dt.date(2020, 9, 1))
    _phq9(sim, 16)
    assert _referrals(sim) == 2


def test_no_referral_below_15_or_when_in_care() -> None:
    mild = patient(dt.date(1990, 1, 1))
    at(mild, dt.date(2020, 3, 1))
    _phq9(mild, 14)
    assert _referrals(mild) == 0
    diagnosed = patient(dt.date(1990, 1, 1))
    at(diagnosed, dt.date(2020, 3, 1))
    onset(diagnosed, "conditions", "370143000")  # major depressive disorder, followed by its own care
    _phq9(diagnosed, 19)
    assert _referrals(diagnosed) == 0
    treated = patient(dt.date(1990, 1, 1))
    at(treated, dt.date(2020, 3, 1))
    order(treated, SERTRALINE, chronic=True)
    _phq9(treated, 19)
    assert _referrals(treated) == 0


def _psa(sim: Simulation, value: float) -> dict[str, Any]:
    fields = {
        "time": sim.now,
        "category": "laboratory",
        "codes": [{"system": "LOINC", "code": "2857-1", "display": "Prostate specific Ag"}],
        "value": value,
        "value_type": "numeric",
        "unit": "ng/mL",
        "components": [],
        "report": None,
    }
    return sim.add_entry(Run(), "observations", fields, Order(name="PSA"))  # type: ignore[arg-type]


def _service_referrals(sim: Simulation) -> int:
    return sum(p["codes"][0]["code"] == "306206005" for p in sim.rec.lists["procedures"])


def test_an_elevated_psa_is_referred_unless_prostate_cancer_is_known() -> None:
    """s13review chart review: 14 of 26 PSAs of 4 or more had no repeat, referral, biopsy or diagnosis in a year."""
    sim = patient(dt.date(1960, 1, 1), gender="M")
    at(sim, dt.date(2019, 5, 31))
    _psa(sim, 3.2)
    assert _service_referrals(sim) == 0
    at(sim, dt.date(2020, 6, 1))
    _psa(sim, 7.2)
    assert _service_referrals(sim) == 1
    known = patient(dt.date(1960, 1, 1), gender="M")
    at(known, dt.date(2019, 5, 31))
    onset(known, "conditions", "399068003")  # malignant neoplasm of prostate, in its own care
    _psa(known, 7.2)
    assert _service_referrals(known) == 0
