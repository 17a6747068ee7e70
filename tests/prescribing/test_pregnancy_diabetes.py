"""Drugs unsafe in pregnancy give way: GLP-1, SGLT2, DPP-4 to insulin (ADA 2024 s15), spironolactone to labetalol."""

from __future__ import annotations

import datetime as dt

from ehrsim.prescribing import pregnancy
from tests.prescribing.helpers import at, code_of, onset, order, patient

LIRAGLUTIDE = "897122"
GLARGINE = "311041"


def test_liraglutide_in_pregnancy_becomes_insulin_and_returns_after() -> None:
    sim = patient(dt.date(1985, 1, 1), pregnant=True)
    at(sim, dt.date(2018, 3, 1))
    entry = order(sim, LIRAGLUTIDE, chronic=True)
    assert code_of(entry) == GLARGINE and entry["prescribing"]["rule"] == "glp1_pregnancy"
    assert entry["dosage"]["dose_unit"] == "[iU]"  # insulin in units by weight, not the pen's mL
    after = patient(dt.date(1985, 1, 1))
    at(after, dt.date(2019, 3, 1))
    assert code_of(order(after, LIRAGLUTIDE, chronic=True)) == LIRAGLUTIDE


def test_spironolactone_in_pregnancy_becomes_labetalol() -> None:
    sim = patient(dt.date(1975, 1, 1), pregnant=True)
    at(sim, dt.date(2000, 3, 1))
    entry = order(sim, "313096", chronic=True)  # spironolactone 25 mg (a fourth antihypertensive)
    assert code_of(entry) == "896758" and entry["prescribing"]["rule"] == "spironolactone_pregnancy"


def test_a_pregnancy_substitute_gives_way_to_the_ordered_drug_at_the_first_visit_after_the_birth() -> None:
    """s14care: labetalol stood in for lisinopril to the next yearly renewal, up to a year after the birth."""
    sim = patient(dt.date(1990, 1, 1))
    at(sim, dt.date(2020, 1, 1))
    sim.set_attribute("pregnant", True)
    at(sim, dt.date(2020, 2, 1))
    entry = order(sim, "314076", chronic=True)  # lisinopril 10 mg in pregnancy: labetalol
    assert code_of(entry) == "896758" and entry["prescribing"]["rule"] == "raas_pregnancy_acei"
    at(sim, dt.date(2020, 8, 1))
    sim.set_attribute("pregnant", False)  # the birth
    assert sim.rx.postpartum_review
    at(sim, dt.date(2020, 9, 10))  # the postpartum visit
    pregnancy.review_after_pregnancy(sim.rx, None, sim.now)
    current = [m for m, _ in sim.rx._current(sim.now)]
    assert [code_of(m) for m in current] == ["314076"]
    assert entry["stop"] == sim.now and not sim.rx.postpartum_review


def test_an_nsaid_in_pregnancy_becomes_acetaminophen() -> None:
    """s15 chart review (seed 9191): ibuprofen and naproxen ordered in a pregnancy (FDA 2020-10-15, ACOG 2020)."""
    for nsaid in ("310965", "198014"):  # ibuprofen 200 mg, naproxen 500 mg
        sim = patient(dt.date(1990, 1, 1), pregnant=True)
        at(sim, dt.date(2021, 3, 1))
        entry = order(sim, nsaid, days=5)
        assert code_of(entry) == "313782" and entry["prescribing"]["rule"] == "nsaid_pregnancy"
    after = patient(dt.date(1990, 1, 1))
    at(after, dt.date(2021, 3, 1))
    assert code_of(order(after, "310965", days=5)) in ("310965", "197805")  # ibuprofen (strength by dose plan)


def test_a_running_nsaid_gives_way_when_the_pregnancy_is_recorded() -> None:
    sim = patient(dt.date(1990, 1, 1))
    at(sim, dt.date(2021, 3, 1))
    first = order(sim, "198014", chronic=True)  # naproxen 500 mg
    at(sim, dt.date(2021, 5, 1))
    onset(sim, "conditions", "72892002")  # Normal pregnancy (finding)
    assert first["stop"] == sim.now
    assert [code_of(m) for m, _ in sim.rx._current(sim.now)] == ["313782"]
