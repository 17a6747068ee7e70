"""Draw one person: who they are, where they live, and the attributes GMF modules read.

``draw_person`` is what the engine calls for every patient slot; everything random comes from
the rng (and the seeded Faker) it is given, every proportion from ``terminology/demographics``.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
from faker import Faker

from ehrsim.core import identifiers
from ehrsim.core.geography import City, State, draw_city, draw_state, race_choice, resolve_state
from ehrsim.core.socioeconomic import (
    draw_insurance,
    draw_sexual_orientation,
    draw_social_needs,
    draw_socioeconomics,
    ses_category,
)
from ehrsim.core.tables import Choice, band, interpolate, parameters, rows
from ehrsim.errors import ConfigError

__all__ = ["draw_age", "draw_person", "ses_category"]

SECONDS_PER_YEAR = 365.25 * 86_400
PASSPORT_SHARE = 0.45  # share of people holding a passport (US State Department, ~48% of citizens)
MIDDLE_NAME_SHARE = 0.6


def _params() -> dict[str, float]:
    return parameters("demographics/parameters.csv")


@cache
def _pyramid() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    table = rows("demographics/age_sex.csv")
    lo = np.array([float(r["age_from"]) for r in table])
    hi = np.array([float(r["age_to"]) for r in table])
    male = np.array([float(r["male"]) for r in table])
    female = np.array([float(r["female"]) for r in table])
    return lo, hi, male, female


@cache
def _survival() -> tuple[list[float], list[float]]:
    table = rows("demographics/survival.csv")
    return [float(r["age"]) for r in table], [float(r["lx"]) / float(table[0]["lx"]) for r in table]


def survival(age: float) -> float:
    """Share of a birth cohort alive at ``age`` (US life table, log-linear between ages)."""
    ages, lx = _survival()
    return max(float(np.exp(interpolate(age, ages, np.log(lx).tolist()))), 1e-6)


def _mean_survival(lo: float, hi: float) -> float:
    return float(np.mean([survival(a) for a in np.linspace(lo, hi, 11)]))


@cache
def _age_bands(age_min: float, age_max: float, gender: str | None) -> Choice[int] | None:
    """The age-band draw of ``draw_age`` (None when no band overlaps the range): the same for every
    patient of a run, so it is built once."""
    lo, hi, male, female = _pyramid()
    overlap = np.clip(np.minimum(hi, age_max) - np.maximum(lo, age_min), 0, None) / (hi - lo)
    population = male if gender == "M" else female if gender == "F" else male + female
    mean_s = np.array(
        [_mean_survival(max(a, age_min), max(min(b, age_max), max(a, age_min))) for a, b in zip(lo, hi, strict=True)]
    )
    weights = overlap * population / mean_s
    if weights.sum() <= 0:
        return None
    return Choice(range(len(weights)), weights.tolist())


def draw_age(rng: np.random.Generator, age_min: float, age_max: float, gender: str | None) -> tuple[float, str]:
    """(age in years, sex) such that the people alive at the reference date follow the census pyramid.

    Everyone is simulated from birth, so someone drawn at age ``a`` reaches it only with the
    life-table probability S(a): drawing ages in proportion to population / S(a) makes the
    survivors match the pyramid (the others become the dead of the population, as in a real
    register). Age bands are weighted by population times the overlapping fraction over the mean
    of S in the overlap; inside a band the living thin out as S does (a stationary population), so
    the drawn age is uniform there. Without a given gender the sex follows the band's sex ratio
    (about 49.3% male overall).
    """
    if age_max < age_min:
        raise ConfigError(f"age range {age_min}-{age_max} is empty")
    lo, hi, male, female = _pyramid()
    if age_max == age_min:
        age = float(age_min)
        row = band(age, rows("demographics/age_sex.csv"))
        share_male = float(row["male"]) / (float(row["male"]) + float(row["female"]))
        sex = gender or ("M" if rng.random() < share_male else "F")
        return age, sex
    bands = _age_bands(age_min, age_max, gender)
    if bands is None:  # beyond the pyramid (e.g. 110+): uniform in the range
        age = age_min + (age_max - age_min) * rng.random()
        return float(age), gender or ("M" if rng.random() < 0.5 else "F")
    i = int(bands.draw(rng))
    start, stop = max(lo[i], age_min), min(hi[i], age_max)
    age = float(start + (stop - start) * rng.random())
    sex = gender or ("M" if rng.random() < male[i] / (male[i] + female[i]) else "F")
    return age, sex


@cache
def _marital(sex: str) -> tuple[tuple[float, float, Choice], ...]:
    table = [r for r in rows("demographics/marital.csv") if r["sex"] == sex]
    return tuple(
        (float(r["age_from"]), float(r["age_to"]), Choice("SMDW", [float(r[s]) for s in "SMDW"])) for r in table
    )


def draw_marital(rng: np.random.Generator, age: float, sex: str) -> str:
    """S/M/D/W by age and sex (ACS); "" under 15."""
    for low, high, choice in _marital(sex):
        if low <= age < high:
            return str(choice.draw(rng))
    return ""


@cache
def _languages(group: str) -> Choice:
    table = [r for r in rows("demographics/languages.csv") if r["group"] == group]
    return Choice([r["language"] for r in table], [float(r["share"]) for r in table])


@cache
def _birthplaces(language: str) -> tuple[float, Choice | None]:
    table = [r for r in rows("demographics/birthplaces.csv") if r["language"] == language]
    if not table:
        return 0.0, None
    foreign = float(table[0]["foreign_born"])
    places = [(r["city"], r["iso2"]) for r in table if r["iso2"]]
    return foreign, Choice(places, [float(r["share"]) for r in table if r["iso2"]]) if places else None


def _birthplace(rng: np.random.Generator, age: float, language: str, home: State) -> dict[str, str]:
    foreign_share, places = _birthplaces(language)
    if age < 18:
        foreign_share *= _params()["foreign_born_child_factor"]
    if places is not None and rng.random() < foreign_share:
        city, country = places.draw(rng)
        return {"city": city, "state": "", "country": country}
    state = home if rng.random() < _params()["birthplace_same_state"] else draw_state(rng)
    return {"city": draw_city(rng, state).name, "state": state.name, "country": "US"}


def _prefix(male: bool, marital: str, age: float) -> str:
    """An adult's title by sex and marital status; none for a child."""
    if age < 18:
        return ""
    return "Mr." if male else ("Mrs." if marital == "M" else "Ms.")


