"""Realism figures on hand-made populations whose true values are known by construction."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from ehrsim.report.lifetable import build_life_tables, load_life_table
from ehrsim.report.realism import realism
from ehrsim.report.source import RunInfo
from ehrsim.report.targets import parse_rows
from tests.report.records import REFERENCE, YEAR, RecordBuilder

INFO = RunInfo(REFERENCE)


def target(**over: str):  # type: ignore[no-untyped-def]
    base = {
        "condition": "Hypertension",
        "code": "59621000",
        "measure": "prevalence_ever",
        "sex": "all",
        "age_low": "40",
        "age_high": "59",
        "target": "30",
        "tolerance": "5",
        "unit": "percent",
        "source": "t",
    }
    (t,), problems = parse_rows([{**base, **over}], "t.csv")
    assert not problems
    return t


def cohort() -> list[dict]:  # type: ignore[type-arg]
    """200 people aged 50 at the reference date: 60 have hypertension (40 still active), 10 dead ones had it too."""
    records = []
    for i in range(200):
        b = RecordBuilder(i, gender="M" if i % 2 else "F", birth=dt.date(1974, 6, 1))
        if i < 60:
            b.condition("59621000", b.at_age(45), stop=None if i < 40 else b.at_age(48))
        records.append(b.record())
    for i in range(200, 210):
        b = RecordBuilder(i, birth=dt.date(1974, 6, 1), death=dt.date(2020, 1, 1))
        b.condition("59621000", b.at_age(40))
        records.append(b.record())
    # people outside the band must not count
    young = RecordBuilder(300, birth=dt.date(2000, 1, 1))
    young.condition("59621000", young.at_age(20))
    records.append(young.record())
    return records


def test_prevalence_ever_and_active() -> None:
    targets = [target(), target(measure="prevalence_active", target="20"), target(sex="F", target="30")]
    report = realism(cohort(), INFO, targets, life_table=[])
    ever, active, women = report.results
    assert (ever.numerator, ever.denominator) == (60, 200) and ever.value == pytest.approx(30)
    assert ever.low < 30 < ever.high and ever.status == "ok"
    assert (active.numerator, active.denominator) == (40, 200) and active.value == pytest.approx(20)
    assert (women.numerator, women.denominator) == (30, 100)


def test_fraction_units_and_verdicts() -> None:
    report = realism(
        cohort(),
        INFO,
        [target(target="0.3", tolerance="0.02", unit="fraction"), target(target="60", tolerance="5")],
        life_table=[],
    )
    fraction, far = report.results
    assert fraction.value == pytest.approx(0.3) and fraction.status == "ok"
    assert far.status == "low" and not far.within
    assert report.fraction_within == 0.5


def test_empty_band_has_no_data() -> None:
    report = realism(cohort(), INFO, [target(age_low="90", age_high="99")], life_table=[])
    assert report.results[0].status == "no data" and not report.results[0].within


def test_incidence_counts_first_onsets_per_person_years_at_risk() -> None:
    records = []
    for i in range(100):  # everyone 0-50 at the reference date is 50 now
        b = RecordBuilder(i, birth=dt.date(1974, 12, 31))
        if i < 10:
            b.condition("44054006", b.at_age(45))  # 10 onsets at 45: 5 years at risk in 40-49
            b.condition("44054006", b.at_age(47))  # a second episode is not a new onset
        records.append(b.record())
    t = target(
        code="44054006", measure="incidence_per_1000py", age_low="40", age_high="49", target="20", unit="per_1000py"
    )
    (result,) = realism(records, INFO, [t], life_table=[]).results
    years = 90 * 10 + 10 * 5
    assert result.numerator == 10 and result.denominator == pytest.approx(years, rel=1e-3)
    assert result.value == pytest.approx(10 / years * 1000, rel=1e-3)
    assert result.low < result.value < result.high


def test_incidence_ignores_time_before_the_kept_history() -> None:
    b = RecordBuilder(0, birth=dt.date(1970, 1, 1))
    b.condition("44054006", b.at_age(50))
    t = target(code="44054006", measure="incidence_per_1000py", age_low="0", age_high="120", unit="per_1000py")
    info = RunInfo(REFERENCE, years_of_history=10)
    (result,) = realism([b.record()], info, [t], life_table=[]).results
    assert result.numerator == 1
    assert result.denominator == pytest.approx((b.at_age(50) - info.history_start) / YEAR, rel=1e-3)


def gompertz_population(n: int, a: float, b: float, seed: int = 7) -> tuple[list[dict], float]:  # type: ignore[type-arg]
    """People born 1925-2024 with Gompertz lifetimes (hazard a*e^(b*age)); returns records and the true e0."""
    rng = np.random.default_rng(seed)
    records = []
    for i in range(n):
        birth = dt.date(1925, 1, 1) + dt.timedelta(days=int(rng.integers(0, 100 * 365)))
        life = math.log(1 - b * math.log(rng.random()) / a) / b
        b_ = RecordBuilder(i, gender="M" if i % 2 else "F", birth=birth)
        if b_.birth + life * YEAR < REFERENCE:
            b_.death = int(b_.birth + life * YEAR)
        records.append(b_.record())
    ages = np.linspace(0, 130, 13001)
    survival = np.exp(-a / b * (np.exp(b * ages) - 1))
    return records, float(np.sum((survival[1:] + survival[:-1]) / 2) * 0.01)


def test_life_expectancy_of_a_gompertz_population() -> None:
    """Censored at the reference date and with everyone's birth spread over a century, e0 is still recovered."""
    records, true_e0 = gompertz_population(4000, a=5e-5, b=0.09)
    assert 70 < true_e0 < 80
    published = [
        {
            "sex": s,
            "age_low": 0.0,
            "age_high": math.inf,
            "measure": "ex",
            "value": true_e0,
            "tolerance": 3.0,
            "unit": "years",
            "source": "Gompertz",
        }
        for s in ("M", "F", "all")
    ]
    report = realism(records, INFO, [], life_table=published)
    for sex in ("M", "F", "all"):
        e0 = report.life_expectancy(sex)
        assert e0 is not None
        assert e0.value == pytest.approx(true_e0, abs=3)
        assert e0.low < true_e0 < e0.high and e0.high - e0.low < 8
        assert e0.within


