"""NSAIDs in coronary disease, heart failure and with aspirin (FDA boxed warning, FDA 2006, AHA 2007)."""

from __future__ import annotations

import datetime as dt

from ehrsim.prescribing.pharmacy import STOPPED
from tests.prescribing.helpers import Order, Run, at, code_of, onset, order, patient

NAPROXEN = "198014"
IBUPROFEN = "310965"
ACETAMINOPHEN = "313782"
ASPIRIN_81 = "243670"
ADULT = dt.date(1960, 1, 1)


def test_naproxen_with_coronary_disease_becomes_acetaminophen() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2015, 3, 1))
    assert code_of(order(sim, NAPROXEN, days=10)) == NAPROXEN
    at(sim, dt.date(2015, 4, 1))  # that course over (a running one is switched at the onset, and an acetaminophen
    onset(sim, "conditions", "53741008")  # course then covers a new order: ingredient_limits.csv keep_running)
    entry = order(sim, NAPROXEN, days=10)  # coronary arteriosclerosis since
    assert code_of(entry) == ACETAMINOPHEN
    assert entry["ordered"]["code"] == NAPROXEN
    assert entry["prescribing"] == {
        "action": "substituted",
        "rule": "nsaid_coronary_disease",
        "reason": entry["prescribing"]["reason"],
        "ordered": entry["ordered"],
        "ordered_dosage": {"amount": 1.0, "frequency": 1, "period": 1.0, "unit": "days"},  # the module's dose
        "regimen": "the substitute's own schedule",
    }
    assert entry["dosage"]["frequency"] == 4  # acetaminophen every 6 hours (regimens.csv), not naproxen's schedule
    assert any(e["action"] == "substituted" and e["rule"] == "nsaid_coronary_disease" for e in sim.rx.events)


def test_nsaid_in_heart_failure_becomes_acetaminophen() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2015, 3, 1))
    onset(sim, "conditions", "88805009")  # chronic congestive heart failure
    assert order(sim, IBUPROFEN, days=5)["prescribing"]["rule"] == "nsaid_heart_failure"


def test_nsaid_while_taking_aspirin_becomes_acetaminophen() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2015, 3, 1))
    order(sim, ASPIRIN_81, chronic=True, state=Order(name="Aspirin"))
    entry = order(sim, NAPROXEN, days=10)
    assert code_of(entry) == ACETAMINOPHEN and entry["prescribing"]["rule"] == "nsaid_with_aspirin"


def test_aspirin_started_switches_a_running_nsaid() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2015, 3, 1))
    run = Run()
    pain = order(sim, NAPROXEN, chronic=True, run=run, state=Order(name="Pain", assign_to_attribute="pain"))
    at(sim, dt.date(2015, 6, 1))
    order(sim, ASPIRIN_81, chronic=True, run=run, state=Order(name="Aspirin"))
    assert pain["stop"] == sim.now and pain["stop_reason"] == STOPPED
    assert code_of(sim.attributes["pain"]) == ACETAMINOPHEN


def test_coronary_onset_switches_a_running_nsaid() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2015, 3, 1))
    pain = order(sim, IBUPROFEN, chronic=True)
    at(sim, dt.date(2016, 3, 1))
    onset(sim, "conditions", "22298006")  # myocardial infarction
    assert pain["stop"] == sim.now
    assert code_of(sim.active["medications"][ACETAMINOPHEN]) == ACETAMINOPHEN


def test_nsaid_without_cardiovascular_disease_or_aspirin_is_given() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2015, 3, 1))
    onset(sim, "conditions", "38341003")  # hypertension is not a listed contraindication here
    assert code_of(order(sim, NAPROXEN, days=10)) == NAPROXEN


LISINOPRIL_10 = "314076"
HYDROCHLOROTHIAZIDE_25 = "310798"


def test_nsaid_with_an_ace_inhibitor_and_a_diuretic_becomes_acetaminophen() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2015, 3, 1))
    order(sim, LISINOPRIL_10, chronic=True, state=Order(name="Lisinopril"))
    given = order(sim, IBUPROFEN, days=5)  # one antihypertensive: no raised risk (Lapi 2013)
    assert "ibuprofen" in given["codes"][0]["display"].lower()
    order(sim, HYDROCHLOROTHIAZIDE_25, chronic=True, state=Order(name="Thiazide"))
    entry = order(sim, NAPROXEN, days=10)
    assert code_of(entry) == ACETAMINOPHEN and entry["prescribing"]["rule"] == "nsaid_triple_whammy"


def test_a_diuretic_added_switches_a_running_nsaid_with_an_ace_inhibitor() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2015, 3, 1))
    run = Run()
    order(sim, LISINOPRIL_10, chronic=True, run=run, state=Order(name="Lisinopril"))
    pain = order(sim, NAPROXEN, chronic=True, run=run, state=Order(name="Pain", assign_to_attribute="pain"))
    at(sim, dt.date(2015, 6, 1))
    order(sim, HYDROCHLOROTHIAZIDE_25, chronic=True, run=run, state=Order(name="Thiazide"))
    assert pain["stop"] == sim.now and pain["stop_reason"] == STOPPED
    assert code_of(sim.attributes["pain"]) == ACETAMINOPHEN


