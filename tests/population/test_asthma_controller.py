"""Obstructive spirometry in asthma comes with a controller (NAEPP EPR-3: daily inhaled corticosteroid in persistent
asthma; audit rule care.obstruction_maintenance_inhaler): modules/asthma.json re-offers the controller at every
review of persistent asthma (an order withheld before fluticasone's 1996 approval, or ended with the childhood
diagnosis) and gives intermittent adult asthma a normal FEV1/FVC."""

from __future__ import annotations

import datetime as dt

import ehrsim

FEV1_FVC = "19926-5"
ICS = {"895994", "1360333", "896209"}  # fluticasone 44 or 110 mcg (stepped up by FEV1/FVC), or with salmeterol
AFTER = dt.datetime(1998, 1, 1, tzinfo=dt.UTC).timestamp()  # fluticasone (1996) plus a yearly review
YEAR = 365.25 * 86400


def test_obstruction_after_1998_has_an_inhaled_steroid_within_a_year() -> None:
    records = list(
        ehrsim.generate(
            100,
            seed=5,
            reference_date=dt.date(2020, 1, 1),
            only_modules=("asthma",),
            age_min=25,
            age_max=60,
            years_of_history=0,
        )
    )
    checked, missing = 0, []
    for i, r in enumerate(records):
        ics = [(m["start"], m.get("stop")) for m in r["medications"] if m["codes"][0]["code"] in ICS]
        last = max((o["time"] for o in r["observations"]), default=0)
        for o in r["observations"]:
            if o["codes"][0]["code"] != FEV1_FVC or o["value"] >= 75 or o["time"] < AFTER:
                continue
            if o["time"] + YEAR > last:
                continue  # the record ends before a review could act
            checked += 1
            if not any(s <= o["time"] + YEAR and (e is None or e >= o["time"]) for s, e in ics):
                missing.append((i, o["time"]))
    assert checked >= 10
    assert missing == []
