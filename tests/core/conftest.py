"""Shared fixtures for the core tests: seeded generators and a seeded Faker."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from faker import Faker

from ehrsim.record.times import from_date

REFERENCE_TIME = from_date(dt.date(2025, 1, 1))


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(12345)


@pytest.fixture
def faker() -> Faker:
    fake = Faker("en_US")
    fake.seed_instance(12345)
    return fake
