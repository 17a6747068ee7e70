"""Group B streptococcus culture at 35-37 weeks and intrapartum penicillin, for any library (prescribing/gbs.py)."""

from __future__ import annotations

import datetime as dt

from tests.engine.harness import simulate

WEEK = 7 * 86400
CULTURE = "72607-5"
PENICILLIN_G = "105078"


def _cultures(record: dict) -> list[dict]:  # type: ignore[type-arg]
    return [o for o in record["observations"] if o["codes"][0]["code"] == CULTURE]


def _penicillin(record: dict) -> list[dict]:  # type: ignore[type-arg]
    return [m for m in record["medications"] if m["codes"][0]["code"] == PENICILLIN_G]


def _runs(born: dt.date, seeds: range) -> list[tuple]:  # type: ignore[type-arg]
    out = []
    for seed in seeds:
        sim, record = simulate("pregnancy_gbs", born=born, end=dt.date(2030, 1, 1), seed=seed)
        assert sim.trace is not None
        when = {state: t for t, module, state in sim.trace if module == "pregnancy_gbs"}
        out.append((record, when))
    return out


def test_a_pregnancy_told_only_by_the_attribute_is_cultured_at_36_weeks_and_a_positive_gets_penicillin() -> None:
    """Pregnancies in 2021: most are cultured at the 36-week visit (ACOG CO 797: 36 0/7-37 6/7 weeks); a positive
    culture gets penicillin G at the delivery, a negative one none."""
    runs = _runs(dt.date(1993, 1, 1), range(24))
    cultured = [(r, w) for r, w in runs if _cultures(r)]
    assert 14 <= len(cultured) <= 24  # 85 % screened
    positives = 0
    for record, when in cultured:
        (culture,) = _cultures(record)
        assert 36 * WEEK <= culture["time"] - when["Conception"] < 38 * WEEK
        assert culture["category"] == "laboratory" and culture["value_type"] == "code"
        given = _penicillin(record)
        if culture["value"]["code"] == "10828004":
            positives += 1
            (pen,) = given
            assert pen["start"] == when["Birth"] and pen["administered"]
        else:
            assert culture["value"]["code"] == "260385009" and given == []
    assert positives >= 1
    for record, _ in runs:
        if not _cultures(record):
            assert _penicillin(record) == []  # unscreened: nothing given


def test_no_culture_before_the_2002_guideline() -> None:
    """A pregnancy in 1998, before CDC's universal screening (August 2002): no culture, no penicillin."""
    for record, _ in _runs(dt.date(1970, 1, 1), range(8)):
        assert _cultures(record) == [] and _penicillin(record) == []


def test_a_module_that_handles_gbs_itself_is_left_alone() -> None:
    """A module that sets the gbs_positive attribute (ehrsim's pregnancy module) screens and treats itself."""
    for seed in range(8):
        _, record = simulate(
            "pregnancy_gbs", "gbs_own_attribute", born=dt.date(1993, 1, 1), end=dt.date(2030, 1, 1), seed=seed
        )
        assert _cultures(record) == [] and _penicillin(record) == []


def test_the_intrapartum_penicillin_names_the_pregnancy_the_delivery_is_for() -> None:
    """s17syn: the core's penicillin G named no reason (29 orders in 300 lives of Synthea's library); the birth ends the
    pregnancy at the instant the penicillin is given, and the order still names it."""
    given = []
    for seed in range(24):
        _, record = simulate("pregnancy_gbs_reason", born=dt.date(1993, 1, 1), end=dt.date(2030, 1, 1), seed=seed)
        given += _penicillin(record)
    assert given and all([r["code"] for r in pen["reason"]] == ["72892002"] for pen in given)