def _names(rng: np.random.Generator, faker: Faker, sex: str, age: float, marital: str) -> dict[str, str]:
    male = sex == "M"
    first = faker.first_name_male() if male else faker.first_name_female()
    middle = ""
    if rng.random() < MIDDLE_NAME_SHARE:
        middle = faker.first_name_male() if male else faker.first_name_female()
    last = faker.last_name()
    maiden = faker.last_name() if (not male and marital == "M") else ""
    prefix, suffix = _prefix(male, marital, age), ""
    if age >= 18 and male and rng.random() < _params()["suffix_jr_male"]:
        suffix = "Jr."
    return {"prefix": prefix, "first": first, "middle": middle, "last": last, "suffix": suffix, "maiden": maiden}


def draw_person(
    rng: np.random.Generator,
    faker: Faker,
    *,
    reference_time: int,
    age_min: float,
    age_max: float,
    gender: str | None,
    state: str | None,
    index: int | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(patient, attributes) for one person alive at ``reference_time``.

    ``patient`` is the record's ``patient`` dict (docs/record.md) without ``organization`` and
    ``practitioner``. ``attributes`` are the Synthea-named person attributes modules read.
    ``index`` (the patient's index in the run) makes the MRN and passport unique by construction;
    without it they are random. SSN and driver's licence numbers are random and do collide
    (10^6 and 10^5 values); see ``ehrsim.core.identifiers``.
    """
    if gender not in (None, "M", "F"):
        raise ConfigError(f"gender must be 'M', 'F' or None, not {gender!r}")
    home: State = resolve_state(state) if state else draw_state(rng)
    city: City = draw_city(rng, home)
    age, sex = draw_age(rng, age_min, age_max, gender)
    race = str(race_choice(home.abbr).draw(rng))
    ethnicity = "hispanic" if rng.random() < home.hispanic else "nonhispanic"
    language = str(_languages("hispanic" if ethnicity == "hispanic" else race).draw(rng))
    marital = draw_marital(rng, age, sex)
    names = _names(rng, faker, sex, age, marital)
    birthplace = _birthplace(rng, age, language, home)
    ses = draw_socioeconomics(rng, age)
    insurance = draw_insurance(rng, age, float(ses["poverty_ratio"]))
    patient = {
        "birth_time": int(reference_time - round(age * SECONDS_PER_YEAR)),
        "gender": sex,
        "race": race,
        "ethnicity": ethnicity,
        **names,
        "marital": marital,
        "ssn": identifiers.ssn(rng),
        "drivers": identifiers.drivers(rng) if age >= 16 else "",
        "passport": identifiers.passport(rng, index) if rng.random() < PASSPORT_SHARE else "",
        "mrn": identifiers.mrn(rng, index),
        "phone": identifiers.phone(rng),
        "email": identifiers.email(rng, names["first"], names["last"]),
        "language": language,
        "address": city.address(faker.street_address()),
        "birthplace": birthplace,
        "income": ses["income"],
        "education": ses["education"],
        "insurance": insurance,
    }
    attributes: dict[str, Any] = {
        **ses,
        "insurance_status": insurance,
        "marital_status": marital,
        "first_language": language,
        "birth_country": birthplace["country"],
        "sexual_orientation": draw_sexual_orientation(rng),
        **draw_social_needs(rng, age, float(ses["poverty_ratio"])),
        "RH_NEG": bool(rng.random() < _params()["rh_negative"]),
        "gender": sex,
        "race": race,
        "ethnicity": ethnicity,
        "state": home.name,
        "city": city.name,
        "county": city.county,
    }
    return patient, attributes


def as_of_death(
    patient: dict[str, Any], attributes: dict[str, Any], age: float, rng: np.random.Generator
) -> dict[str, Any]:
    """The record's demographics for a person who died at ``age``.

    ``draw_person`` draws them for the age the person would have reached at the reference date (deaths are
    counted in the sampled slots, docs/record.md): a girl born in 1929 who died of pneumonia at 5 was recorded as a
    widow on Medicare, "Ms.", with a driver's licence. Marital status is drawn again at the age of death (ACS), the
    prefix and maiden name follow it, a licence needs 16 years, and coverage is the one held at death (the yearly
    update moves it to Medicare at 65; younger, it is drawn for the age). ``rng`` is a stream of its own, spawned
    after the life ended, so no draw of the life moves.
    """
    p = dict(patient)
    sex, male = p["gender"], p["gender"] == "M"
    marital = draw_marital(rng, age, sex)
    p["marital"] = marital
    if male or marital != "M":
        p["maiden"] = ""
    p["prefix"] = _prefix(male, marital, age)
    if age < 18:
        p["suffix"] = ""
    if age < 16:
        p["drivers"] = ""
    if age < 65:
        p["insurance"] = draw_insurance(rng, age, float(attributes.get("poverty_ratio", 1.0)))
    else:
        p["insurance"] = str(attributes.get("insurance_status", p.get("insurance", "")))
    return p
