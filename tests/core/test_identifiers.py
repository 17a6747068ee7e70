"""Identifier formats, the NPI check digit and uniqueness by construction."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ehrsim.core import identifiers


def test_luhn_matches_the_cms_example_npi():
    assert identifiers.npi_is_valid("1234567893")
    assert not identifiers.npi_is_valid("1234567890")


@given(st.integers(0, 99_999_999))
def test_generated_npis_are_valid_and_never_real(serial):
    value = identifiers.npi(serial)
    assert len(value) == 10 and value.startswith("9")
    assert identifiers.npi_is_valid(value)


def test_mrn_and_passport_are_unique_by_index():
    count = 100_000
    assert len({identifiers.mrn(None, i) for i in range(count)}) == count  # type: ignore[arg-type]
    assert len({identifiers.passport(None, i) for i in range(count)}) == count  # type: ignore[arg-type]


@given(st.integers(0, 10_000_000_000 - 1))
def test_mrn_is_ten_digits_for_any_index(index):
    assert len(identifiers.mrn(None, index)) == 10  # type: ignore[arg-type]
