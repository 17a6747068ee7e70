"""The routine schedule in force at the time: 2-month visit, rotavirus limits, historical series."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given
from hypothesis import strategies as st

from ehrsim.core.immunizations import due, schedule
from ehrsim.core.wellness import next_visit_time
from ehrsim.record.times import DAY, from_date

YEAR = 365.25 * DAY


def _vaccinate(birth: dt.date, until_years: float, delay_days: float = 0) -> list[tuple[float, str, str]]:
    """Give every due vaccine at every scheduled wellness visit (``delay_days`` late); (age in days, key, cvx)."""
    born = from_date(birth)
    given: dict[str, int] = {}
    last: dict[str, int] = {}
    out = []
    t = born - 1
    while (t - born) / YEAR < until_years:
        t = next_visit_time(born, t, False)
        visit = t + int(delay_days * DAY)
        for key, code in due((visit - born) / DAY, given, visit, last):
            given[key] = given.get(key, 0) + 1
            last[key] = visit
            out.append(((visit - born) / DAY, key, code["code"]))
    return out


def test_the_two_month_visit_gives_the_two_month_vaccines():
    shots = _vaccinate(dt.date(2015, 3, 1), 1)
    at_two_months = {key for age, key, _ in shots if 60 <= age < 62}
    assert {"dtap", "polio", "hib", "pcv", "rv", "hepb"} <= at_two_months


def test_a_child_born_in_2015_completes_the_routine_series():
    shots = _vaccinate(dt.date(2015, 3, 1), 18)
    counts = {key: sum(1 for _, k, _ in shots if k == key) for key in schedule()}
    assert counts["hepb"] == 3 and counts["dtap"] == 5 and counts["polio"] == 4 and counts["rv"] == 3
    assert counts["mmr"] == 2 and counts["varicella"] == 2 and counts["hpv"] == 2
    assert counts["mening"] == 2 and counts["tdap"] == 1
    assert next(age for age, k, _ in shots if k == "hepb") < 7  # at the newborn visit when not given at birth


def test_rotavirus_is_not_started_after_14_weeks_6_days():
    # every visit 105 days late (the first at 15 weeks 3 days): catch-up DTaP yes, rotavirus never
    shots = _vaccinate(dt.date(2015, 3, 1), 1, delay_days=105)
    assert not any(k == "rv" for _, k, _ in shots)
    assert any(k == "dtap" for _, k, _ in shots)
    on_time = _vaccinate(dt.date(2015, 3, 1), 1)
    ages = [age for age, k, _ in on_time if k == "rv"]
    assert ages[0] < 105 and ages[-1] < 244


def test_people_born_before_1984_had_the_historical_series():
    shots = _vaccinate(dt.date(1975, 5, 1), 10)
    codes = {k: {c for _, kk, c in shots if kk == k} for k in ("dtap", "polio", "mmr")}
    assert codes["dtap"] == {"01"} and sum(1 for _, k, _ in shots if k == "dtap") == 5  # whole-cell DTP
    assert codes["polio"] == {"02"}  # oral polio vaccine
    assert codes["mmr"] == {"03"}
    assert not any(k in ("hib", "pcv", "rv", "varicella", "hepa") for _, k, _ in shots)  # not yet recommended


def test_vaccines_are_never_given_outside_their_era():
    born = from_date(dt.date(1990, 6, 1))
    for age, key, cvx in _vaccinate(dt.date(1990, 6, 1), 40):
        t = born + age * DAY
        rows = [d for d in schedule()[key] if d.cvx == cvx]
        assert any(d.in_force(t) for d in rows), (key, cvx, age)
    keys = {k for _, k, _ in _vaccinate(dt.date(1990, 6, 1), 40)}
    assert "rv" not in keys and "hepb" in keys and "varicella" in keys  # catch-up hep B and varicella


@given(age_days=st.floats(0, 40_000), doses=st.integers(0, 6))
def test_due_is_deterministic_and_respects_age_limits(age_days, doses):
    time = from_date(dt.date(2024, 1, 1))
    given_ = dict.fromkeys(schedule(), doses)
    last = dict.fromkeys(schedule(), time - 400 * DAY)
    first = due(age_days, given_, time, last)
    assert first == due(age_days, given_, time, last)
    for key, code in first:
        assert code["system"] == "CVX" and code["code"]
        rows = [d for d in schedule()[key] if d.in_force(time) and d.cvx == code["code"]]
        assert any(age_days >= d.min_age_days and (d.max_age_days is None or age_days < d.max_age_days) for d in rows)


def test_td_recurs_every_ten_years_and_older_adults_get_their_vaccines():
    shots = _vaccinate(dt.date(1950, 1, 1), 75)
    td_ages = [age for age, k, _ in shots if k == "td"]
    assert len(td_ages) >= 3 and all(b - a >= 3652 for a, b in itertools.pairwise(td_ages))
    assert any(k == "zoster" for _, k, _ in shots) and any(k == "pneumo_adult" for _, k, _ in shots)


def test_hpv_by_era_quadrivalent_three_doses_then_9_valent():
    quadrivalent = [(age, cvx) for age, key, cvx in _vaccinate(dt.date(2001, 1, 1), 14) if key == "hpv"]
    assert [cvx for _, cvx in quadrivalent] == ["62", "62", "62"]  # 11 in 2012: three HPV4 doses
    assert quadrivalent[0][0] >= 11 * 365
    nine_valent = [cvx for _, key, cvx in _vaccinate(dt.date(2008, 1, 1), 14) if key == "hpv"]
    assert nine_valent == ["165", "165"]
    born_1995 = [age for age, k, _ in _vaccinate(dt.date(1995, 1, 1), 20) if k == "hpv"]
    assert born_1995 and min(born_1995) >= 16.8 * 365.25  # girls-only 2006-11 not modelled: caught up from late 2011


def test_meningococcal_product_by_era_menactra_then_menquadfi():
    born_2000 = [cvx for _, key, cvx in _vaccinate(dt.date(2000, 1, 1), 18) if key == "mening"]
    assert born_2000 == ["114", "114"]  # 11 in 2011, 16 in 2016: Menactra on the market
    born_2012 = [cvx for _, key, cvx in _vaccinate(dt.date(2012, 1, 1), 17) if key == "mening"]
    assert born_2012 == ["203", "203"]  # 11 in 2023: Menactra discontinued in 2022, MenQuadfi


def test_menacwy_product_mix_by_era_one_product_per_patient():
    from ehrsim.core.immunizations import product

    def cvx(day: dt.date, u: float) -> str:
        scheduled = {"system": "CVX", "code": "114", "display": "meningococcal MCV4P"}
        return product("mening", scheduled, from_date(day), u)["code"]

    draws = [i / 200 for i in range(200)]
    assert {cvx(dt.date(2007, 6, 1), u) for u in draws} == {"114"}  # Menactra alone before Menveo (2010)
    in_2015 = [cvx(dt.date(2015, 6, 1), u) for u in draws]
    assert set(in_2015) == {"114", "136"} and in_2015.count("136") == 100  # equal shares (products.csv)
    in_2024 = [cvx(dt.date(2024, 6, 1), u) for u in draws]
    assert set(in_2024) == {"203", "136"}  # no Menactra after its discontinuation
    # one patient keeps Menveo for both doses; a Menactra patient moves to MenQuadfi in 2022
    assert cvx(dt.date(2015, 6, 1), 0.9) == cvx(dt.date(2024, 6, 1), 0.9) == "136"
    assert (cvx(dt.date(2015, 6, 1), 0.1), cvx(dt.date(2024, 6, 1), 0.1)) == ("114", "203")
    assert product("hpv", {"code": "165"}, from_date(dt.date(2024, 1, 1)), 0.5) == {"code": "165"}


def test_td_waits_ten_years_after_any_tetanus_toxoid_dose():
    """A wound Tdap (or the adolescent Tdap) defers the next Td: ACIP counts 10 years from the last tetanus dose."""
    born = from_date(dt.date(1988, 10, 11))
    visit = from_date(dt.date(2011, 10, 12))  # 23 years old, no Td yet: the first Td is due ...
    age = (visit - born) / DAY
    assert any(k == "td" for k, _ in due(age, {}, visit, {}))
    wound_tdap = from_date(dt.date(2008, 10, 30))  # ... unless a Tdap was given 3 years ago
    assert not any(k == "td" for k, _ in due(age, {}, visit, {}, {"td": wound_tdap}))
    old_tdap = from_date(dt.date(2000, 10, 30))
    assert any(k == "td" for k, _ in due(age, {}, visit, {}, {"td": old_tdap}))


def test_a_hib_catch_up_begun_after_15_months_is_one_dose():
    """CDC catch-up schedule: no further Hib doses when the first was given at 15 months or older (chart 97)."""
    born = from_date(dt.date(1988, 10, 11))
    visit = from_date(dt.date(1991, 10, 14))  # 3 years old, one catch-up dose given at 2.5 years
    age = (visit - born) / DAY
    last = {"hib": from_date(dt.date(1991, 4, 12))}
    assert any(k == "hib" for k, _ in due(age, {"hib": 1}, visit, last))  # without the first dose's age: dose 2
    assert not any(k == "hib" for k, _ in due(age, {"hib": 1}, visit, last, None, {"hib": 913.0}))
    assert any(k == "hib" for k, _ in due(age, {"hib": 1}, visit, last, None, {"hib": 61.0}))  # begun on time
