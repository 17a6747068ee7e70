"""A child's dose uses a recent weight: an infant's chart weight from months ago is not the weight now."""

from __future__ import annotations

import datetime as dt

from ehrsim.prescribing.patient import Patient
from tests.prescribing.helpers import at, code_of, order, patient


def _weighed(sim, kg: float) -> None:
    sim.rec.add("observations", {"time": sim.now, "codes": [{"code": "29463-7"}], "value": kg}, None)


def test_an_infant_is_dosed_by_todays_weight_not_a_three_month_old_one() -> None:
    sim = patient(dt.date(2022, 7, 4))
    at(sim, dt.date(2023, 1, 3))
    _weighed(sim, 7.3)
    at(sim, dt.date(2023, 1, 20))  # 17 days later: the chart weight stands
    assert Patient(sim, sim.now).weight() == 7.3
    at(sim, dt.date(2023, 3, 27))  # 12 weeks later (otitis media at 8.7 months): weighed again
    assert Patient(sim, sim.now).weight() == float(sim.vitals["Weight"])


def test_a_school_child_keeps_a_two_month_old_weight_and_an_adult_a_ten_month_old_one() -> None:
    child = patient(dt.date(2014, 11, 5))
    at(child, dt.date(2023, 1, 13))
    _weighed(child, 23.5)
    at(child, dt.date(2023, 3, 13))
    assert Patient(child, child.now).weight() == 23.5
    adult = patient(dt.date(1970, 1, 1))
    at(adult, dt.date(2020, 1, 1))
    _weighed(adult, 81.0)
    at(adult, dt.date(2020, 11, 1))
    assert Patient(adult, adult.now).weight() == 81.0


def test_the_auto_injector_band_follows_the_chart_weight_the_audit_reads() -> None:
    """An 11-year-old last weighed at 24.9 kg five months ago (past the 90-day dosing window) whose weight now is
    25 kg or more: the device is chosen by the chart weight, as rx.epinephrine_weight judges it (0.15 mg)."""
    sim = patient(dt.date(2000, 1, 20))
    at(sim, dt.date(2010, 8, 20))
    _weighed(sim, 24.9)
    at(sim, dt.date(2011, 1, 20))
    sim.vitals["Weight"] = 26.0
    now = Patient(sim, sim.now)
    assert now.weight() == 26.0  # a per-kg dose: weighed at the visit
    assert now.chart_weight() == 24.9  # a weight band: the chart
    entry = order(sim, "1870230", chronic=True)
    assert code_of(entry) == "727316"
    assert entry["prescribing"]["rule"] == "epinephrine_auto_injector_weight"


def test_a_band_chosen_past_the_year_is_weighed_and_charted_at_the_visit() -> None:
    """A 7-year-old's chart weight is a year and 6 hours old at the yearly visit: the device is chosen from the
    weight taken now, and that weight is charted at the visit, so the chart shows what the band was chosen from."""
    sim = patient(dt.date(2013, 1, 22))
    at(sim, dt.date(2019, 1, 22))
    _weighed(sim, 22.2)
    at(sim, dt.date(2020, 1, 22))
    sim.now += 6 * 3600.0
    sim.vitals["Weight"] = 25.3
    assert Patient(sim, sim.now).chart_weight() == 25.3  # no visit: nothing is charted
    assert sim.latest_observation("29463-7")["value"] == 22.2
    weighed = Patient(sim, sim.now, encounter="visit-1")
    assert weighed.chart_weight() == 25.3
    latest = sim.latest_observation("29463-7")
    assert latest["value"] == 25.3 and latest["time"] == sim.now


def test_every_weight_reader_weighs_at_the_visit_when_the_recent_chart_weight_is_unusable() -> None:
    """A recent Body weight without a usable value is no weight: the dose weight, the band's weight and the
    cycle's weight (weighed_within) are all taken now and charted at the visit; weighed_within reads it as
    charted (0.1 kg), the others as measured."""
    sim = patient(dt.date(1980, 5, 1))
    at(sim, dt.date(2020, 1, 6))
    sim.vitals["Weight"] = 71.26
    for read, expected in (("weight", 71.26), ("chart_weight", 71.26), ("weighed_within", 71.3)):
        _weighed(sim, None)  # type: ignore[arg-type]
        sim.now += 3600.0
        now = Patient(sim, sim.now, encounter="visit-1")
        got = getattr(now, read)(30 * 86400.0) if read == "weighed_within" else getattr(now, read)()
        assert got == expected, read
        latest = sim.latest_observation("29463-7")
        assert latest["value"] == 71.3 and latest["time"] == sim.now
