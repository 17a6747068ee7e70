"""Chemotherapy by body-surface area (bsa_doses.csv): the vial is not the dose."""

from __future__ import annotations

import datetime as dt

import pytest

from ehrsim.prescribing.bsa import mosteller
from tests.prescribing.helpers import SNOMED, at, order, patient

DOXORUBICIN, PACLITAXEL, CARBOPLATIN, CISPLATIN = "1790099", "583214", "597195", "1736854"
BREAST = [{"system": SNOMED, "code": "254837009", "display": "Malignant neoplasm of breast (disorder)"}]
NSCLC = [{"system": SNOMED, "code": "422968005", "display": "Non-small cell carcinoma of lung, TNM stage 3 (disorder)"}]
CERVIX = [{"system": SNOMED, "code": "363354003", "display": "Malignant neoplasm of cervix uteri (disorder)"}]


def _chart(sim, kg: float, cm: float) -> None:  # type: ignore[no-untyped-def]
    sim.rec.add("observations", {"time": sim.now, "codes": [{"code": "29463-7"}], "value": kg}, None)
    sim.rec.add("observations", {"time": sim.now, "codes": [{"code": "8302-2"}], "value": cm}, None)


def test_mosteller() -> None:
    assert mosteller(170.0, 70.0) == pytest.approx(1.818, abs=0.001)  # sqrt(170 x 70 / 3600)


def test_ac_then_paclitaxel_is_dosed_per_m2_in_mg() -> None:
    sim = patient(dt.date(1960, 1, 1))
    at(sim, dt.date(2015, 3, 1))
    _chart(sim, 70.0, 170.0)  # BSA 1.82 m2
    dox = order(sim, DOXORUBICIN, administered=True, reason=BREAST, no_dosage=True)["dosage"]
    assert dox["dose_unit"] == "mg" and dox["mg_per_m2"] == 60 and dox["amount"] == 109.0  # not the 20 mg vial
    assert dox["bsa_m2"] == 1.82 and dox["period"] == 21
    pac = order(sim, PACLITAXEL, administered=True, reason=BREAST, no_dosage=True)["dosage"]
    assert pac["amount"] == 318.0 and pac["mg_per_m2"] == 175  # 175 x 1.818, every 3 weeks
    weekly = order(sim, PACLITAXEL, administered=True, reason=BREAST, amount=1.0)  # a daily dosage: no weekly row
    assert weekly["dosage"]["mg_per_m2"] == 175


def test_weekly_schedule_and_reason_choose_the_row() -> None:
    sim = patient(dt.date(1960, 1, 1))
    at(sim, dt.date(2015, 3, 1))
    _chart(sim, 70.0, 170.0)
    fields = order(sim, CISPLATIN, administered=True, reason=CERVIX, no_dosage=True)["dosage"]
    assert fields["mg_per_m2"] == 50  # every 3 weeks with paclitaxel (GOG 240)
    from tests.prescribing.helpers import Order, Run

    weekly = {
        "start": sim.now,
        "stop": None,
        "codes": [{"system": "RxNorm", "code": CISPLATIN, "display": CISPLATIN}],
        "reason": CERVIX,
        "chronic": False,
        "administered": True,
        "requested": False,
        "dosage": {"amount": 1, "frequency": 1, "period": 7, "unit": "days"},
        "as_needed": False,
        "duration_days": None,
        "refills": 0,
        "instructions": [],
        "stop_reason": None,
    }
    dosage = sim.rx.order(Run(), Order(), weekly, sim.now)["dosage"]
    assert dosage["mg_per_m2"] == 40 and dosage["amount"] == 70.0  # 40 x 1.82 = 73 mg, at most 70 mg a week
    lung = order(sim, CISPLATIN, administered=True, reason=NSCLC, no_dosage=True)["dosage"]
    assert lung["mg_per_m2"] == 75


def test_carboplatin_by_calvert_with_the_gfr_capped() -> None:
    sim = patient(dt.date(1960, 1, 1))
    at(sim, dt.date(2015, 3, 1))
    _chart(sim, 70.0, 170.0)
    sim.rec.add("observations", {"time": sim.now, "codes": [{"code": "33914-3"}], "value": 60.0}, None)
    dosage = order(sim, CARBOPLATIN, administered=True, reason=NSCLC, no_dosage=True)["dosage"]
    gfr = 60.0 * mosteller(170.0, 70.0) / 1.73  # 63 mL/min
    assert dosage["auc"] == 6 and dosage["amount"] == round(6 * (gfr + 25)) and dosage["dose_unit"] == "mg"
    big = patient(dt.date(1960, 1, 1))
    at(big, dt.date(2015, 3, 1))
    _chart(big, 110.0, 190.0)
    big.rec.add("observations", {"time": big.now, "codes": [{"code": "33914-3"}], "value": 110.0}, None)
    assert order(big, CARBOPLATIN, administered=True, no_dosage=True)["dosage"]["amount"] == 6 * (125 + 25)


def test_a_missing_height_or_old_weight_is_measured_at_the_visit() -> None:
    sim = patient(dt.date(1960, 1, 1))
    at(sim, dt.date(2015, 3, 1))
    sim.rec.add("observations", {"time": sim.now, "codes": [{"code": "29463-7"}], "value": 90.0}, None)
    at(sim, dt.date(2015, 6, 1))  # the weight is 3 months old, no height charted
    from tests.prescribing.helpers import Run

    run = Run(encounter={"id": "enc-1", "start": sim.now, "stop": sim.now + 3600})
    order(sim, PACLITAXEL, administered=True, reason=BREAST, no_dosage=True, run=run)
    charted = {o["codes"][0]["code"] for o in sim.rec.lists["observations"] if o["time"] == sim.now}
    assert charted >= {"29463-7", "8302-2"}


def test_carboplatin_by_cockcroft_gault_from_a_creatinine_drawn_at_the_visit() -> None:
    from tests.prescribing.helpers import Run

    sim = patient(dt.date(1950, 1, 1), gender="M")
    at(sim, dt.date(2015, 3, 1))  # 65 years old
    _chart(sim, 80.0, 175.0)
    run = Run(encounter={"id": "enc-1", "start": sim.now, "stop": sim.now + 3600})
    dosage = order(sim, CARBOPLATIN, administered=True, reason=NSCLC, no_dosage=True, run=run)["dosage"]
    drawn = [o for o in sim.rec.lists["observations"] if o["codes"][0]["code"] == "2160-0"]
    assert len(drawn) == 1 and drawn[0]["value"] == dosage["creatinine_mg_dl"] and drawn[0]["time"] == sim.now
    age = (sim.now - sim.birth_time) / (365.25 * 86400)
    clearance = min((140 - age) * 80.0 / (72 * dosage["creatinine_mg_dl"]), 125.0)
    assert dosage["gfr_ml_min"] == round(clearance, 1) and dosage["amount"] == round(6 * (clearance + 25))