def test_life_table_exposures_split_at_band_edges() -> None:
    b = RecordBuilder(0, gender="F", birth=dt.date(1990, 1, 1), death=dt.date(2002, 1, 1))
    from ehrsim.report.people import summarise

    person = summarise(b.record(), REFERENCE, set())
    exp, table = build_life_tables([person])["F"]
    assert exp.years[:4] == pytest.approx([1, 4, 5, 2.0], abs=0.01)
    assert exp.deaths[3] == 1 and sum(exp.deaths) == 1
    assert table is not None and table.qx[-1] == 1.0


def test_bundled_life_table_parses() -> None:
    rows = load_life_table()
    e0 = {r["sex"]: r["value"] for r in rows if r["measure"] == "ex" and r["age_low"] == 0}
    assert e0 == {"all": 78.8, "M": 76.3, "F": 81.4}
    assert all(0 < r["value"] < 1 for r in rows if r["measure"] == "qx")


def test_allergies_and_causes_of_death_count_as_onsets() -> None:
    records = []
    for i in range(10):
        b = RecordBuilder(i, birth=dt.date(1970, 1, 1), death=dt.date(2020, 1, 1) if i < 2 else None)
        if i < 4:
            b._entry(
                "allergies",
                start=b.at_age(10),
                stop=None,
                codes=[{"system": "SNOMED-CT", "code": "91935009", "display": "Peanut allergy"}],
                type="allergy",
                category="food",
                reactions=[],
                encounter=None,
            )
        records.append(b.record())
    records[0]["death"]["codes"] = [{"system": "SNOMED-CT", "code": "9855000", "display": "Natural death"}]
    peanut = target(code="91935009", measure="prevalence_active", age_low="0", age_high="120")
    natural = target(code="9855000", measure="incidence_per_1000py", age_low="0", age_high="120", unit="per_1000py")
    allergy, death = realism(records, INFO, [peanut, natural], life_table=[]).results
    assert (allergy.numerator, allergy.denominator) == (2, 8)  # two of the allergic died
    assert death.numerator == 1


def test_band_death_probability_has_a_finite_interval_without_deaths() -> None:
    records = [RecordBuilder(i, birth=dt.date(1990, 1, 1)).record() for i in range(200)]
    published = [
        {
            "sex": "all",
            "age_low": 5.0,
            "age_high": 9.0,
            "measure": "qx",
            "value": 0.0006,
            "tolerance": 0.5,
            "unit": "probability",
            "source": "t",
        }
    ]
    (q,) = realism(records, INFO, [], life_table=published).life
    assert q.deaths == 0 and q.value == 0 and q.high == pytest.approx(1 - math.exp(-5 * 3.689 / 1000), rel=1e-3)


def test_latent_prevalence_and_undiagnosed_share() -> None:
    """The record's ``latent`` block is the simulator's truth: 40 of 100 people aged 50 have latent type 2
    diabetes, 30 of them diagnosed; one more latent onset lies after the reference date and does not count."""
    records = []
    for i in range(100):
        b = RecordBuilder(i, birth=dt.date(1974, 6, 1))
        if i < 30:
            b.condition("44054006", b.at_age(46))
        rec = b.record()
        if i < 40:
            rec["latent"] = {"44054006": b.at_age(44)}
        elif i == 40:
            rec["latent"] = {"44054006": REFERENCE + int(YEAR)}
        records.append(rec)
    targets = [
        target(code="44054006", measure="prevalence_latent", target="40"),
        target(code="44054006", measure="undiagnosed_share", target="25", age_low="18", age_high="120"),
    ]
    total, undiagnosed = realism(records, INFO, targets, life_table=[]).results
    assert (total.numerator, total.denominator) == (40, 100) and total.value == pytest.approx(40)
    assert (undiagnosed.numerator, undiagnosed.denominator) == (10, 40) and undiagnosed.value == pytest.approx(25)
    assert undiagnosed.status == "ok"
    # a library that records no latent state has no data, rather than 0 % undiagnosed
    for rec in records:
        rec.pop("latent", None)
    assert realism(records, INFO, targets, life_table=[]).results[1].status == "no data"
