"""Seasonal influenza, COVID-19 and RSV campaigns, and vaccines in pregnancy."""

from __future__ import annotations

import datetime as dt

import numpy as np

from ehrsim.core.vaccine_plan import lifetime_plan, pregnancy_plan
from ehrsim.record.times import DAY, from_date, to_date

END = from_date(dt.date(2025, 6, 1))
YEAR = 365.25 * DAY


def _plans(birth: dt.date, n: int = 300):
    born = from_date(birth)
    return born, [lifetime_plan(np.random.default_rng(i), born, END) for i in range(n)]


def test_flu_shots_fall_in_september_to_march():
    _, plans = _plans(dt.date(1960, 5, 1))
    months = [to_date(s.time).month for plan in plans for s in plan if s.key == "flu"]
    assert months and all(m in (9, 10, 11, 12, 1, 2, 3) for m in months)


def test_children_under_nine_get_two_doses_in_their_first_season():
    born, plans = _plans(dt.date(2015, 3, 1))
    for plan in plans:
        flu = [s.time for s in plan if s.key == "flu"]
        if flu and flu[0] - born < 9 * YEAR:
            assert len(flu) >= 2 and 28 * DAY <= flu[1] - flu[0] <= 42 * DAY
            assert flu[0] - born >= 0.5 * YEAR  # not before 6 months


def test_no_flu_vaccine_before_it_was_recommended_for_the_age():
    born, plans = _plans(dt.date(1985, 1, 1))  # aged 18-25 in 2003-2009: not yet recommended then
    for plan in plans:
        for s in plan:
            if s.key == "flu":
                age = (s.time - born) / YEAR
                assert (age < 18 and to_date(s.time).year >= 2008) or age >= 25, (age, to_date(s.time))


def test_covid_vaccines_start_in_december_2020_with_realistic_uptake():
    _, old = _plans(dt.date(1940, 1, 1), 400)
    _, kids = _plans(dt.date(2014, 1, 1), 400)  # aged 7 when 5-11 year olds became eligible
    start = from_date(dt.date(2020, 12, 14))
    for plan in old + kids:
        assert all(s.time >= start for s in plan if s.key.startswith("covid"))
    share_old = np.mean([any(s.key == "covid_primary" for s in p) for p in old])
    share_kids = np.mean([any(s.key == "covid_primary" for s in p) for p in kids])
    assert 0.88 < share_old <= 1.0 and 0.2 < share_kids < 0.45
    primary = [s for s in old[0] + old[1] + old[2] if s.key == "covid_primary"]
    assert all(s.cvx == "208" for s in primary)


def test_infants_get_nirsevimab_in_their_first_rsv_season_only_since_2023():
    for birth, expected in ((dt.date(2023, 12, 1), True), (dt.date(2022, 6, 1), False), (dt.date(2024, 5, 1), True)):
        born, plans = _plans(birth, 200)
        doses = [s for p in plans for s in p if s.key == "rsv_infant"]
        assert bool(doses) is expected, birth
        for s in doses:
            assert (s.time - born) / (YEAR / 12) < 8
            assert to_date(s.time).month in (10, 11, 12, 1, 2, 3) or s.time - born < 7 * DAY


def test_nirsevimab_for_a_baby_born_in_the_season_is_planned_in_the_birth_stay():
    """ACIP/AAP 2023: born October-March, nirsevimab before discharge (the 50 mg dose), in hours 1-24 of life."""
    born, plans = _plans(dt.date(2024, 1, 10), 200)
    doses = [s for p in plans for s in p if s.key == "rsv_infant"]
    assert doses and all(s.enc_class == "inpatient" and 3600 <= s.time - born <= DAY for s in doses)
    assert {s.cvx for s in doses} == {"306"}
    _, plans = _plans(dt.date(2024, 6, 10), 200)  # born before the season: at its start, in the office
    doses = [s for p in plans for s in p if s.key == "rsv_infant"]
    assert doses and all(s.enc_class == "ambulatory" and to_date(s.time).month == 10 for s in doses)


