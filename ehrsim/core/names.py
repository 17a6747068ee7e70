"""Fast weighted draws from Faker's en_US name and street data with a numpy rng.

``Faker.first_name()`` rebuilds its cumulative weights on every call (~50 us); the world needs
thousands of names, so it draws from the same Faker lists with precomputed weights instead.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from faker.providers.address.en_US import Provider as AddressProvider
from faker.providers.person.en_US import Provider as PersonProvider

from ehrsim.core.tables import Choice


@cache
def _choice(kind: str) -> Choice:
    table = {
        "male": PersonProvider.first_names_male,
        "female": PersonProvider.first_names_female,
        "last": PersonProvider.last_names,
    }[kind]
    return Choice(list(table.keys()), list(table.values()))


def first_name(rng: np.random.Generator, gender: str) -> str:
    """A first name weighted by US frequency (Faker's en_US data)."""
    return str(_choice("male" if gender == "M" else "female").draw(rng))


def last_name(rng: np.random.Generator) -> str:
    """A surname weighted by US frequency (Faker's en_US data)."""
    return str(_choice("last").draw(rng))


def street_line(rng: np.random.Generator) -> str:
    """``1234 Smith Avenue``-style street line (Faker's en_US street suffixes)."""
    suffixes = AddressProvider.street_suffixes
    suffix = suffixes[int(rng.integers(0, len(suffixes)))]
    name = last_name(rng) if rng.random() < 0.5 else first_name(rng, "M" if rng.random() < 0.5 else "F")
    return f"{int(rng.integers(1, 10_000))} {name} {suffix}"
