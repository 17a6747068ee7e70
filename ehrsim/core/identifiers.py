"""Fake identifiers: obviously synthetic formats, and uniqueness where the key space allows it.

- SSN ``999-xx-xxxx`` (area 999 is never issued) has only 10^6 values: a random draw, so SSNs
  collide from about 1,000 patients on (birthday bound); nothing downstream may key on them.
- Driver's licence ``S999xxxxx`` (10^5 values, Synthea's format): random, collides the same way.
- Passport ``X########X`` and MRN: when the patient index is known they are a keyed permutation of
  it, hence unique by construction (passport up to 10^8 patients, MRN up to 10^10); otherwise
  random.
- Phones ``555-01xx`` (reserved for fiction), e-mail at ``example.org``, NPIs starting with 9
  (never issued: real NPIs start with 1 or 2) with a valid Luhn check digit (prefix 80840).
"""

from __future__ import annotations

import numpy as np

_MIX = (0x9E3779B1, 0x85EBCA6B, 0xC2B2AE35, 0x27D4EB2F)


def _feistel(value: int, half: int, key: int) -> int:
    """A bijection of ``[0, half**2)`` onto itself (4-round Feistel network in base ``half``)."""
    left, right = divmod(value, half)
    for mix in _MIX:
        h = (right * mix + key) & 0xFFFFFFFF
        h ^= h >> 15
        h = (h * 0x2C1B3C6D) & 0xFFFFFFFF
        left, right = right, (left + h) % half
    return left * half + right


def ssn(rng: np.random.Generator) -> str:
    """``999-xx-xxxx``: the 999 area is never issued."""
    n = int(rng.integers(0, 1_000_000))
    return f"999-{n // 10_000:02d}-{n % 10_000:04d}"


def drivers(rng: np.random.Generator) -> str:
    """``S999xxxxx`` (Synthea's fake licence format)."""
    return f"S999{int(rng.integers(0, 100_000)):05d}"


def passport(rng: np.random.Generator, index: int | None = None) -> str:
    """``X########X``: unique for distinct indexes below 10^8."""
    if index is not None and 0 <= index < 100_000_000:
        return f"X{_feistel(index, 10_000, 0x5A17):08d}X"
    return f"X{int(rng.integers(0, 100_000_000)):08d}X"


def mrn(rng: np.random.Generator, index: int | None = None) -> str:
    """A 10-digit medical record number: unique for distinct indexes below 10^10."""
    if index is not None and 0 <= index < 10_000_000_000:
        return f"{_feistel(index, 100_000, 0x3C6E):010d}"
    return f"{int(rng.integers(0, 10_000_000_000)):010d}"


def phone(rng: np.random.Generator) -> str:
    """``555-01xx``: the block reserved for fictional use."""
    return f"555-01{int(rng.integers(0, 100)):02d}"


def email(rng: np.random.Generator, first: str, last: str) -> str:
    """``first.last.NNNN@example.org`` (letters only, lower case)."""
    clean = ["".join(ch for ch in part.lower() if ch.isalpha()) or "x" for part in (first, last)]
    return f"{clean[0]}.{clean[1]}.{int(rng.integers(0, 10_000)):04d}@example.org"


def luhn_check_digit(digits: str) -> int:
    """The Luhn check digit to append to ``digits``."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:  # doubled: these sit at odd positions once the check digit is appended
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10


def npi(serial: int) -> str:
    """A 10-digit NPI ``9xxxxxxxxC`` for serial < 10^8, check digit per CMS (Luhn over 80840 + 9 digits)."""
    if not 0 <= serial < 100_000_000:
        raise ValueError(f"NPI serial out of range: {serial}")
    base = f"9{serial:08d}"
    return base + str(luhn_check_digit("80840" + base))


def npi_is_valid(value: str) -> bool:
    """True when a 10-digit NPI carries the right check digit."""
    return len(value) == 10 and value.isdigit() and luhn_check_digit("80840" + value[:9]) == int(value[9])
