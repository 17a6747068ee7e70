"""Before cefuroxime (1987), an otitis or sinusitis order gets amoxicillin, not cephalexin (alternatives.csv)."""

from __future__ import annotations

import datetime as dt

from tests.prescribing.helpers import at, code_of, onset, order, patient

CEFUROXIME_TAB = "309097"
OTITIS_MEDIA = "65363002"
SINUSITIS = "36971009"


def test_otitis_and_sinusitis_before_cefuroxime_get_amoxicillin() -> None:
    for reason in (OTITIS_MEDIA, SINUSITIS):
        sim = patient(dt.date(1950, 1, 1))
        at(sim, dt.date(1983, 10, 24))
        onset(sim, "conditions", reason)
        med = order(sim, CEFUROXIME_TAB, days=10, reason=[{"system": "SNOMED-CT", "code": reason, "display": ""}])
        assert code_of(med) == "308192", reason  # amoxicillin 500 MG Oral Tablet


def test_an_order_for_no_listed_indication_keeps_the_era_substitute() -> None:
    sim = patient(dt.date(1950, 1, 1))
    at(sim, dt.date(1983, 10, 24))
    assert code_of(order(sim, CEFUROXIME_TAB, days=10)) == "309114"  # cephalexin, as before