def test_tdap_in_pregnancy_at_27_to_36_weeks_since_2012():
    conception = from_date(dt.date(2020, 1, 1))
    shots = [s for i in range(300) for s in pregnancy_plan(np.random.default_rng(i), conception) if s.key == "tdap"]
    assert 0.4 < len(shots) / 300 < 0.7
    for s in shots:
        weeks = (s.time - conception) / (7 * DAY) + 2
        assert 27 <= weeks <= 36 and s.needs_pregnancy and s.cvx == "115"
    weeks_given = [(s.time - conception) / (7 * DAY) + 2 for s in shots]
    assert sum(weeks_given) / len(weeks_given) < 31.5  # early in the window (triangular towards 27 weeks)
    early = from_date(dt.date(2005, 1, 1))
    assert not [s for i in range(100) for s in pregnancy_plan(np.random.default_rng(i), early) if s.key == "tdap"]


def test_tdap_uptake_follows_the_cdc_surveys_by_season():
    def share(conception: dt.date) -> float:
        t = from_date(conception)
        plans = [pregnancy_plan(np.random.default_rng(i), t) for i in range(1000)]
        return sum(any(s.key == "tdap" for s in plan) for plan in plans) / 1000

    assert 0.22 < share(dt.date(2013, 3, 1)) < 0.32  # 27.0 % (April 2014 survey)
    assert 0.54 < share(dt.date(2023, 3, 1)) < 0.65  # 59.6 % (April 2024 survey)


def _pregnant_flu_coverage(born: dt.date, conceived: dt.date, season: int, n: int = 800) -> float:
    """Share of women vaccinated in ``season`` by the yearly plan or the pregnancy plan (CDC's measure)."""
    from ehrsim.core.vaccine_plan import flu_season

    birth, conception = from_date(born), from_date(conceived)
    covered = 0
    for i in range(n):
        shots = lifetime_plan(np.random.default_rng(i), birth, END) + pregnancy_plan(
            np.random.default_rng(10_000 + i), conception, birth
        )
        covered += any(s.key == "flu" and flu_season(s.time) == season for s in shots)
    return covered / n


def test_influenza_in_pregnancy_reaches_the_cdc_measured_uptake():
    # 2019-20: 61.2 % of women pregnant in the season (MMWR 2020;69(39)); women 18-49 otherwise ~35 %
    assert 0.56 <= _pregnant_flu_coverage(dt.date(1990, 3, 1), dt.date(2019, 6, 1), 2019) <= 0.67
    # 2005-06: about 15 % (and no yearly recommendation for women 18-49 then)
    assert 0.11 <= _pregnant_flu_coverage(dt.date(1978, 3, 1), dt.date(2005, 6, 1), 2005) <= 0.19
    conception = from_date(dt.date(2019, 6, 1))
    for i in range(200):  # during the pregnancy (8-40 weeks), in the season, flagged as needing it
        for s in pregnancy_plan(np.random.default_rng(i), conception, from_date(dt.date(1990, 3, 1))):
            if s.key == "flu":
                assert s.needs_pregnancy and conception + 6 * 7 * DAY <= s.time < conception + 38 * 7 * DAY
                assert to_date(s.time).month in (9, 10, 11, 12, 1, 2, 3)


def test_infant_pfizer_series_dose_three_eight_weeks_after_dose_two():
    """ACIP MMWR 2022;71(26): 6 months-4 years, dose 2 3-8 weeks after dose 1, dose 3 at least 8 weeks after dose 2."""
    _, babies = _plans(dt.date(2022, 1, 1), 600)  # 6 months old when the series opened
    series = [sorted(s.time for s in p if s.key == "covid_primary") for p in babies]
    series = [t for t in series if t]
    assert series, "some infants get the 3-dose series"
    for t in series:
        assert len(t) == 3 and 21 * DAY <= t[1] - t[0] <= 56 * DAY and t[2] - t[1] >= 56 * DAY
