"""Attributes that stand for a latent disease reach the record's ``latent`` block (core.latent)."""

from __future__ import annotations

import datetime as dt

from ehrsim.core import latent
from ehrsim.record.times import from_date
from tests.engine.harness import simulate

OSTEOPOROSIS = "64859006"


def test_osteoporosis_attribute_is_the_latent_bone_state() -> None:
    assert latent.attribute_codes()["osteoporosis"] == OSTEOPOROSIS


def test_first_time_a_module_sets_the_state_is_its_latent_onset_and_no_condition_is_recorded() -> None:
    _, record = simulate("latent_bone_loss", born=dt.date(1950, 1, 1), end=dt.date(2030, 1, 1))
    onset = record["latent"][OSTEOPOROSIS]
    assert abs(onset - from_date(dt.date(2005, 1, 1))) < 2 * 86400  # at 55, not at the second setting at 60
    assert not any(c["codes"][0]["code"] == OSTEOPOROSIS for c in record["conditions"])


def test_a_state_begun_after_the_end_of_the_record_is_not_latent_yet() -> None:
    _, record = simulate("latent_bone_loss", born=dt.date(1950, 1, 1), end=dt.date(2000, 1, 1))
    assert OSTEOPOROSIS not in record["latent"]


def test_conditions_keep_only_onsets_by_the_end_time() -> None:
    assert latent.conditions({"osteoporosis": 100.0}, 50.0) == {}
    assert latent.conditions({"osteoporosis": 100.0}, 100.0) == {OSTEOPOROSIS: 100}
