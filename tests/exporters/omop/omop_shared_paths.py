"""Where ../shared keeps the OMOP conformance tool, the official DDL and the vocabulary shard."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[3].parent / "shared"
OMOP_CHECK = SHARED / "tools" / "omop-check"
VOCAB = SHARED / "omop" / "vocab"
needs_shared_omop = pytest.mark.skipif(
    not (OMOP_CHECK.is_file() and VOCAB.is_dir()),
    reason="../shared (omop-check, OMOP DDL and vocabulary shard) is not present",
)
