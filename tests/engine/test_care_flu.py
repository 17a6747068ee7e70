"""One influenza dose per season for anyone 9 or older, whichever plan (yearly or pregnancy) offered it."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from ehrsim.core.vaccine_plan import Shot
from ehrsim.engine.care import _flu_given_this_season
from ehrsim.record.times import from_date


def _sim(born: dt.date, last: dt.date | None) -> SimpleNamespace:
    given = {"flu": from_date(last)} if last else {}
    return SimpleNamespace(birth_time=from_date(born), immunizations_last=given)


def test_a_second_adult_flu_dose_in_one_season_is_not_given() -> None:
    shot = Shot(0, "flu", "150", "Influenza, split virus, quadrivalent, PF")
    adult = _sim(dt.date(1990, 1, 1), dt.date(2019, 10, 5))  # dosed in pregnancy in October
    assert _flu_given_this_season(adult, shot, from_date(dt.date(2020, 1, 10)))  # same 2019-20 season
    assert not _flu_given_this_season(adult, shot, from_date(dt.date(2020, 10, 1)))  # the next season
    child = _sim(dt.date(2016, 1, 1), dt.date(2019, 10, 5))  # under 9: a second dose is due
    assert not _flu_given_this_season(child, shot, from_date(dt.date(2019, 11, 5)))
    other = Shot(0, "covid", "208", "x")
    assert not _flu_given_this_season(adult, other, from_date(dt.date(2020, 1, 10)))
