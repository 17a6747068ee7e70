"""A substitute is taken on its own schedule (regimens.csv), not the ordered drug's (s16rx: warfarin twice daily)."""

from __future__ import annotations

import datetime as dt

from ehrsim.prescribing.courses import courses
from ehrsim.prescribing.tables import tables
from tests.prescribing.helpers import at, code_of, onset, order, patient

APIXABAN = "1364445"
WARFARIN = "855332"
TICAGRELOR = "1116635"
ASPIRIN_81 = "243670"
CLOPIDOGREL = "309362"
CEFAZOLIN = "1665060"

#: substitutes (alternatives.csv) of another ingredient that keep the ordered schedule: checked against every drug they
#: replace (same doses a day on the label: once-daily antihypertensives, statins, antidepressants; as-needed opioid
#: combinations; one-off devices and thrombolytics; chemotherapy, whose cycle is the regimen's), or whose schedule is
#: set by another table (paediatric.csv, insulin.csv), or not verified (penicillin G: formulation not known)
_KEEPS = (
    "1049221 1049906 105078 1734340 1736854 1804799 197361 197381 197904 198365 243670 309044 309113 "
    "309114 310132 310385 310490 310798 311028 312961 314076 314077 349199 349200 349201 349405 583214 "
    "727316 745679 834040 854235 854901 854905 856834 857005 858813 861007 864706 866514 895994 898687 "
    "898690 979480 979492 993770 997501"
)
KEEPS_ORDER_SCHEDULE = frozenset(_KEEPS.split())


def test_warfarin_for_apixaban_before_2012_is_once_daily() -> None:
    sim = patient(dt.date(1940, 1, 1))
    at(sim, dt.date(2008, 3, 1))
    entry = order(sim, APIXABAN, chronic=True, frequency=2)  # the module's apixaban 5 mg twice daily
    assert code_of(entry) == WARFARIN
    assert entry["dosage"]["frequency"] == 1
    assert entry["prescribing"]["ordered_dosage"]["frequency"] == 2  # kept, for when apixaban may be renewed


def test_the_era_substitutes_of_twice_daily_ticagrelor_are_once_daily() -> None:
    sim = patient(dt.date(1940, 1, 1))
    at(sim, dt.date(2008, 3, 1))
    entry = order(sim, TICAGRELOR, chronic=True, frequency=2)
    assert code_of(entry) == CLOPIDOGREL and entry["dosage"]["frequency"] == 1
    early = patient(dt.date(1940, 1, 1))
    at(early, dt.date(1995, 3, 1))  # before clopidogrel (1997): low-dose aspirin
    entry = order(early, TICAGRELOR, chronic=True, frequency=2)
    assert code_of(entry) == ASPIRIN_81 and entry["dosage"]["frequency"] == 1


def test_a_single_dose_given_at_a_visit_stays_one_dose() -> None:
    """Cefazolin at a visit for a patient allergic to cephalosporins: the substitute is one dose, not every 8 hours."""
    sim = patient(dt.date(1960, 1, 1))
    at(sim, dt.date(2015, 3, 1))
    onset(sim, "allergies", "2176", system="RxNorm", type="allergy", category="medication", reactions=[])  # cefaclor
    once = order(sim, CEFAZOLIN, administered=True)
    assert code_of(once) != CEFAZOLIN and once["dosage"]["frequency"] == 1
    course = order(sim, CEFAZOLIN, days=5, frequency=3)  # a five-day course keeps the substitute's schedule
    assert code_of(course) == code_of(once)
    assert course["dosage"]["frequency"] == courses().regimens[code_of(course)][0].frequency


def test_every_substitute_of_another_drug_has_its_own_schedule_or_is_known_to_keep_the_order_s() -> None:
    rx = tables()
    regimens = courses().regimens
    substitutes = {alt.code for group in rx.alternatives.values() for alt in group}
    own = {code for code, rows in regimens.items() if any(not r.reason_group and not r.ordered for r in rows)}
    assert substitutes - own - KEEPS_ORDER_SCHEDULE == set()
    assert substitutes >= KEEPS_ORDER_SCHEDULE and not KEEPS_ORDER_SCHEDULE & own


def test_warfarin_ordered_without_a_dosage_is_not_renewed_on_heparins_schedule_after_a_pregnancy() -> None:
    """Synthea's warfarin has no dosage: heparin stood in for it in a pregnancy twice daily, and the renewal after
    the birth gave warfarin heparin's twice daily, renewed yearly for 40 years (s17syn, 300 lives, 42 orders)."""
    sim = patient(dt.date(1930, 1, 1))
    at(sim, dt.date(1956, 1, 1))
    sim.set_attribute("pregnant", True)
    at(sim, dt.date(1956, 2, 1))
    entry = order(sim, WARFARIN, chronic=True, no_dosage=True)
    assert code_of(entry) != WARFARIN and entry["dosage"]["frequency"] == 2  # heparin every 12 hours
    at(sim, dt.date(1956, 9, 1))
    sim.set_attribute("pregnant", False)
    at(sim, dt.date(1957, 11, 29))
    renewed = sim.renew("medications", entry, sim.now, None)
    assert renewed is not None and code_of(renewed) == WARFARIN
    assert renewed["dosage"] is None  # as the module ordered it, not twice daily
