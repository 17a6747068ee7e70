"""US states and cities (terminology/demographics): lookup by name and draws by population."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from ehrsim.core.tables import Choice, rows
from ehrsim.errors import ConfigError

RACES = ("white", "black", "asian", "native", "hawaiian", "other")


@dataclass(frozen=True)
class State:
    """One state (or DC) with its census population and race/ethnicity shares."""

    name: str
    abbr: str
    fips: str
    population: int
    race_shares: tuple[float, ...]  # in RACES order
    hispanic: float


@dataclass(frozen=True)
class City:
    """A real city: the unit that gets a primary-care clinic and where patients live."""

    name: str
    state: State
    county: str
    fips: str  # 5-digit county FIPS code
    zip: str
    lat: float
    lon: float
    population: int

    def address(self, line: str) -> dict[str, object]:
        """A record ``address`` dict (docs/record.md) for a street line in this city."""
        return {
            "line": line,
            "city": self.name,
            "state": self.state.name,
            "state_abbr": self.state.abbr,
            "county": self.county,
            "fips": self.fips,
            "zip": self.zip,
            "lat": self.lat,
            "lon": self.lon,
        }


@cache
def states() -> tuple[State, ...]:
    """All 50 states and DC, in file order."""
    return tuple(
        State(
            name=r["name"],
            abbr=r["abbr"],
            fips=r["fips"],
            population=int(r["population"]),
            race_shares=tuple(float(r[race]) for race in RACES),
            hispanic=float(r["hispanic"]),
        )
        for r in rows("demographics/states.csv")
    )


@cache
def _by_key() -> dict[str, State]:
    table: dict[str, State] = {}
    for state in states():
        table[state.name.lower()] = state
        table[state.abbr.lower()] = state
    return table


def resolve_state(name: str) -> State:
    """The state named ``name`` (full name or postal abbreviation, any case).

    Raises ConfigError listing the valid names when it is unknown.
    """
    state = _by_key().get(" ".join(name.split()).lower())
    if state is None:
        valid = ", ".join(s.name for s in states())
        raise ConfigError(f"unknown state {name!r}; use a full name or postal abbreviation: {valid}")
    return state


@cache
def cities(abbr: str) -> tuple[City, ...]:
    """The cities of one state (by abbreviation), largest first."""
    state = resolve_state(abbr)
    found = [
        City(
            name=r["city"],
            state=state,
            county=r["county"],
            fips=r["fips"],
            zip=r["zip"],
            lat=float(r["lat"]),
            lon=float(r["lon"]),
            population=int(r["population"]),
        )
        for r in rows("demographics/cities.csv")
        if r["state_abbr"] == state.abbr
    ]
    return tuple(sorted(found, key=lambda c: -c.population))


@cache
def _state_choice() -> Choice:
    return Choice(states(), [s.population for s in states()])


@cache
def _city_choice(abbr: str) -> Choice:
    table = cities(abbr)
    return Choice(table, [c.population for c in table])


def draw_state(rng: np.random.Generator) -> State:
    """A state drawn by 2020 census population."""
    return _state_choice().draw(rng)


def draw_city(rng: np.random.Generator, state: State) -> City:
    """A city of ``state`` drawn by population."""
    return _city_choice(state.abbr).draw(rng)


@cache
def race_choice(abbr: str) -> Choice:
    """The state's race distribution."""
    state = resolve_state(abbr)
    return Choice(RACES, state.race_shares)