FUROSEMIDE_20 = "310429"


def test_a_renewal_that_becomes_an_ace_inhibitor_switches_a_running_nsaid() -> None:
    """Lisinopril ordered in 1985 is given as its era substitute (a thiazide); renewed in 1986 it becomes enalapril,
    which completes the triple whammy with a running NSAID and a loop diuretic (2,000-life proof, patient 997)."""
    sim = patient(dt.date(1930, 1, 1))
    at(sim, dt.date(1985, 3, 1))
    run = Run()
    order(sim, NAPROXEN, chronic=True, run=run, state=Order(name="Pain", assign_to_attribute="pain"))
    order(sim, FUROSEMIDE_20, chronic=True, run=run, state=Order(name="Loop"))
    acei = order(sim, LISINOPRIL_10, chronic=True, run=run, state=Order(name="Lisinopril"))
    assert "enalapril" not in acei["codes"][0]["display"]  # enalapril was approved in December 1985
    at(sim, dt.date(1986, 3, 1))
    renewed = sim.renew("medications", acei, sim.now, None)
    assert renewed is not None and "enalapril" in renewed["codes"][0]["display"]
    assert code_of(sim.attributes["pain"]) == ACETAMINOPHEN


def test_a_diuretic_renewed_unchanged_after_an_ace_inhibitor_was_added_switches_a_running_nsaid() -> None:
    """At a yearly visit the thiazide's order has run out and is renewed after the visit adds an ACE inhibitor beside a
    running naproxen: the ACE inhibitor's own review found no diuretic running, so the renewal must review too
    (2,000-life proof, patient 1515: naproxen, enalapril and hydrochlorothiazide together from 1986)."""
    sim = patient(ADULT)
    at(sim, dt.date(2015, 3, 1))
    run = Run()
    pain = order(sim, NAPROXEN, chronic=True, run=run, state=Order(name="Pain", assign_to_attribute="pain"))
    thiazide = order(sim, HYDROCHLOROTHIAZIDE_25, chronic=True, run=run, state=Order(name="Thiazide"))
    at(sim, dt.date(2016, 3, 1))
    thiazide["stop"] = sim.now  # its year is up: renewed at this visit, after the new order below
    order(sim, LISINOPRIL_10, chronic=True, run=run, state=Order(name="Lisinopril"))
    assert code_of(sim.attributes["pain"]) == NAPROXEN  # no diuretic running at that instant
    renewed = sim.renew("medications", thiazide, sim.now, None)
    assert renewed is not None and "hydrochlorothiazide" in renewed["codes"][0]["display"].lower()
    assert pain["stop"] == sim.now and code_of(sim.attributes["pain"]) == ACETAMINOPHEN


AMLODIPINE_5 = "197361"


def test_a_withheld_order_resumed_as_a_diuretic_switches_a_running_nsaid() -> None:
    """1985: naproxen; lisinopril given as its era substitute (a thiazide); amlodipine (1992) withheld, its substitute
    being taken. 1986: the lisinopril renewal becomes enalapril (no diuretic left running at that instant), then the
    withheld amlodipine resumes as the thiazide: that new order must review the naproxen too (2,000-life proof,
    patient 1515)."""
    sim = patient(dt.date(1925, 1, 1))
    at(sim, dt.date(1985, 3, 1))
    run = Run()
    sim.runs.append(run)  # type: ignore[arg-type]
    order(sim, NAPROXEN, chronic=True, run=run, state=Order(name="Pain", assign_to_attribute="pain"))
    acei = order(sim, LISINOPRIL_10, chronic=True, run=run, state=Order(name="Lisinopril"))
    assert "hydrochlorothiazide" in acei["codes"][0]["display"].lower()
    held = order(sim, AMLODIPINE_5, chronic=True, run=run, state=Order(name="Amlodipine"))
    assert held["prescribing"]["action"] == "withheld" and sim.rx.pending
    at(sim, dt.date(1986, 3, 1))
    renewed = sim.renew("medications", acei, sim.now, None)
    assert renewed is not None and "enalapril" in renewed["codes"][0]["display"]
    assert code_of(sim.attributes["pain"]) == NAPROXEN  # no diuretic running at that instant
    sim.rx.resume(sim.now, None)
    running = [m["codes"][0]["display"].lower() for m in sim.rec.lists["medications"] if m["stop"] is None]
    assert any("hydrochlorothiazide" in d for d in running)
    assert code_of(sim.attributes["pain"]) == ACETAMINOPHEN


