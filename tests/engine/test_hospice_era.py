"""Hospice before its era becomes the terminal care of the time, for any library (core/hospice_era.py)."""

from __future__ import annotations

import datetime as dt

from ehrsim.core import hospice_era
from tests.engine.harness import simulate

HOSPICE_CODES = {"305336008", "385763009"}


def _codes(record: dict, kind: str) -> set[str]:  # type: ignore[type-arg]
    return {c["code"] for e in record[kind] for c in e["codes"]}


def test_a_hospice_admission_in_1960_is_a_hospital_nursing_home_or_home_course() -> None:
    """Born 1900, admitted to hospice at 60: no hospice encounter or hospice code in the record, the setting of the
    era instead (all three over 30 seeds), Terminal care recorded, and the conversion logged as a substitution."""
    settings = set()
    for seed in range(30):
        _, record = simulate("hospice_care_early", born=dt.date(1900, 1, 1), seed=seed)
        classes = {e["class"] for e in record["encounters"]}
        assert "hospice" not in classes
        assert not HOSPICE_CODES & (_codes(record, "encounters") | _codes(record, "procedures"))
        assert "182964004" in _codes(record, "procedures")  # Terminal care (regime/therapy)
        (event,) = [e for e in record["prescribing"] if e["rule"] == "hospice_era"]
        assert event["action"] == "substituted" and event["ordered"]["code"] == "305336008"
        (stay,) = [e for e in record["encounters"] if e["id"] == event["entry"]]
        settings.add(stay["class"])
        assert stay["codes"][0]["code"] == event["given"]["code"]
        if stay["class"] in ("inpatient", "snf"):
            assert stay["discharge"]["code"] == "20"  # died in the stay: expired
    assert settings == {"inpatient", "snf", "home"}


def test_a_hospice_admission_in_1995_stays_hospice() -> None:
    for seed in range(5):
        _, record = simulate("hospice_care_early", born=dt.date(1935, 1, 1), seed=seed)
        assert "hospice" in {e["class"] for e in record["encounters"]}
        assert "385763009" in _codes(record, "procedures")
        assert not [e for e in record["prescribing"] if e["rule"] == "hospice_era"]


def test_the_era_table() -> None:
    assert dt.datetime.fromtimestamp(hospice_era.until(), dt.UTC).year == 1983
    assert hospice_era.choose(hospice_era.until(), 0.0) is None
    assert hospice_era.choose(0.0, 0.0).encounter_class == "inpatient"  # type: ignore[union-attr]
    assert hospice_era.choose(0.0, 0.99).encounter_class == "home"  # type: ignore[union-attr]


def test_a_readmission_at_once_goes_on_in_the_same_stay() -> None:
    """Synthea's hospice module discharges and re-admits in the same instant: before the era that is one stay of the
    same setting (was a 0-hour hospital stay beside the first), logged once."""
    for seed in range(10):
        _, record = simulate("hospice_readmit", born=dt.date(1900, 1, 1), seed=seed)
        events = [e for e in record["prescribing"] if e["rule"] == "hospice_era"]
        assert len(events) == 1
        stays = [e for e in record["encounters"] if e["module"] == "hospice_readmit"]
        assert len(stays) == 1 and stays[0]["stop"] - stays[0]["start"] >= 86400 - 1
