"""Interaction rules on hand-made records: a mineralocorticoid antagonist at eGFR < 30; an NSAID with an
anticoagulant."""

from __future__ import annotations

from tests.report.clinical.helpers import DAY, IBUPROFEN, breaks, med, passes
from tests.report.records import RecordBuilder

SPIRONOLACTONE = ("313096", "spironolactone 25 MG Oral Tablet")
WARFARIN = ("855332", "warfarin sodium 5 MG Oral Tablet")
APIXABAN = ("1364445", "apixaban 5 MG Oral Tablet")
ACETAMINOPHEN = ("313782", "acetaminophen 325 MG Oral Tablet")


def test_mra_low_egfr() -> None:
    b = RecordBuilder()
    med(b, SPIRONOLACTONE, b.at_age(60))
    b.observation("98979-8", b.at_age(62), 24.0)
    breaks("rx.mra_low_egfr", [b.record()])
    g = RecordBuilder()
    med(g, SPIRONOLACTONE, g.at_age(60), stop=g.at_age(62))  # stopped at the low result
    g.observation("98979-8", g.at_age(62), 24.0)
    g.observation("98979-8", g.at_age(61), 41.0)
    passes("rx.mra_low_egfr", [g.record()])


def test_nsaid_with_anticoagulant() -> None:
    b = RecordBuilder()
    t = b.at_age(55)
    med(b, WARFARIN, t)
    med(b, IBUPROFEN, t + 100 * DAY, t + 105 * DAY)
    d = RecordBuilder(index=1)
    med(d, APIXABAN, t)
    med(d, IBUPROFEN, t - 30 * DAY, t + 3 * DAY)  # running when the anticoagulant starts
    result = breaks("rx.nsaid_with_anticoagulant", [b.record(), d.record()])
    assert result.events_breaking == 2
    g = RecordBuilder()
    med(g, WARFARIN, t, t + 200 * DAY)
    med(g, ACETAMINOPHEN, t + 100 * DAY, t + 105 * DAY)
    med(g, IBUPROFEN, t + 300 * DAY, t + 305 * DAY)  # after the warfarin stopped
    passes("rx.nsaid_with_anticoagulant", [g.record()])


CLOPIDOGREL = ("309362", "clopidogrel 75 MG Oral Tablet")
OMEPRAZOLE = ("198051", "omeprazole 20 MG Delayed Release Oral Capsule")
FAMOTIDINE = ("310273", "famotidine 20 MG Oral Tablet")


def test_clopidogrel_with_omeprazole() -> None:
    b = RecordBuilder()
    t = b.at_age(55)
    med(b, CLOPIDOGREL, t, t + 365 * DAY)
    med(b, OMEPRAZOLE, t + 30 * DAY, t + 60 * DAY)
    breaks("rx.clopidogrel_with_omeprazole", [b.record()])
    g = RecordBuilder()
    med(g, CLOPIDOGREL, t, t + 365 * DAY)
    med(g, FAMOTIDINE, t + 30 * DAY, t + 60 * DAY)
    med(g, OMEPRAZOLE, t + 400 * DAY, t + 800 * DAY)  # after the clopidogrel
    med(g, ("749196", "clopidogrel 300 MG Oral Tablet"), t + 500 * DAY, t + 500 * DAY + 3600, administered=True)
    passes("rx.clopidogrel_with_omeprazole", [g.record()])  # (a one-off loading dose in a visit is not maintenance)
