"""A long-acting contraceptive stays in place for its labelled duration (durations.csv)."""

from __future__ import annotations

import datetime as dt

from ehrsim.engine import lifecycle
from tests.prescribing.helpers import at, order, patient

MIRENA = "807283"
IMPLANT = "389221"


def test_an_ius_is_not_reinserted_at_yearly_renewals_until_its_duration_ends() -> None:
    sim = patient(dt.date(1980, 1, 1))
    at(sim, dt.date(2010, 3, 1))
    ius = order(sim, MIRENA, chronic=True, administered=True)
    for year in (2011, 2012, 2013, 2014):
        at(sim, dt.date(year, 3, 2))
        assert sim.renew("medications", ius, sim.now, None) is ius
    assert len(sim.rec.lists["medications"]) == 1 and ius["stop"] is None
    at(sim, dt.date(2015, 3, 2))  # 5 years: replaced
    new = sim.renew("medications", ius, sim.now, None)
    assert new is not ius and new["start"] == sim.now and ius["stop"] == sim.now


def test_an_implant_lasts_three_years() -> None:
    sim = patient(dt.date(1980, 1, 1))
    at(sim, dt.date(2010, 3, 1))
    implant = order(sim, IMPLANT, chronic=True, administered=True)
    at(sim, dt.date(2012, 3, 1))
    assert sim.renew("medications", implant, sim.now, None) is implant
    at(sim, dt.date(2013, 3, 2))
    assert sim.renew("medications", implant, sim.now, None) is not implant


def test_a_new_order_while_the_ius_is_in_place_inserts_nothing() -> None:
    sim = patient(dt.date(1980, 1, 1))
    at(sim, dt.date(2010, 3, 1))
    ius = order(sim, MIRENA, chronic=True, administered=True)
    at(sim, dt.date(2012, 3, 1))
    assert order(sim, MIRENA, chronic=True, administered=True) is ius
    at(sim, dt.date(2016, 3, 1))
    assert order(sim, MIRENA, chronic=True, administered=True) is not ius


def test_a_one_off_insertion_stays_in_place_and_a_yearly_change_of_device_inserts_nothing() -> None:
    """Synthea's contraceptive modules record an insertion as a one-off administration and choose a method again
    every year: an implant ordered a year after a Mirena insertion is not a removal and a new insertion."""
    sim = patient(dt.date(1980, 1, 1))
    at(sim, dt.date(2016, 5, 3))
    ius = order(sim, MIRENA, administered=True)
    # the device stays in place for its labelled life (s14review: 77 of 77 ended with the visit), then ends
    assert ius["stop"] == sim.now + 5 * 365.25 * 86400 and ius["requested"]
    assert any(m is ius for m in sim.active["medications"].values())
    at(sim, dt.date(2017, 5, 4))
    assert order(sim, IMPLANT, administered=True) is ius
    at(sim, dt.date(2021, 5, 4))  # 5 years: a new device
    again = order(sim, IMPLANT, administered=True)
    assert again is not ius and again["codes"][0]["code"] == IMPLANT


def test_a_device_removed_by_its_module_is_not_in_place() -> None:
    sim = patient(dt.date(1980, 1, 1))
    at(sim, dt.date(2010, 3, 1))
    ius = order(sim, MIRENA, chronic=True, administered=True)
    at(sim, dt.date(2011, 3, 1))
    sim.deactivate("medications", ius, sim.now, None)  # removed (MedicationEnd)
    at(sim, dt.date(2012, 3, 1))
    assert order(sim, IMPLANT, administered=True) is not ius


def test_a_pregnancy_since_the_insertion_means_the_device_was_removed_even_long_after() -> None:
    """The physiology forgets a pregnancy some months after it; the device inserted before it is still not in place."""
    sim = patient(dt.date(1980, 1, 1))
    at(sim, dt.date(2010, 3, 1))
    ius = order(sim, MIRENA, administered=True)
    at(sim, dt.date(2011, 1, 1))
    lifecycle.pregnancy_changed(sim, True)
    at(sim, dt.date(2011, 10, 1))
    lifecycle.pregnancy_changed(sim, False)
    sim.physiology.pregnancy_start = sim.physiology.pregnancy_end = None  # as physio_pregnancy does a while later
    at(sim, dt.date(2013, 3, 1))
    again = order(sim, IMPLANT, administered=True)
    assert again is not ius and again["codes"][0]["code"] == IMPLANT


def test_a_device_substituted_by_a_drug_is_not_kept_in_place() -> None:
    """An implant before its approval (the table is year-precise: from 2007) is replaced by a pill: the pill is not
    recorded as a device lasting the implant's three years."""
    sim = patient(dt.date(1980, 1, 1))
    at(sim, dt.date(2006, 7, 18))
    given = order(sim, IMPLANT, administered=True)
    assert given["codes"][0]["code"] != IMPLANT and given["stop"] == sim.now


def test_a_one_off_insertion_removed_by_its_module_ends_then() -> None:
    sim = patient(dt.date(1980, 1, 1))
    at(sim, dt.date(2016, 5, 3))
    ius = order(sim, MIRENA, administered=True)
    at(sim, dt.date(2018, 5, 3))
    sim.deactivate("medications", ius, sim.now, None)  # the removal visit's MedicationEnd
    assert ius["stop"] == sim.now


def test_a_change_of_method_without_a_removal_leaves_the_device_in_place() -> None:
    """Synthea's contraceptive modules end the method at each yearly change (364 days after an IUS insertion) with no
    removal: the device stays until removed or its labelled life ends; a recorded removal ends it."""
    from ehrsim.prescribing import running

    sim = patient(dt.date(1980, 1, 1))
    at(sim, dt.date(2016, 5, 3))
    ius = order(sim, MIRENA, administered=True)
    at(sim, dt.date(2017, 5, 2))
    assert running.keeps_device(sim.rx, ius, sim.now)
    removal = {"start": sim.now, "stop": sim.now + 900, "codes": [{"system": "SNOMED-CT", "code": "68254000"}]}
    sim.write("procedures", {**removal, "reason": []}, None)
    assert not running.keeps_device(sim.rx, ius, sim.now + 600)  # removed at this visit: the order ends
    at(sim, dt.date(2021, 5, 4))
    assert not running.keeps_device(sim.rx, ius, sim.now)  # past its 5 years
    pill = order(sim, "238019", chronic=True)
    assert not running.keeps_device(sim.rx, pill, sim.now)


def test_mirena_lasts_its_label_at_insertion_5_then_7_then_8_years() -> None:
    """FDA label extensions: 7 years from August 2021, 8 from August 2022 (device_life_eras.csv)."""
    year = 365.25 * 86400
    for inserted, years in ((dt.date(2019, 3, 1), 5), (dt.date(2022, 1, 10), 7), (dt.date(2023, 3, 1), 8)):
        sim = patient(dt.date(1990, 1, 1))
        at(sim, inserted)
        ius = order(sim, MIRENA, administered=True)
        assert ius["stop"] == sim.now + years * year, inserted
    implant = patient(dt.date(1990, 1, 1))
    at(implant, dt.date(2023, 3, 1))
    assert order(implant, IMPLANT, administered=True)["stop"] == implant.now + 3 * year
