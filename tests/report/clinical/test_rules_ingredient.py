"""Ingredient rules on hand-made records: the same ingredient in two running orders; the summed daily dose."""

from __future__ import annotations

import datetime as dt

from ehrsim.report.clinical.kinds_ingredient import mg_a_day
from tests.report.clinical.helpers import DAY, breaks, med, passes
from tests.report.records import RecordBuilder

APAP_500 = ("198440", "acetaminophen 500 MG Oral Tablet")
APAP_325 = ("313782", "acetaminophen 325 MG Oral Tablet")
APAP_HYDROCODONE = ("857005", "Acetaminophen 325 MG / HYDROcodone Bitartrate 7.5 MG Oral Tablet")
APAP_LIQUID = ("1148399", "Acetaminophen 32 MG/ML Oral Solution")
HCTZ_25 = ("310798", "hydrochlorothiazide 25 MG Oral Tablet")
LISINOPRIL_HCTZ = ("197885", "hydrochlorothiazide 12.5 MG / lisinopril 10 MG Oral Tablet")


def _tabs(amount: float, per_day: int, unit: str = "{tablet}") -> dict:
    return {"amount": amount, "frequency": per_day, "period": 1.0, "unit": "days", "dose_unit": unit}


def test_same_ingredient_twice() -> None:
    b = RecordBuilder(birth=dt.date(1936, 6, 1))
    t = b.at_age(87)
    med(b, APAP_500, t, None, dosage=_tabs(2, 3))  # chronic
    med(b, APAP_325, t + 100 * DAY, t + 114 * DAY, dosage=_tabs(2, 4))  # as needed on top: 5.6 g a day
    med(b, HCTZ_25, t, t + 400 * DAY, dosage=_tabs(1, 1))
    med(b, LISINOPRIL_HCTZ, t + 30 * DAY, None, dosage=_tabs(1, 1))  # the thiazide twice
    result = breaks("rx.same_ingredient_twice", [b.record()])
    assert (result.events, result.events_breaking) == (5, 2)  # the combination counts for lisinopril too
    g = RecordBuilder(birth=dt.date(1936, 6, 1))
    med(g, APAP_500, t, t + 100 * DAY, dosage=_tabs(2, 3))
    med(g, APAP_500, t + 100 * DAY, None, dosage=_tabs(2, 3))  # renewed as the old one stops
    med(g, APAP_HYDROCODONE, t + 50 * DAY, t + 50 * DAY + 3600, administered=True)  # a one-off in a visit
    med(g, HCTZ_25, t, t + 30 * DAY + 6 * 3600, dosage=_tabs(1, 1))  # replaced the same day
    med(g, LISINOPRIL_HCTZ, t + 30 * DAY, None, dosage=_tabs(1, 1))
    passes("rx.same_ingredient_twice", [g.record()])


def test_summed_daily_dose() -> None:
    b = RecordBuilder(birth=dt.date(1936, 6, 1))
    t = b.at_age(87)
    med(b, APAP_500, t, None, dosage=_tabs(2, 3))  # 3 g: the maximum from 65
    med(b, APAP_325, t + 100 * DAY, t + 114 * DAY, dosage=_tabs(2, 4))  # + 2.6 g
    y = RecordBuilder(index=1)
    s = y.at_age(40)
    med(y, APAP_HYDROCODONE, s, s + 5 * DAY, dosage=_tabs(2, 6))  # 3.9 g of acetaminophen ...
    med(y, APAP_500, s + DAY, s + 6 * DAY, dosage=_tabs(1, 2))  # ... + 1 g
    result = breaks("rx.summed_daily_dose", [b.record(), y.record()])
    assert (result.events, result.events_breaking, result.patients_breaking) == (4, 2, 2)
    g = RecordBuilder(birth=dt.date(1936, 6, 1))
    med(g, APAP_500, t, None, dosage=_tabs(2, 3))  # 3 g at 87
    h = RecordBuilder(index=1)
    med(h, APAP_500, s, None, dosage=_tabs(2, 4))  # 4 g at 40
    med(h, APAP_LIQUID, s - 30 * DAY, s - 20 * DAY, dosage=_tabs(15, 4, "mL"))  # over before: 1.9 g
    passes("rx.summed_daily_dose", [g.record(), h.record()])


def test_mg_a_day_reads_combinations_liquids_and_mg_doses() -> None:
    apap = {"codes": [{"display": APAP_HYDROCODONE[1]}], "dosage": _tabs(2, 6)}
    assert mg_a_day(apap, "acetaminophen") == 3900 and mg_a_day(apap, "hydrocodone") == 90
    liquid = {"codes": [{"display": APAP_LIQUID[1]}], "dosage": _tabs(10, 4, "mL")}
    assert mg_a_day(liquid, "acetaminophen") == 1280
    child = {"codes": [{"display": APAP_LIQUID[1]}], "dosage": {**_tabs(240, 4, "mg"), "mg_of": "acetaminophen"}}
    assert mg_a_day(child, "acetaminophen") == 960
    hourly = {"codes": [{"display": APAP_500[1]}], "dosage": {**_tabs(2, 1), "period": 6, "unit": "h"}}
    assert mg_a_day(hourly, "acetaminophen") == 4000
    assert mg_a_day({"codes": [{"display": APAP_500[1]}], "dosage": None}, "acetaminophen") is None


LEVOTHYROXINE = ("966222", "levothyroxine sodium 0.05 MG Oral Tablet")


def test_same_day_reorder() -> None:
    """s14review finding 15: levothyroxine ordered at a visit, stopped and re-ordered 2 hours later at a same-day
    wellness visit (a 2-hour course)."""

    def chronic(b: RecordBuilder, start: int, stop: int | None, per_day: int = 1) -> None:
        med(b, LEVOTHYROXINE, start, stop, dosage=_tabs(1, per_day))["chronic"] = True

    b = RecordBuilder()
    t = b.at_age(50)
    chronic(b, t, t + 2 * 3600)
    chronic(b, t + 2 * 3600, t + 365 * DAY)  # the same drug and dose again
    chronic(b, t + 365 * DAY, None)
    result = breaks("rx.same_day_reorder", [b.record()])
    assert (result.events, result.events_breaking) == (3, 1)
    g = RecordBuilder()
    chronic(g, t, t + 2 * 3600)
    chronic(g, t + 2 * 3600, t + 365 * DAY, per_day=2)  # a change of dose is a real change
    chronic(g, t + 365 * DAY, t + 730 * DAY)  # a yearly renewal
    chronic(g, t + 730 * DAY, None)
    passes("rx.same_day_reorder", [g.record()])