def test_a_switched_course_keeps_its_planned_end() -> None:
    """A 5-day ibuprofen course switched to acetaminophen when a thiazide joins an ACE inhibitor ends after the 5 days
    (it became an open-ended acetaminophen order before)."""
    sim = patient(ADULT)
    start = at(sim, dt.date(2015, 3, 1))
    order(sim, LISINOPRIL_10, chronic=True, state=Order(name="Lisinopril"))
    order(sim, IBUPROFEN, days=5)
    at(sim, dt.date(2015, 3, 2))
    order(sim, HYDROCHLOROTHIAZIDE_25, chronic=True, state=Order(name="Thiazide"))
    switched = [m for m in sim.rec.lists["medications"] if code_of(m) == ACETAMINOPHEN]
    assert len(switched) == 1 and switched[0]["stop"] == start + 5 * 86400


WARFARIN_5 = "855332"
SPIRONOLACTONE_25 = "313096"


def test_an_nsaid_with_warfarin_becomes_acetaminophen_and_warfarin_switches_a_running_nsaid() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2015, 3, 1))
    order(sim, WARFARIN_5, chronic=True, state=Order(name="Warfarin"))
    entry = order(sim, IBUPROFEN, days=5)
    assert code_of(entry) == ACETAMINOPHEN and entry["prescribing"]["rule"] == "nsaid_with_anticoagulant"
    other = patient(ADULT)
    at(other, dt.date(2015, 3, 1))
    pain = order(other, NAPROXEN, chronic=True, state=Order(name="Pain"))
    at(other, dt.date(2015, 4, 1))
    order(other, WARFARIN_5, chronic=True, state=Order(name="Warfarin"))
    assert pain["stop"] == other.now and pain["prescribing"]["stop_rule"] == "nsaid_with_anticoagulant"


def test_spironolactone_is_withheld_and_stopped_at_egfr_below_30() -> None:
    from tests.prescribing.test_thiazide import _egfr

    sim = patient(ADULT)
    at(sim, dt.date(2015, 3, 1))
    _egfr(sim, 45.0)
    running = order(sim, SPIRONOLACTONE_25, chronic=True)
    assert running["id"] is not None and running["stop"] is None
    at(sim, dt.date(2016, 3, 1))
    _egfr(sim, 24.0)
    assert running["stop"] == sim.now and running["prescribing"]["stop_rule"] == "mra_egfr_30"
    again = order(sim, SPIRONOLACTONE_25, chronic=True)
    assert again["id"] is None and again["prescribing"]["rule"] == "mra_egfr_30"


CLOPIDOGREL_75 = "309362"
OMEPRAZOLE_20 = "198051"
FAMOTIDINE_20 = "310273"


def test_omeprazole_with_clopidogrel_becomes_famotidine_and_clopidogrel_switches_a_running_omeprazole() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2015, 3, 1))
    order(sim, CLOPIDOGREL_75, chronic=True, state=Order(name="Clopidogrel"))
    entry = order(sim, OMEPRAZOLE_20, chronic=True)
    assert code_of(entry) == FAMOTIDINE_20 and entry["prescribing"]["rule"] == "omeprazole_with_clopidogrel"
    assert entry["dosage"]["frequency"] == 2  # famotidine's own schedule (regimens.csv)
    other = patient(ADULT)
    at(other, dt.date(2015, 3, 1))
    acid = order(other, OMEPRAZOLE_20, chronic=True, state=Order(name="Acid"))
    at(other, dt.date(2015, 4, 1))
    order(other, CLOPIDOGREL_75, chronic=True, state=Order(name="Clopidogrel"))
    assert acid["stop"] == other.now and acid["prescribing"]["stop_rule"] == "omeprazole_with_clopidogrel"


PROPRANOLOL_80 = "856578"
METOPROLOL_50 = "866514"


def test_propranolol_in_asthma_becomes_metoprolol() -> None:
    """s18old: propranolol for hypertension in 5 of 29 asthmatic patients (contraindicated: Inderal label)."""
    sim = patient(ADULT)
    at(sim, dt.date(2005, 3, 1))
    onset(sim, "conditions", "195967001")  # asthma
    entry = order(sim, PROPRANOLOL_80, chronic=True, frequency=2)
    assert code_of(entry) == METOPROLOL_50 and entry["prescribing"]["rule"] == "nonselective_bb_asthma"
    assert entry["dosage"]["frequency"] == 2  # metoprolol tartrate twice daily, as propranolol


def test_asthma_diagnosed_switches_a_running_propranolol() -> None:
    sim = patient(ADULT)
    at(sim, dt.date(2005, 3, 1))
    running = order(sim, PROPRANOLOL_80, chronic=True, frequency=2)
    assert "propranolol" in running["codes"][0]["display"]  # (the starting strength)
    at(sim, dt.date(2006, 3, 1))
    onset(sim, "conditions", "195967001")
    assert running["stop"] == sim.now and METOPROLOL_50 in sim.active["medications"]
    assert not any("propranolol" in m["codes"][0]["display"] for m in sim.active["medications"].values())
