from __future__ import annotations

from typing import Any

import pytest

from tests.report.records import diabetic_patient


@pytest.fixture
def coherent_record() -> dict[str, Any]:
    return diabetic_patient()
